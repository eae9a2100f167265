import { readFile } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { inspectPdf, type PdfInspection } from './pdf-inspect.js';
import { verifyPdfSignatures, type VerifiedSignature } from './pdf-signatures.js';
import { decodeQrCodes, initQrDecoder } from './qr-decoder.js';

/**
 * The analysis worker thread: everything CPU-bound that runs in JavaScript or
 * WebAssembly (parsing a PDF with pdf-lib, checking CMS signatures, decoding QR
 * codes) happens here, so the HTTP event loop stays responsive. Rasterising is
 * done by pdftoppm in child processes and image work by sharp on libuv threads.
 */
export type WorkerRequest =
  | { id: number; op: 'inspect'; path: string; maxPages: number }
  | { id: number; op: 'decode'; image: Uint8Array };

export interface InspectResult {
  inspection: PdfInspection;
  signatures: VerifiedSignature[];
}

export type WorkerResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

async function handle(request: WorkerRequest): Promise<unknown> {
  if (request.op === 'decode') return decodeQrCodes(request.image);
  const bytes = await readFile(request.path);
  const inspection = await inspectPdf(bytes, { maxPages: request.maxPages });
  const signatures = inspection.ok && inspection.signatures.length > 0 ? verifyPdfSignatures(bytes, inspection.signatures) : [];
  return { inspection, signatures } satisfies InspectResult;
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
