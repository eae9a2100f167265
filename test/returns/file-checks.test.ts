import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument } from '@cantoo/pdf-lib';
import sharp from 'sharp';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { detectFileType } from '../../src/returns/file-type.js';
import { ImageProblem, imageToPdf } from '../../src/returns/image-to-pdf.js';
import { inspectPdf } from '../../src/returns/pdf-inspect.js';
import { buildDocumentPdf } from './support/documents.js';
import {
  appendZip,
  encryptPdf,
  jpegPdfPolyglot,
  pdfWithEmbeddedFile,
  pdfWithLaunchAction,
  pdfWithNamedJavaScript,
  pdfWithObfuscatedJavaScript,
  pdfWithOpenActionJavaScript,
  pdfWithPages,
  pngBomb,
} from './support/hostile.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'efm-filecheck-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(bytes: Uint8Array): { path: string; size: number } {
  const p = path.join(dir, `f${n++}`);
  writeFileSync(p, bytes);
  return { path: p, size: bytes.length };
}
const detect = (bytes: Uint8Array) => {
  const f = file(bytes);
  return detectFileType(f.path, f.size);
};

const samplePdf = () => buildDocumentPdf({ documentId: '7K3Q9XPD', caseId: '11111111-2222-3333-4444-555555555555', templateId: 'dpv-terms', templateVersion: 1, pageCount: 1 }, Buffer.alloc(32, 1));
const grey = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: '#cccccc' } });

describe('file type by content', () => {
  it('accepts PDF, JPEG, PNG and TIFF by their bytes, whatever the name', async () => {
    expect(await detect(await samplePdf())).toMatchObject({ ok: true, kind: 'pdf' });
    expect(await detect(await grey(50, 50).jpeg().toBuffer())).toMatchObject({ ok: true, kind: 'jpeg' });
    expect(await detect(await grey(50, 50).png().toBuffer())).toMatchObject({ ok: true, kind: 'png' });
  });

  it('recognises a multi-page TIFF whose directory sits at the end of the file', async () => {
    const pages = await Promise.all([grey(300, 300).png().toBuffer(), grey(300, 300).png().toBuffer()]);
    const tiff = await sharp(pages, { join: { animated: true } }).tiff({ compression: 'lzw' }).toBuffer();
    expect(await detect(tiff)).toMatchObject({ ok: true, kind: 'tiff' });
  });

  it('accepts a PDF with a little junk before its header, as PDF readers do', async () => {
    const pdf = Buffer.concat([Buffer.from('\r\n\r\nsome mail gateway header\r\n'), await samplePdf()]);
    expect(await detect(pdf)).toMatchObject({ ok: true, kind: 'pdf' });
  });

  it('refuses everything else, naming what it is when known', async () => {
    expect(await detect(Buffer.alloc(0))).toEqual({ ok: false, reason: 'empty' });
    expect(await detect(Buffer.from('<html><body>signed!</body></html>'))).toMatchObject({ ok: false, reason: 'unsupported' });
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('PE\0\0'), Buffer.alloc(400)]);
    exe.writeUInt32LE(64, 60);
    expect(await detect(exe)).toMatchObject({ ok: false, reason: 'unsupported' });
    expect(await detect(await grey(20, 20).gif().toBuffer())).toMatchObject({ ok: false, reason: 'unsupported', detected: 'image/gif' });
    expect(await detect(appendZip(Buffer.alloc(0)))).toMatchObject({ ok: false, reason: 'unsupported', detected: 'application/zip' });
  });

  it('refuses polyglots: a JPEG that is also a PDF, a JPEG with a ZIP appended', async () => {
    const jpeg = await grey(64, 64).jpeg().toBuffer();
    expect(await detect(jpegPdfPolyglot(jpeg, await samplePdf()))).toMatchObject({ ok: false, reason: 'ambiguous', kinds: ['jpeg', 'pdf'] });
    expect(await detect(appendZip(jpeg))).toMatchObject({ ok: false, reason: 'ambiguous', kinds: ['jpeg', 'zip'] });
    expect(await detect(appendZip(Buffer.from(await samplePdf())))).toMatchObject({ ok: false, reason: 'ambiguous', kinds: ['pdf', 'zip'] });
  });
});

