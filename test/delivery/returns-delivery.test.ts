import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/service.js';
import { issueDocument } from '../returns/support/documents.js';
import { admin, registerCase, upload } from '../returns/support/http.js';
import { makeTestSigner, signPdf } from '../returns/support/sign.js';

const signer = makeTestSigner();
const signed = (pdf: Uint8Array) => signPdf(pdf, signer, new Date(Date.UTC(2026, 10, 26, 9, 0)));

/**
 * Signed returns go on to Altinn (DPV) or KS by themselves: queued in the same
 * transaction that records a complete return, or, when approval is configured,
 * the one that records servicedesk's approval.
 */
describe('signed returns are queued for delivery', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(async () => {
    await service.dispose();
  });

  it('a complete DPV return queues the letter to Altinn with the PDF that was checked', async () => {
    const kase = await registerCase(service);
    const dpv = await issueDocument(service, kase.id, { templateId: 'dpv-terms', pageCount: 2 });
    const response = await upload(service, kase, await signed(dpv.pdf));
    expect(response.body.status).toBe('complete');
    const letters = (await service.delivery.outbox.listForCase(kase.id)).filter((m) => m.kind === 'dpv-terms');
    expect(letters).toHaveLength(1);
    expect(letters[0]!.message.to).toEqual(['firmapost@brreg.no']);
    expect(letters[0]!.message.attachments[0]!.source).toEqual({ blob: response.body.sha256 });
  });

  it('an incomplete return queues nothing', async () => {
    const kase = await registerCase(service, { organizationNumber: '974760673' });
    const dpv = await issueDocument(service, kase.id, { templateId: 'dpv-terms', pageCount: 2 });
    const { PDFDocument } = await import('@cantoo/pdf-lib');
    const doc = await PDFDocument.load(dpv.pdf);
    doc.removePage(1);
    const response = await upload(service, kase, await signed(await doc.save()));
    expect(response.body.status).toBe('incomplete');
    expect((await service.delivery.outbox.listForCase(kase.id)).filter((m) => m.kind === 'dpv-terms')).toHaveLength(0);
  });
});

describe('with DELIVERY_AFTER_APPROVAL=true', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ env: { DELIVERY_AFTER_APPROVAL: 'true' } });
  });
  afterAll(async () => {
    await service.dispose();
  });

  it('the letter is queued only when servicedesk approves', async () => {
    const kase = await registerCase(service);
    const dpv = await issueDocument(service, kase.id, { templateId: 'dpv-terms', pageCount: 1 });
    const response = await upload(service, kase, await signed(dpv.pdf));
    expect(response.body.status).toBe('complete');
    expect((await service.delivery.outbox.listForCase(kase.id)).filter((m) => m.kind === 'dpv-terms')).toHaveLength(0);
    const decided = await admin(service).post(`/api/admin/cases/${kase.id}/uploads/${response.body.id}/decision`, { decision: 'approve', reason: 'Signert av daglig leder' });
    expect(decided.status).toBe(200);
    expect((await service.delivery.outbox.listForCase(kase.id)).filter((m) => m.kind === 'dpv-terms')).toHaveLength(1);
  });
});
