import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/service.js';
import { issueDocument, type IssuedTestDocument } from './support/documents.js';
import { admin, agencyGet, agencyGetBytes, registerCase, upload } from './support/http.js';
import { pdfWithPages } from './support/hostile.js';
import { makeTestSigner, signPdf, type TestSigner } from './support/sign.js';
import { createHash } from 'node:crypto';

/**
 * From upload to checklist: a complete return moves its step to "received",
 * servicedesk approves (done) or rejects with a reason (todo again, reason
 * shown), and the agency sees it all.
 */
let service: TestService;
let kase: { id: string; token: string };
let dpv: IssuedTestDocument;
let order: IssuedTestDocument;
let signer: TestSigner;

beforeAll(async () => {
  service = await startTestService();
  kase = await registerCase(service);
  dpv = await issueDocument(service, kase.id, { templateId: 'dpv-terms', pageCount: 2 });
  order = await issueDocument(service, kase.id, { templateId: 'order-form', pageCount: 1 });
  signer = makeTestSigner();
});
afterAll(async () => {
  await service.dispose();
});

const stepOf = async (id: string) => {
  const res = await agencyGet(service, kase, '');
  return res.body.checklist.find((s: { id: string }) => s.id === id) as { status: string; reason: { nb: string; en: string } };
};
const events = async () => (await agencyGet(service, kase, '')).body.history.map((e: { type: string }) => e.type) as string[];
const signedCopy = (pdf: Uint8Array, minute: number) => signPdf(pdf, signer, new Date(Date.UTC(2026, 1, 3, 9, minute)));

