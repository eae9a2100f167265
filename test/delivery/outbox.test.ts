import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseRegistration, type Registration } from '../../src/domain/registration.js';
import { backoffMs } from '../../src/delivery/worker.js';
import { validRegistration } from '../support/fixtures.js';
import { ADMIN_TOKEN, startTestService, type TestService } from '../support/service.js';
import { attachment, header, startSmtpHarness, type SmtpHarness } from './smtp-harness.js';

let smtp: SmtpHarness;
let service: TestService;
let orgIndex = 0;
const ORGS = ['991825827', '974760673', '123456785', '100101696', '910075918', '983163327', '988312495', '971032146', '889640782', '920010008', '812345672'];

beforeAll(async () => {
  smtp = await startSmtpHarness();
  service = await startTestService({
    env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, DELIVERY_BASE_DELAY_MS: '0', DELIVERY_MAX_ATTEMPTS: '3', MAIL_TO_KS: 'avtaler@ks.example' },
  });
});
afterAll(async () => {
  await service.dispose();
  await smtp.close();
});
afterEach(() => {
  smtp.received.length = 0;
  smtp.attempts = 0;
  smtp.behaviour = () => 'accept';
});

/** A case plus a signed return stored as a blob, queued like the returns capability will. */
async function caseWithQueuedReturn(step: 'dpv-terms' | 'ks-agreement' = 'dpv-terms') {
  const body = validRegistration({ organizationNumber: ORGS[orgIndex++] });
  const created = await request(service.app).post('/api/cases').send(body);
  expect(created.status).toBe(201);
  // Send the registration's order form first, so the test sees only the return's letter.
  const behaviour = smtp.behaviour;
  smtp.behaviour = () => 'accept';
  await drain();
  smtp.received.length = 0;
  smtp.attempts = 0;
  smtp.behaviour = behaviour;
  const registration = (parseRegistration(body) as { ok: true; value: Registration }).value;
  const pdf = Buffer.from(`%PDF-1.7\n% signed scan ${created.body.id}\n%%EOF\n`);
  const blob = await service.blobs.putBuffer(pdf);
  await service.database.db.transaction().execute((trx) =>
    service.delivery.enqueueReturn(trx, { caseId: created.body.id, step, uploadId: `u-${created.body.id}`, uploadSha256: blob.sha256, registration, at: new Date().toISOString() }),
  );
  return { id: created.body.id as string, token: created.body.accessToken as string, pdf, registration };
}

async function drain(times = 5) {
  for (let i = 0; i < times; i++) await service.delivery.worker.runOnce();
}

describe('backoff', () => {
  it('doubles from the base delay and stops at the cap', () => {
    const policy = { baseDelayMs: 1000, maxDelayMs: 10_000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, policy))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });
});

