import { createHash } from 'node:crypto';
import { PDFDocument } from '@cantoo/pdf-lib';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/service.js';
import { issueDocument, type IssuedTestDocument } from './support/documents.js';
import { registerCase, upload } from './support/http.js';
import { pdfWithPages } from './support/hostile.js';
import { makeTestSigner, signPdf, signPdfCades, type TestSigner } from './support/sign.js';

/** Digitally signed returns: every signature checked offline, and said honestly what was not. */
let service: TestService;
let kase: { id: string; token: string };
let issued: IssuedTestDocument;
let signer: TestSigner;
let signed: Uint8Array;
const signingTime = new Date('2026-02-03T09:15:00Z');

beforeAll(async () => {
  service = await startTestService();
  kase = await registerCase(service);
  issued = await issueDocument(service, kase.id, { templateId: 'dpv-terms', pageCount: 2 });
  signer = makeTestSigner('Kari Nordmann', 'Testkommune');
  signed = await signPdf(issued.pdf, signer, signingTime);
});
afterAll(async () => {
  await service.dispose();
});

describe('digitally signed PDFs', () => {
  it('a signed copy of the issued document: complete, signature intact, signer and time reported, chain not verified', async () => {
    const res = await request(service.app)
      .post(`/api/cases/${kase.id}/uploads`)
      .set('Authorization', `Bearer ${kase.token}`)
      .set('Accept-Language', 'en')
      .attach('file', Buffer.from(signed), 'signed.pdf');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ status: 'complete', document: { id: issued.document.id, kind: 'dpv-terms' }, pagesFound: [1, 2] });
    expect(res.body.signatures).toHaveLength(1);
    expect(res.body.signatures[0]).toMatchObject({
      index: 1,
      subFilter: 'adbe.pkcs7.detached',
      intact: true,
      coversWholeFile: true,
      signer: { subject: 'CN=Kari Nordmann, O=Testkommune, C=NO' },
      signingTime: signingTime.toISOString(),
      signingTimeSource: 'signed-attribute',
      chain: 'not-verified',
      // The first revision of the file is the issued PDF, byte for byte.
      signedContent: 'issued-document-hash',
      problems: [],
    });
    expect(res.body.signatures[0].summary).toBe(`Signature intact, signer CN=Kari Nordmann, O=Testkommune, C=NO, time ${signingTime.toISOString()}, chain not verified`);
    expect(res.body.findings.map((f: { code: string }) => f.code)).toEqual(['signature-intact', 'signed-content-issued']);
  });

  it('a PAdES-style signature (ETSI.CAdES.detached, ECDSA P-256, no signing-time attribute): intact, time only claimed', async () => {
    const res = await request(service.app)
      .post(`/api/cases/${kase.id}/uploads`)
      .set('Authorization', `Bearer ${kase.token}`)
      .set('Accept-Language', 'en')
      .attach('file', Buffer.from(await signPdfCades(issued.pdf, 'Ola Nordmann')), 'pades.pdf');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.status).toBe('complete');
    expect(res.body.signatures[0]).toMatchObject({
      subFilter: 'ETSI.CAdES.detached',
      intact: true,
      signer: { subject: 'CN=Ola Nordmann' },
      signingTimeSource: 'pdf-dictionary',
      signedContent: 'issued-document-hash',
    });
    // The /M entry is not signed, and the summary says so.
    expect(res.body.signatures[0].summary).toContain('claimed time');
  });

  it('the same file with one byte changed: the signature is broken, the upload rejected', async () => {
    const tampered = Buffer.from(signed);
    // A byte of the binary comment on line 2: still a valid PDF, but not what was signed.
    const at = tampered.indexOf('\n%', 0, 'latin1') + 2;
    tampered[at] = tampered[at]! ^ 0x01;
    const res = await upload(service, kase, tampered, 'signed.pdf');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.status).toBe('rejected');
    expect(res.body.signatures[0]).toMatchObject({ intact: false, problems: ['digest-mismatch'], signer: { subject: 'CN=Kari Nordmann, O=Testkommune, C=NO' } });
    expect(res.body.findings).toContainEqual(expect.objectContaining({ code: 'signature-invalid' }));
  });

  it('changed after signing (an incremental update appended): incomplete, and said so', async () => {
    const doc = await PDFDocument.load(signed, { forIncrementalUpdate: true, updateMetadata: false });
    doc.setTitle('changed after signing');
    doc.context.snapshot!.markRefForSave(doc.context.trailerInfo.Info as never);
    const changed = await doc.commit({ useObjectStreams: false });
    const res = await upload(service, kase, changed, 'signed.pdf');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.status).toBe('incomplete');
    expect(res.body.signatures[0]).toMatchObject({ intact: true, coversWholeFile: false, signedContent: 'issued-document-hash' });
    expect(res.body.findings).toContainEqual(expect.objectContaining({ code: 'modified-after-signing' }));
  });

  it('a re-saved copy (other bytes, same pages) signed: identified by its codes', async () => {
    const resaved = await (await PDFDocument.load(issued.pdf)).save({ useObjectStreams: true });
    const res = await upload(service, kase, await signPdf(resaved, signer), 'resaved.pdf');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ status: 'complete', document: { id: issued.document.id, source: 'qr' } });
    expect(res.body.signatures[0]).toMatchObject({ intact: true, signedContent: 'issued-document-code' });
  });

  it('no readable code, but the first revision is an issued PDF byte for byte: identified by its hash', async () => {
    // An issued document without any QR code, as a differently made PDF could be.
    const plain = await pdfWithPages(1);
    const recorded = await service.issuedDocuments.record({
      id: 'HASH0001',
      caseId: kase.id,
      templateId: 'order-form',
      templateVersion: 1,
      locale: 'nb',
      dataHash: 'plain',
      sha256: createHash('sha256').update(plain).digest('hex'),
      pageCount: 1,
      issuedAt: new Date().toISOString(),
    });
    const res = await upload(service, kase, await signPdf(plain, signer), 'plain.pdf');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ status: 'complete', document: { id: recorded.id, kind: 'order-form', source: 'hash' }, pagesFound: [1] });
    expect(res.body.signatures[0]).toMatchObject({ intact: true, signedContent: 'issued-document-hash' });
  });

  it('a signed PDF that is not a document we issued: signature intact, content unknown, unmatched', async () => {
    const foreign = await signPdf(await pdfWithPages(2), signer);
    const res = await upload(service, kase, foreign, 'other.pdf');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ status: 'unmatched', document: null });
    expect(res.body.signatures[0]).toMatchObject({ intact: true, signedContent: 'unknown' });
  });
});
