import path from 'node:path';
import request from 'supertest';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestService, type TestService } from '../support/service.js';
import { listBlobFiles } from './support/blobs.js';
import { issueDocument, type IssuedTestDocument } from './support/documents.js';
import { encryptPdf, jpegPdfPolyglot, pdfWithOpenActionJavaScript, pdfWithPages, pngBomb } from './support/hostile.js';
import { agencyGet, registerCase, upload } from './support/http.js';
import { displayName } from '../../src/returns/returns-service.js';

/** Everything the service must refuse, and what it must leave behind: nothing. */
let service: TestService;
let kase: { id: string; token: string };
let issued: IssuedTestDocument;
let blobRoot: string;

beforeAll(async () => {
  service = await startTestService();
  kase = await registerCase(service);
  issued = await issueDocument(service, kase.id, { pageCount: 1 });
  blobRoot = path.join(service.testDatabase.dataDir, 'blobs');
});
afterAll(async () => {
  await service.dispose();
});

async function caseState() {
  const events = await service.cases.events(kase.id);
  const record = await service.cases.findById(kase.id);
  return { events: events.length, updatedAt: record!.updatedAt };
}

/** Asserts the refusal and that neither the case nor the blob store kept anything. */
async function expectRefused(bytes: Uint8Array, status: number, code: string, fileName = 'file.pdf') {
  const before = await caseState();
  const blobsBefore = listBlobFiles(blobRoot).blobs.length;
  const res = await upload(service, kase, bytes, fileName);
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.code).toBe(code);
  expect(res.body.detail.length).toBeGreaterThan(20);
  expect(await caseState()).toEqual(before);
  const after = listBlobFiles(blobRoot);
  expect(after.blobs.length).toBe(blobsBefore);
  expect(after.temporary).toEqual([]);
  return res;
}

describe('refused uploads', () => {
  it('415 for content that is none of the accepted types, whatever the name and Content-Type claim', async () => {
    const before = await caseState();
    const res = await request(service.app)
      .post(`/api/cases/${kase.id}/uploads`)
      .set('Authorization', `Bearer ${kase.token}`)
      .attach('file', Buffer.from('<html><script>alert(1)</script></html>'), { filename: 'signed.pdf', contentType: 'application/pdf' });
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ code: 'unsupported-file-type', accepted: ['application/pdf', 'image/jpeg', 'image/png', 'image/tiff'] });
    expect(res.body.detail).toContain('PDF, JPEG, PNG, TIFF');
    expect(await caseState()).toEqual(before);
  });

  it('415 for a polyglot (a JPEG that is also a PDF)', async () => {
    const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#fff' } }).jpeg().toBuffer();
    await expectRefused(jpegPdfPolyglot(jpeg, issued.pdf), 415, 'ambiguous-file-type', 'photo.jpg');
  });

  it('422 for a PNG decompression bomb, refused quickly', async () => {
    const started = Date.now();
    const res = await expectRefused(pngBomb(), 422, 'image-too-large', 'scan.png');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(res.body.limitPixels).toBe(40_000_000);
  });

  it('422 for an encrypted PDF, saying to remove the password', async () => {
    const res = await expectRefused(await encryptPdf(issued.pdf, 'hemmelig'), 422, 'pdf-encrypted');
    expect(res.body.detail).toMatch(/uten passord/);
  });

  it('422 for a PDF with JavaScript, naming it (in English on request)', async () => {
    const res = await request(service.app)
      .post(`/api/cases/${kase.id}/uploads`)
      .set('Authorization', `Bearer ${kase.token}`)
      .set('Accept-Language', 'en')
      .attach('file', Buffer.from(await pdfWithOpenActionJavaScript()), 'signed.pdf');
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'pdf-active-content', contains: ['javascript'] });
    expect(res.body.detail).toMatch(/JavaScript.*print it to a new PDF/);
  });

  it('422 for a truncated PDF', async () => {
    await expectRefused(issued.pdf.subarray(0, Math.floor(issued.pdf.length / 2)), 422, 'pdf-truncated');
  });

  it('422 for a malformed PDF (a header, garbage, an end marker)', async () => {
    const junk = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(5000, 0x41), Buffer.from('\n%%EOF\n')]);
    await expectRefused(junk, 422, 'pdf-malformed');
  });

  it('422 for more than 100 pages', async () => {
    const res = await expectRefused(await pdfWithPages(101), 422, 'too-many-pages');
    expect(res.body).toMatchObject({ pageCount: 101, limit: 100 });
  });

  it('400 for an empty file', async () => {
    await expectRefused(Buffer.alloc(0), 400, 'empty-file');
  });

  it('413 for a 30 MB file, with nothing written', async () => {
    const big = Buffer.alloc(30 * 1024 * 1024, 0x20);
    big.write('%PDF-1.7\n');
    await expectRefused(big, 413, 'upload-too-large');
  });

  it('400 without a file, or with two', async () => {
    const none = await request(service.app).post(`/api/cases/${kase.id}/uploads`).set('Authorization', `Bearer ${kase.token}`).field('documentId', 'EFM-AAAA-BBBB');
    expect(none.status).toBe(400);
    expect(none.body.code).toBe('file-missing');
    const before = listBlobFiles(blobRoot).blobs.length;
    const two = await request(service.app)
      .post(`/api/cases/${kase.id}/uploads`)
      .set('Authorization', `Bearer ${kase.token}`)
      .attach('file', Buffer.from(issued.pdf), 'a.pdf')
      .attach('file', Buffer.from('second file'), 'b.pdf');
    expect(two.status).toBe(400);
    expect(two.body.code).toBe('upload-one-file-only');
    expect(listBlobFiles(blobRoot).blobs.length).toBe(before);
  });

  it('415 for a body that is not multipart/form-data', async () => {
    const res = await request(service.app).post(`/api/cases/${kase.id}/uploads`).set('Authorization', `Bearer ${kase.token}`).type('application/pdf').send(Buffer.from(issued.pdf));
    expect(res.status).toBe(415);
  });

  it('404 with a wrong token, before anything is stored', async () => {
    const before = listBlobFiles(blobRoot).blobs.length;
    const res = await upload(service, { id: kase.id, token: 'not-the-token' }, issued.pdf);
    expect(res.status).toBe(404);
    expect(listBlobFiles(blobRoot).blobs.length).toBe(before);
  });

  it('409 when servicedesk closes the case while the upload is being analysed, and nothing is kept', async () => {
    const other = await registerCase(service);
    const before = new Set(listBlobFiles(blobRoot).blobs);
    // 30 pages: seconds of analysis (a rasterised page each) after the bytes are stored.
    const pending = upload(service, other, await pdfWithPages(30)).then((res) => res);
    const started = Date.now();
    while (!listBlobFiles(blobRoot).blobs.some((b) => !before.has(b)) && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 20));
    const closed = await request(service.app).post(`/api/admin/cases/${other.id}/close`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).send({ reason: 'lagt ned' });
    expect(closed.status).toBe(200);
    const res = await pending;
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.body.code).toBe('case-closed');
    expect((await agencyGet(service, other, '/uploads')).body.items).toEqual([]);
    expect((await service.cases.events(other.id)).map((e) => e.type)).not.toContain('upload.received');
    expect(listBlobFiles(blobRoot).blobs.filter((b) => !before.has(b))).toEqual([]);
  });

  it('409 on a closed case', async () => {
    const other = await registerCase(service);
    await request(service.app).post(`/api/admin/cases/${other.id}/close`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).send({ reason: 'test' });
    const res = await upload(service, other, issued.pdf);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('case-closed');
  });
});

