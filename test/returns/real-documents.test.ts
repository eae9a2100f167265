import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locale } from '../../src/domain/locale.js';
import { startTestService, type TestService } from '../support/service.js';
import { registerCase, upload } from './support/http.js';
import { scanPdf, toImagePdf, toTiff } from './support/scan.js';

/**
 * The real documents, as the service renders them (Chromium, the QR stamp, PDF/A
 * finishing), printed and scanned the way agencies do, and uploaded back: each
 * must be recognised as exactly the document issued, every page found.
 */
let service: TestService;
let kase: { id: string; token: string };

beforeAll(async () => {
  service = await startTestService();
  kase = await registerCase(service, { services: ['DPO', 'DPV', 'DPF'], dpvIpAddresses: ['192.0.2.10'] });
}, 60_000);
afterAll(async () => {
  await service?.dispose();
});

async function issued(templateId: string, locale: Locale) {
  const record = (await service.cases.findById(kase.id))!;
  return service.documents.render(record, templateId, locale);
}

describe('scans of the rendered documents', () => {
  it.each([
    ['order-form', 'nb'],
    ['dpv-terms', 'nb'],
    ['dpv-terms', 'nn'],
    ['ks-cover-letter', 'en'],
  ] as const)('%s (%s) printed, scanned at 150 dpi, 1.5° crooked, noisy, JPEG q60: complete', async (templateId, locale) => {
    const rendered = await issued(templateId, locale);
    const pages = rendered.document.pageCount;
    const scan = await toImagePdf(await scanPdf(rendered.bytes, { dpi: 150, angle: 1.5, noise: 18, quality: 60 }, pages + templateId.length));
    const res = await upload(service, kase, scan, `${templateId}-${locale}.pdf`);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      status: 'complete',
      document: { id: rendered.document.id, kind: templateId, source: 'qr' },
      pagesFound: Array.from({ length: pages }, (_, i) => i + 1),
      missingPages: [],
    });
  }, 60_000);

  it('the KS cover letter scanned at 300 dpi into a multi-page TIFF: complete', async () => {
    const rendered = await issued('ks-cover-letter', 'nb');
    const tiff = await toTiff(await scanPdf(rendered.bytes, { dpi: 300, angle: -1, noise: 10, quality: 70 }, 7));
    const res = await upload(service, kase, tiff, 'ks.tif');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ status: 'complete', document: { id: rendered.document.id }, missingPages: [] });
  }, 60_000);
});
