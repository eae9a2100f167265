import { readFile } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { inspectPdf, type PdfInspection } from './pdf-inspect.js';
import { verifyPdfSignatures, type VerifiedSignature } from './pdf-signatures.js';
import { decodeQrCodes, initQrDecoder } from './qr-decoder.js';
import { popplerPageCount, renderPageGray, RenderError } from './rasterize.js';

/**
 * The analysis worker thread: everything CPU-bound that runs in JavaScript or
 * WebAssembly (parsing a PDF with pdf-lib, checking CMS signatures, decoding QR
 * codes) happens here, so the HTTP event loop stays responsive. It also starts
 * the pdftoppm/pdfinfo child processes: spawning forks the whole service, which
 * took ~50 ms of main-thread time per page under load, and the page images
 * (2–9 MB each) never have to cross between threads.
 */
export type WorkerRequest =
  | { id: number; op: 'inspect'; path: string; maxPages: number }
  | { id: number; op: 'read-page'; path: string; page: number; dpi: number };

export interface InspectResult {
  inspection: PdfInspection;
  signatures: VerifiedSignature[];
  /** pdfinfo's page count (poppler), or null when poppler cannot open the file. */
  popplerPageCount: number | null;
}

/** The QR texts on one page, or null when the page could not be rendered. */
export type PageResult = { texts: string[] } | { texts: null; error: string };

export type WorkerResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

async function handle(request: WorkerRequest): Promise<unknown> {
  if (request.op === 'read-page') {
    let image: Buffer;
    try {
      image = await renderPageGray(request.path, request.page, { dpi: request.dpi });
    } catch (error) {
      if (error instanceof RenderError) return { texts: null, error: error.message } satisfies PageResult;
      throw error;
    }
    return { texts: await decodeQrCodes(image) } satisfies PageResult;
  }
  const [bytes, popplerPages] = await Promise.all([readFile(request.path), popplerPageCount(request.path)]);
  const inspection = await inspectPdf(bytes, { maxPages: request.maxPages });
  const signatures = inspection.ok && inspection.signatures.length > 0 ? verifyPdfSignatures(bytes, inspection.signatures) : [];
  return { inspection, signatures, popplerPageCount: popplerPages } satisfies InspectResult;
}

const port = parentPort;
if (port) {
  void initQrDecoder();
  port.on('message', (request: WorkerRequest) => {
    handle(request).then(
      (result) => port.postMessage({ id: request.id, ok: true, result } satisfies WorkerResponse),
      (error: unknown) => port.postMessage({ id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies WorkerResponse),
    );
  });
}