describe('PDF safety checks', () => {
  it('a normal PDF passes with its page count and sizes', async () => {
    const result = await inspectPdf(await samplePdf(), { maxPages: 100 });
    expect(result).toMatchObject({ ok: true, pageCount: 1, signatures: [] });
  });

  it.each([
    ['JavaScript in /OpenAction', () => pdfWithOpenActionJavaScript(), ['javascript']],
    ['JavaScript inside a compressed object stream', () => pdfWithOpenActionJavaScript({ objectStreams: true }), ['javascript']],
    ['JavaScript with an escaped name (/Java#53cript)', () => pdfWithObfuscatedJavaScript(), ['javascript']],
    ['document-level JavaScript in the name tree', () => pdfWithNamedJavaScript(), ['javascript']],
    ['a launch action', () => pdfWithLaunchAction(), ['launch-action']],
    ['an embedded file', () => pdfWithEmbeddedFile(), ['embedded-file']],
  ] as const)('refuses %s', async (_name, make, contains) => {
    expect(await inspectPdf(await make(), { maxPages: 100 })).toEqual({ ok: false, problem: 'active-content', contains });
  });

  it('refuses encrypted PDFs, with a user password or owner-only', async () => {
    const pdf = await samplePdf();
    expect(await inspectPdf(await encryptPdf(pdf, 'user-secret'), { maxPages: 100 })).toEqual({ ok: false, problem: 'encrypted' });
    expect(await inspectPdf(await encryptPdf(pdf, ''), { maxPages: 100 })).toEqual({ ok: false, problem: 'encrypted' });
  });

  it('refuses truncated and malformed PDFs', async () => {
    const pdf = await samplePdf();
    expect(await inspectPdf(pdf.subarray(0, Math.floor(pdf.length * 0.6)), { maxPages: 100 })).toEqual({ ok: false, problem: 'truncated' });
    const junk = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(5000, 0x41), Buffer.from('\n%%EOF\n')]);
    expect(await inspectPdf(junk, { maxPages: 100 })).toMatchObject({ ok: false });
  });

  it('refuses more pages than the limit before looking at any page', async () => {
    expect(await inspectPdf(await pdfWithPages(101), { maxPages: 100 })).toEqual({ ok: false, problem: 'too-many-pages', pageCount: 101, limit: 100 });
    expect(await inspectPdf(await pdfWithPages(100), { maxPages: 100 })).toMatchObject({ ok: true, pageCount: 100 });
  });
});

describe('images to PDF', () => {
  const limits = { maxPages: 100, maxPixels: 40_000_000 };

  it('applies EXIF orientation: a sideways phone photo becomes an upright page', async () => {
    // Stored landscape (400 × 300) with orientation 6: shown rotated to portrait.
    const jpeg = await grey(400, 300).withMetadata({ orientation: 6, density: 100 }).jpeg().toBuffer();
    const { pdf, pageCount } = await imageToPdf(file(jpeg).path, limits);
    const page = (await PDFDocument.load(pdf)).getPage(0);
    expect(pageCount).toBe(1);
    expect(page.getHeight()).toBeGreaterThan(page.getWidth());
    expect(page.getWidth()).toBeCloseTo((300 / 100) * 72, 0);
  });

  it('turns every page of a multi-page TIFF into a page', async () => {
    const pages = await Promise.all([1, 2, 3].map(() => grey(200, 280).png().toBuffer()));
    const tiff = await sharp(pages, { join: { animated: true } }).tiff().toBuffer();
    expect((await imageToPdf(file(tiff).path, limits)).pageCount).toBe(3);
  });

  it('refuses a decompression bomb from its header, without decoding it', async () => {
    const bomb = pngBomb();
    expect(bomb.length).toBeLessThan(200_000);
    const rss = process.memoryUsage.rss();
    const started = performance.now();
    await expect(imageToPdf(file(bomb).path, limits)).rejects.toMatchObject({ problem: 'too-large' });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(process.memoryUsage.rss() - rss).toBeLessThan(100 * 1024 * 1024);
  });

  it('refuses a damaged image', async () => {
    const jpeg = await grey(300, 300).jpeg().toBuffer();
    await expect(imageToPdf(file(jpeg.subarray(0, 400)).path, limits)).rejects.toBeInstanceOf(ImageProblem);
  });
});

describe('QR decoding offline', () => {
  it('loads the zxing wasm from the installed package, never from the network', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('no network in this test'));
    try {
      vi.resetModules();
      const { decodeQrCodes } = await import('../../src/returns/qr-decoder.js');
      const { renderPageGray } = await import('../../src/returns/rasterize.js');
      const pdf = await samplePdf();
      const texts = await decodeQrCodes(await renderPageGray(file(pdf).path, 1, { dpi: 150 }));
      expect(texts).toHaveLength(1);
      expect(texts[0]).toMatch(/^EFM1\.7K3Q9XPD\./);
      expect(fetchSpy).not.toHaveBeenCalled();
    } finally {
      fetchSpy.mockRestore();
    }
  });
});

describe('the analysis worker', () => {
  it('a call that runs too long ends the thread; the next call gets a fresh one; none after close', async () => {
    const { createAnalysisWorker, WorkerClosedError, WorkerTimeoutError } = await import('../../src/returns/analysis-worker-client.js');
    const pdf = file(await samplePdf()).path;
    const impatient = createAnalysisWorker({ inspectTimeoutMs: 1 });
    await expect(impatient.inspect(pdf, 100)).rejects.toBeInstanceOf(WorkerTimeoutError);
    await impatient.close();
    const worker = createAnalysisWorker({ inspectTimeoutMs: 1 });
    await expect(worker.inspect(pdf, 100)).rejects.toBeInstanceOf(WorkerTimeoutError);
    const page = await worker.readPage(pdf, 1, 150);
    expect(page.texts).toHaveLength(1);
    await worker.close();
    await expect(worker.readPage(pdf, 1, 150)).rejects.toBeInstanceOf(WorkerClosedError);
  });
});