describe('outbox over real SMTP', () => {
  it('queues the order form in the registration transaction, and a failed registration queues nothing', async () => {
    const before = await service.delivery.outbox.list({});
    const first = await request(service.app).post('/api/cases').send(validRegistration({ organizationNumber: ORGS[orgIndex++] }));
    const duplicate = await request(service.app).post('/api/cases').send(validRegistration({ organizationNumber: first.body.case.organizationNumber }));
    expect(duplicate.status).toBe(409);
    const after = await service.delivery.outbox.list({});
    const added = after.filter((m) => !before.some((b) => b.id === m.id));
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ caseId: first.body.id, kind: 'order-form', status: 'pending' });
    expect(added[0]!.message.to).toEqual(['servicedesk@digdir.no']);
  });

  it('sends the order form PDF to servicedesk after registration and marks the step done', async () => {
    const created = await request(service.app).post('/api/cases').send(validRegistration({ organizationNumber: ORGS[orgIndex++] }));
    await drain();
    const mail = smtp.received.find((m) => m.raw.replace(/=\r?\n/g, '').includes(created.body.id))!;
    expect(header(mail.raw, 'To')).toBe('servicedesk@digdir.no');
    expect(header(mail.raw, 'Subject')).toMatch(/Bestilling/);
    const pdf = attachment(mail.raw, `bestilling-${created.body.case.organizationNumber}.pdf`)!;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const view = await request(service.app).get(`/api/cases/${created.body.id}`).set('Authorization', `Bearer ${created.body.accessToken}`);
    expect(view.body.checklist.find((s: { id: string }) => s.id === 'order-form').status).toBe('done');
    // The letter carries the same issued document the agency downloads.
    const issued = await service.issuedDocuments.listForCase(created.body.id);
    expect(issued.map((d) => d.sha256)).toContain(createHash('sha256').update(pdf).digest('hex'));
  });

  it('sends signed DPV terms to Altinn with servicedesk in copy, and shows the delivery on the case', async () => {
    const { id, token, pdf } = await caseWithQueuedReturn('dpv-terms');
    await drain();
    const mail = smtp.received.find((m) => m.raw.replace(/=\r?\n/g, '').includes(id))!;
    expect(mail.to.sort()).toEqual(['firmapost@brreg.no', 'servicedesk@digdir.no']);
    expect(header(mail.raw, 'To')).toBe('firmapost@brreg.no');
    expect(header(mail.raw, 'Cc')).toBe('servicedesk@digdir.no');
    expect(header(mail.raw, 'Message-ID')).toMatch(/^<[0-9a-f]{32}@efm-onboarding\.invalid>$/);
    expect(attachment(mail.raw, `dpv-bruksvilkar-${ORGS[orgIndex - 1]}.pdf`)).toEqual(pdf);

    const view = await request(service.app).get(`/api/cases/${id}`).set('Authorization', `Bearer ${token}`);
    const dpv = view.body.deliveries.find((d: { kind: string }) => d.kind === 'dpv-terms');
    expect(dpv).toMatchObject({ status: 'sent', attempts: 1, to: ['firmapost@brreg.no'], cc: ['servicedesk@digdir.no'] });
    expect(view.body.history.map((e: { type: string }) => e.type)).toContain('message.sent');
  });

  it('sends the KS set to the configured KS address', async () => {
    const { id } = await caseWithQueuedReturn('ks-agreement');
    await drain();
    const mail = smtp.received.find((m) => m.raw.replace(/=\r?\n/g, '').includes(id))!;
    expect(header(mail.raw, 'To')).toBe('avtaler@ks.example');
    expect(header(mail.raw, 'Cc')).toBe('servicedesk@digdir.no');
  });

  it('retries a server that refuses the first attempts, and delivers exactly once', async () => {
    smtp.behaviour = (attempt) => (attempt <= 2 ? 'refuse' : 'accept');
    const { id } = await caseWithQueuedReturn();
    await drain();
    expect(smtp.received.filter((m) => m.raw.replace(/=\r?\n/g, '').includes(id))).toHaveLength(1);
    const record = (await service.delivery.outbox.listForCase(id)).find((m) => m.kind === 'dpv-terms')!;
    expect(record.status).toBe('sent');
    expect(record.attempts).toBe(3);
  });

  it('after a connection dropped after DATA, the retry is the same letter (same Message-ID)', async () => {
    smtp.behaviour = (attempt) => (attempt === 1 ? 'drop' : 'accept');
    const { id } = await caseWithQueuedReturn();
    await drain();
    const copies = smtp.received.filter((m) => m.raw.replace(/=\r?\n/g, '').includes(id));
    expect(copies).toHaveLength(2);
    expect(header(copies[0]!.raw, 'Message-ID')).toBe(header(copies[1]!.raw, 'Message-ID'));
    expect(header(copies[0]!.raw, 'Date')).toBe(header(copies[1]!.raw, 'Date'));
    const record = (await service.delivery.outbox.listForCase(id)).find((m) => m.kind === 'dpv-terms')!;
    expect(record).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('parks a message after the last failure, counts it, shows it to servicedesk, and sends it after a retry', async () => {
    smtp.behaviour = () => 'reject';
    const { id, token } = await caseWithQueuedReturn();
    await drain();
    const record = (await service.delivery.outbox.listForCase(id)).find((m) => m.kind === 'dpv-terms')!;
    expect(record).toMatchObject({ status: 'failed', attempts: 3 });
    expect(record.lastError).toMatch(/550|Mailbox unavailable/);

    const metrics = await request(service.app).get('/metrics');
    expect(metrics.text).toMatch(/efm_messages_failed_total\{kind="dpv-terms"\} [1-9]/);
    const failed = await request(service.app).get('/api/admin/outbox?status=failed').set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    expect(failed.body.items.map((m: { id: string }) => m.id)).toContain(record.id);
    const history = await request(service.app).get(`/api/cases/${id}`).set('Authorization', `Bearer ${token}`);
    expect(history.body.history.map((e: { type: string }) => e.type)).toContain('message.failed');

    smtp.behaviour = () => 'accept';
    const retried = await request(service.app).post(`/api/admin/outbox/${record.id}/retry`).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    expect(retried.status).toBe(200);
    expect(retried.body.status).toBe('pending');
    await drain();
    expect((await service.delivery.outbox.findById(record.id))!.status).toBe('sent');
    const again = await request(service.app).post(`/api/admin/outbox/${record.id}/retry`).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    expect(again.status).toBe(409);
  });

  it('refuses to "retry" a message that is still waiting for its turn, instead of reporting a retry that did nothing', async () => {
    const created = await request(service.app).post('/api/cases').send(validRegistration({ organizationNumber: ORGS[orgIndex++] }));
    expect(created.status).toBe(201);
    const [queued] = await service.delivery.outbox.listForCase(created.body.id as string);
    expect(queued!.status).toBe('pending');
    const res = await request(service.app).post(`/api/admin/outbox/${queued!.id}/retry`).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('not-failed');
    expect(res.body.detail).toContain('pending');
    const events = await service.cases.events(created.body.id as string);
    expect(events.map((e) => e.type)).not.toContain('message.retried');
    await drain();
  });

  it('zips the accepted certificate as a .cer for servicedesk, queued in the transaction that accepts it', async () => {
    const body = validRegistration({ organizationNumber: ORGS[orgIndex++] });
    const created = await request(service.app).post('/api/cases').send(body);
    await drain();
    smtp.received.length = 0;
    const registration = (parseRegistration(body) as { ok: true; value: Registration }).value;
    const pem = readFileSync('test/fixtures/real-certs/commfides-test-g3-digdir-auth-valid-2028.pem', 'utf8');
    const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
    const sha256 = createHash('sha256').update(der).digest('hex');
    const at = new Date().toISOString();
    await service.certificates.record({
      caseId: created.body.id,
      at,
      actor: 'agency',
      completeStep: true,
      submissions: [{ id: 's-1', verdict: 'accepted', purpose: 'authentication', validatedAt: at, sha256, certificate: { subject: 'CN=test', organizationNumber: registration.organizationNumber, environment: 'test', notAfter: '2028-01-01T00:00:00.000Z', issuingCa: 'Commfides Legal Person - G3 - TEST' } as never, checks: [], pem }],
      onAccepted: (trx, accepted) => service.delivery.enqueueCertificate(trx, { caseId: created.body.id, submissionId: accepted.id, sha256: accepted.sha256, registration, at }),
    });
    await drain();
    const mail = smtp.received.find((m) => m.raw.replace(/=\r?\n/g, '').includes(created.body.id))!;
    expect(header(mail.raw, 'To')).toBe('servicedesk@digdir.no');
    const zip = attachment(mail.raw, `virksomhetssertifikat-${registration.organizationNumber}.zip`)!;
    expect(unzipSync(new Uint8Array(zip))[`${registration.organizationNumber}.cer`]).toEqual(new Uint8Array(der));
    const audit = await request(service.app).get(`/api/cases/${created.body.id}/audit`).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    expect(audit.body.verified).toBe(true);
    expect(audit.body.entries.find((e: { type: string }) => e.type === 'certificate.accepted').artefactSha256).toBe(sha256);
  });
});

describe('without SMTP_URL', () => {
  it('writes each message as an .eml file under DATA_DIR/outbox, once per Message-ID', async () => {
    const local = await startTestService();
    try {
      const body = validRegistration();
      const created = await request(local.app).post('/api/cases').send(body);
      const registration = (parseRegistration(body) as { ok: true; value: Registration }).value;
      const blob = await local.blobs.putBuffer(Buffer.from('%PDF-1.7\n%%EOF\n'));
      await local.database.db.transaction().execute((trx) =>
        local.delivery.enqueueReturn(trx, { caseId: created.body.id, step: 'dpv-terms', uploadId: 'u1', uploadSha256: blob.sha256, registration, at: new Date().toISOString() }),
      );
      await local.delivery.worker.runOnce();
      const dir = path.join(local.testDatabase.dataDir, 'outbox');
      const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
      const dpv = files.map((f) => readFileSync(path.join(dir, f), 'utf8')).find((raw) => header(raw, 'To') === 'firmapost@brreg.no');
      expect(dpv).toBeDefined();
      expect(header(dpv!, 'Subject')).toMatch(/DPV/);
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    } finally {
      await local.dispose();
    }
  });
});