describe('the client file name', () => {
  it('keeps Norwegian letters as the browser sent them (UTF-8), in the answer and on the case', async () => {
    // Other bytes than the other uploads here (a duplicate would answer with the first upload's name).
    const bytes = Buffer.concat([Buffer.from(issued.pdf), Buffer.from('\n% norsk filnavn\n')]);
    const res = await upload(service, kase, bytes, 'signert søknad æøå ÆØÅ.pdf');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.fileName).toBe('signert søknad æøå ÆØÅ.pdf');
    const listed = await agencyGet(service, kase, `/uploads/${res.body.id}`);
    expect(listed.body.fileName).toBe('signert søknad æøå ÆØÅ.pdf');
  });

  it('is never a path: stored by hash, shown cleaned, served under a fixed name', async () => {
    const res = await upload(service, kase, issued.pdf, '../../../../tmp/evil.pdf');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.fileName).toBe('evil.pdf');
    const stored = listBlobFiles(blobRoot).blobs.map((f) => path.basename(f));
    expect(stored).toContain(res.body.sha256);
    const file = await agencyGet(service, kase, `/uploads/${res.body.id}/file`);
    expect(file.headers['content-disposition']).toBe(`attachment; filename="upload-${res.body.id}.pdf"`);
    expect(file.headers['x-content-type-options']).toBe('nosniff');
  });

  it('is cleaned of control characters and Windows paths', () => {
    expect(displayName('C:\\Users\\kari\\Skann 01.pdf')).toBe('Skann 01.pdf');
    expect(displayName('ev\u0000il\u0007.pdf')).toBe('evil.pdf');
    expect(displayName('../..')).toBe('..');
    expect(displayName('   ')).toBeNull();
    expect(displayName('x'.repeat(500))).toHaveLength(200);
  });
});

describe('the upload limit while streaming', () => {
  it('stops a file over UPLOAD_MAX_BYTES whose size was not declared up front', async () => {
    const small = await startTestService({ env: { UPLOAD_MAX_BYTES: '200000' } });
    try {
      const k = await registerCase(small);
      const root = path.join(small.testDatabase.dataDir, 'blobs');
      // Under the declared-size shortcut (limit + 64 KiB), so the streaming meter must catch it.
      const body = Buffer.alloc(250_000, 0x20);
      body.write('%PDF-1.7\n');
      const res = await upload(small, k, body);
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ code: 'upload-too-large', limitBytes: 200_000 });
      // multer answers as soon as the limit trips; the temporary file goes a moment later.
      await expect.poll(() => listBlobFiles(root), { timeout: 2000 }).toEqual({ blobs: [], temporary: [] });
    } finally {
      await small.dispose();
    }
  });
});