describe('uploads on the case', () => {
  let firstId: string;

  it('a complete return moves the step to received, with events in the history', async () => {
    expect((await stepOf('dpv-terms')).status).toBe('todo');
    const res = await upload(service, kase, await signedCopy(dpv.pdf, 0));
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('complete');
    firstId = res.body.id;
    const step = await stepOf('dpv-terms');
    expect(step.status).toBe('received');
    expect(step.reason.nb).toMatch(/Servicedesk kontrollerer det/);
    expect(await events()).toEqual(expect.arrayContaining(['upload.received', 'upload.matched']));
  });

  it('the same file again is the same upload: 200, no duplicate, no new event', async () => {
    const before = await events();
    const again = await upload(service, kase, await signedCopy(dpv.pdf, 0));
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(firstId);
    expect(await events()).toEqual(before);
    expect((await agencyGet(service, kase, '/uploads')).body.items).toHaveLength(1);
  });

  it('the agency lists and reads its uploads and gets the stored bytes back', async () => {
    const list = await agencyGet(service, kase, '/uploads');
    expect(list.status).toBe(200);
    expect(list.body.items[0]).toMatchObject({ id: firstId, status: 'complete', decision: null });
    const one = await agencyGet(service, kase, `/uploads/${firstId}`);
    expect(one.body).toMatchObject({ id: firstId, document: { id: dpv.document.id } });
    const file = await agencyGetBytes(service, kase, `/uploads/${firstId}/file`);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(createHash('sha256').update(file.body as Buffer).digest('hex')).toBe(one.body.sha256);
    // Another case's token sees nothing of it.
    const other = await registerCase(service);
    expect((await agencyGet(service, { id: kase.id, token: other.token }, `/uploads/${firstId}`)).status).toBe(404);
    expect((await agencyGet(service, other, `/uploads/${firstId}`)).status).toBe(404);
  });

  it('servicedesk rejects with a reason: the step is todo again and the agency reads why', async () => {
    const missingReason = await admin(service).post(`/api/admin/cases/${kase.id}/uploads/${firstId}/decision`, { decision: 'reject' });
    expect(missingReason.status).toBe(400);
    const res = await admin(service).post(`/api/admin/cases/${kase.id}/uploads/${firstId}/decision`, { decision: 'reject', reason: 'Feil person har signert' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.decision).toMatchObject({ outcome: 'rejected', reason: 'Feil person har signert' });
    const step = await stepOf('dpv-terms');
    expect(step.status).toBe('todo');
    expect(step.reason.nb).toContain('Feil person har signert');
    expect(step.reason.en).toContain('Upload a new signed copy');
    expect((await agencyGet(service, kase, `/uploads/${firstId}`)).body.decision).toMatchObject({ outcome: 'rejected', reason: 'Feil person har signert' });
    expect(await events()).toContain('upload.decided');
  });

  it('a second decision on the same upload is refused', async () => {
    const res = await admin(service).post(`/api/admin/cases/${kase.id}/uploads/${firstId}/decision`, { decision: 'approve' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('upload-already-decided');
  });

  it('a new complete return, approved: the step is done', async () => {
    const res = await upload(service, kase, await signedCopy(dpv.pdf, 5));
    expect(res.status).toBe(201);
    expect((await stepOf('dpv-terms')).status).toBe('received');
    const list = await admin(service).get(`/api/admin/cases/${kase.id}/uploads`);
    expect(list.body.items).toHaveLength(2);
    const approved = await admin(service).post(`/api/admin/cases/${kase.id}/uploads/${res.body.id}/decision`, { decision: 'approve', reason: 'OK' });
    expect(approved.status).toBe(200);
    expect((await stepOf('dpv-terms')).status).toBe('done');
    expect(await events()).toEqual(expect.arrayContaining(['upload.decided', 'step.completed']));
  });

  it('an upload nobody could match: approving needs the document, which servicedesk can name', async () => {
    const unmatched = await upload(service, kase, await signPdf(await pdfWithPages(1), signer));
    expect(unmatched.body.status).toBe('unmatched');
    const without = await admin(service).post(`/api/admin/cases/${kase.id}/uploads/${unmatched.body.id}/decision`, { decision: 'approve' });
    expect(without.status).toBe(409);
    expect(without.body.code).toBe('upload-needs-document');
    const foreignRef = await admin(service).post(`/api/admin/cases/${kase.id}/uploads/${unmatched.body.id}/decision`, { decision: 'approve', documentId: 'EFM-0000-0000' });
    expect(foreignRef.status).toBe(422);
    const res = await admin(service).post(`/api/admin/cases/${kase.id}/uploads/${unmatched.body.id}/decision`, {
      decision: 'approve',
      reason: 'Kontrollert manuelt',
      documentId: `EFM-${order.document.id.slice(0, 4)}-${order.document.id.slice(4)}`,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.document).toMatchObject({ id: order.document.id, kind: 'order-form', source: 'servicedesk' });
    expect((await stepOf('order-form')).status).toBe('done');
  });
});

describe("another case's document", () => {
  it('is rejected, not attached, cannot be approved, and reveals nothing of the other case', async () => {
    const other = await registerCase(service);
    const theirs = await issueDocument(service, other.id, { templateId: 'dpv-terms', pageCount: 1 });
    const third = await registerCase(service);
    const res = await upload(service, third, await signPdf(theirs.pdf, signer));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ status: 'rejected', document: null, pagesFound: [], missingPages: [] });
    expect(res.body.findings).toContainEqual(expect.objectContaining({ code: 'other-case' }));
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(other.id);
    expect(text).not.toContain(theirs.document.id);
    const thirdCase = await agencyGet(service, third, '');
    expect(thirdCase.body.checklist.find((s: { id: string }) => s.id === 'dpv-terms').status).toBe('todo');
    const approve = await admin(service).post(`/api/admin/cases/${third.id}/uploads/${res.body.id}/decision`, { decision: 'approve' });
    expect(approve.status).toBe(409);
    expect(approve.body.code).toBe('upload-not-approvable');
    // The owner's case is untouched.
    expect((await agencyGet(service, other, '/uploads')).body.items).toEqual([]);
  });
});

describe('the API description', () => {
  it('documents the upload routes and their contracts', async () => {
    const res = await (await import('supertest')).default(service.app).get('/openapi.json');
    const paths = res.body.paths as Record<string, Record<string, any>>;
    expect(paths['/api/cases/{id}/uploads']!.post.requestBody.content['multipart/form-data'].schema.required).toEqual(['file']);
    for (const p of ['/api/cases/{id}/uploads/{uploadId}', '/api/cases/{id}/uploads/{uploadId}/file', '/api/admin/cases/{id}/uploads/{uploadId}/decision']) expect(paths[p], p).toBeDefined();
    expect(res.body.components.schemas.Upload.properties.status.enum).toEqual(['complete', 'incomplete', 'unmatched', 'rejected']);
    expect(res.body.components.schemas.UploadDecision.properties.decision.enum).toEqual(['approve', 'reject']);
  });
});
