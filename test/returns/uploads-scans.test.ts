import { createHash } from 'node:crypto';
import { PDFDocument } from '@cantoo/pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/service.js';
import { buildDocumentPdf, issueDocument, type IssuedTestDocument } from './support/documents.js';
import { agencyGetBytes, registerCase, upload } from './support/http.js';
import { scanPdf, toImagePdf, toJpeg, toPng, toTiff } from './support/scan.js';

/**
 * The print-and-scan corpus: documents issued for a case, scanned the way an
 * agency's scanner would (150 or 300 dpi, a little crooked, noisy, grey, JPEG
 * quality 60) and uploaded as image-only PDF, multi-page TIFF, JPEG and PNG.
 */
let service: TestService;
let kase: { id: string; token: string };
let twoPages: IssuedTestDocument;
let onePage: IssuedTestDocument;
let threePages: IssuedTestDocument;

beforeAll(async () => {
  service = await startTestService();
  kase = await registerCase(service);
  twoPages = await issueDocument(service, kase.id, { templateId: 'dpv-terms', pageCount: 2 });
  onePage = await issueDocument(service, kase.id, { templateId: 'order-form', pageCount: 1 });
  threePages = await issueDocument(service, kase.id, { templateId: 'ks-cover-letter', pageCount: 3 });
});
afterAll(async () => {
  await service.dispose();
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('scans of issued documents', () => {
  it('an image-only PDF scanned at 150 dpi, rotated 2°, noisy, JPEG q60: complete', async () => {
    const scan = await toImagePdf(await scanPdf(twoPages.pdf, { dpi: 150, angle: 2, noise: 18, quality: 60 }));
    const res = await upload(service, kase, scan, 'skann.pdf');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.headers.location).toBe(`/api/cases/${kase.id}/uploads/${res.body.id}`);
    expect(res.body).toMatchObject({
      sha256: sha256(scan),
      size: scan.length,
      pageCount: 2,
      status: 'complete',
      document: { id: twoPages.document.id, kind: 'dpv-terms' },
      pagesFound: [1, 2],
      missingPages: [],
    });
  });

  it('a multi-page TIFF scanned at 300 dpi, rotated -1°, pages out of order: complete', async () => {
    const pages = await scanPdf(threePages.pdf, { dpi: 300, angle: -1, noise: 12 });
    const tiff = await toTiff([pages[2]!, pages[0]!, pages[1]!], 60);
    const res = await upload(service, kase, tiff, 'scan.tif');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ status: 'complete', mediaType: 'image/tiff', convertedFromImage: true, pageCount: 3, pagesFound: [1, 2, 3], document: { kind: 'ks-cover-letter' } });
    // The PDF made from the TIFF is stored too and has one page per TIFF page.
    const pdf = await agencyGetBytes(service, kase, `/uploads/${res.body.id}/pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((await PDFDocument.load(pdf.body as Buffer)).getPageCount()).toBe(3);
  });

  it('a JPEG at 150 dpi, rotated 3°, grey, noisy: complete', async () => {
    const [page] = await scanPdf(onePage.pdf, { dpi: 150, angle: 3, noise: 20 });
    const res = await upload(service, kase, await toJpeg(page!, 60), 'IMG_0001.JPG');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ status: 'complete', mediaType: 'image/jpeg', document: { id: onePage.document.id, kind: 'order-form' } });
  });

  it('a PNG at 300 dpi rotated 1°: complete', async () => {
    const [page] = await scanPdf(onePage.pdf, { dpi: 300, angle: 1, noise: 10 }, 7);
    const res = await upload(service, kase, await toPng(page!), 'scan.png');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ status: 'complete', mediaType: 'image/png' });
  });

  it('a phone photo stored sideways with an EXIF orientation: read upright', async () => {
    const [page] = await scanPdf(onePage.pdf, { dpi: 150, angle: 1 }, 11);
    // Store the pixels turned 90° and let EXIF orientation 8 say how to show them.
    const sideways = await sharp(page!.data, { raw: { width: page!.width, height: page!.height, channels: 1 } })
      .rotate(90)
      .withMetadata({ orientation: 8, density: 150 })
      .jpeg({ quality: 70 })
      .toBuffer();
    const res = await upload(service, kase, sideways, 'photo.jpg');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const pdf = await agencyGetBytes(service, kase, `/uploads/${res.body.id}/pdf`);
    const first = (await PDFDocument.load(pdf.body as Buffer)).getPage(0);
    expect(first.getHeight()).toBeGreaterThan(first.getWidth());
  });

  it('a missing page: incomplete, says which', async () => {
    const pages = await scanPdf(threePages.pdf, { dpi: 150, angle: 1.5, noise: 15 }, 3);
    const res = await upload(service, kase, await toImagePdf([pages[0]!, pages[2]!]));
    expect(res.body).toMatchObject({ status: 'incomplete', document: { id: threePages.document.id }, pagesFound: [1, 3], missingPages: [2] });
    expect(res.body.findings).toContainEqual(expect.objectContaining({ code: 'missing-pages', message: expect.stringContaining('2') }));
  });

  it('pages of two documents mixed: incomplete, the stray page named', async () => {
    const a = await scanPdf(twoPages.pdf, { dpi: 150, angle: 1, noise: 10 }, 5);
    const b = await scanPdf(onePage.pdf, { dpi: 150, angle: -2, noise: 10 }, 6);
    const res = await upload(service, kase, await toImagePdf([a[0]!, b[0]!, a[1]!]));
    expect(res.body).toMatchObject({ status: 'incomplete', document: { id: twoPages.document.id }, pagesFound: [1, 2], missingPages: [] });
    expect(res.body.findings).toContainEqual(expect.objectContaining({ code: 'other-document', page: 2 }));
  });

  it('forged codes (right format, wrong key): unmatched with the forged pages named', async () => {
    const forged = await buildDocumentPdf(
      { documentId: twoPages.document.id, caseId: kase.id, templateId: 'dpv-terms', templateVersion: 1, pageCount: 2 },
      Buffer.alloc(32, 0x42),
    );
    const res = await upload(service, kase, await toImagePdf(await scanPdf(forged, { dpi: 150, angle: 1 }, 9)));
    expect(res.body).toMatchObject({ status: 'unmatched', document: null });
    expect(res.body.findings.map((f: { code: string }) => f.code)).toEqual(expect.arrayContaining(['forged-code', 'no-codes']));
  });

  it('no readable code but the printed reference given: waits for manual review', async () => {
    // A scan so faint and blurred that no code survives, as from a bad fax.
    const [page] = await scanPdf(twoPages.pdf, { dpi: 72 }, 13);
    const blurred = await sharp(page!.data, { raw: { width: page!.width, height: page!.height, channels: 1 } }).blur(4).withMetadata({ density: 72 }).jpeg({ quality: 20 }).toBuffer();
    // Typed by a person: lower case, spaces instead of dashes.
    const id = twoPages.document.id.toLowerCase();
    const res = await upload(service, kase, blurred, 'fax.jpg', { documentId: `efm ${id.slice(0, 4)} ${id.slice(4)}` });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ status: 'unmatched', document: { id: twoPages.document.id, source: 'reference' }, pagesFound: [], missingPages: [] });
    expect(res.body.findings).toContainEqual(expect.objectContaining({ code: 'awaiting-manual-review' }));
  });

  it('the issued PDF itself, unsigned (named and sent as a JPEG): judged a PDF by content, recognised, not complete', async () => {
    const res = await upload(service, kase, twoPages.pdf, 'photo.jpg');
    expect(res.body).toMatchObject({ mediaType: 'application/pdf', status: 'incomplete', document: { id: twoPages.document.id }, pagesFound: [1, 2] });
    expect(res.body.findings).toContainEqual(expect.objectContaining({ code: 'not-signed' }));
  });
});
