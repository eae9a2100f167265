import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { unzipSync } from 'fflate';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { createService, type Service } from '../../src/service.js';
import { issueLeaf, POLICY, seid2Subject, syntheticHierarchy, type Hierarchy, type Issued } from '../certificates/support/pki.js';
import { issueDocument } from '../returns/support/documents.js';
import { makeTestSigner, signPdf } from '../returns/support/sign.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { ADMIN_TOKEN } from '../support/service.js';
import { quietCase } from './quiet-case.js';
import { attachment, header, startSmtpHarness, type SmtpHarness } from './smtp-harness.js';

/**
 * The outbox as the HTTP routes drive it: an accepted certificate
 * (POST /api/cases/:id/certificates) and a complete signed KS return
 * (POST /api/cases/:id/uploads) queue their letters in the transaction that
 * records them, and the worker sends them to a real SMTP server.
 */

const KS_ADDRESS = 'avtaler@ks.example';
const SERVICEDESK = 'servicedesk@digdir.no';

let h: Hierarchy;
let testLeaf: Issued;
let prodLeaf: Issued;
let smtp: SmtpHarness;
let db: TestDatabase;
let service: Service;

beforeAll(async () => {
  h = await syntheticHierarchy();
  testLeaf = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise, POLICY.ncp] });
  prodLeaf = await issueLeaf(h.buypassProdCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise] });
  smtp = await startSmtpHarness();
  db = await createTestDatabase();
  const config = loadConfig({
    DATA_DIR: db.dataDir,
    DATABASE_URL: db.url,
    ADMIN_TOKEN,
    LOG_LEVEL: 'silent',
    REGISTRATION_RATE_LIMIT: '0',
    LOGIN_RATE_LIMIT: '0',
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    DELIVERY_BASE_DELAY_MS: '0',
    MAIL_TO_KS: KS_ADDRESS,
  });
  // The synthetic trust list, so a certificate can pass every check (as in test/certificates/http.test.ts).
  service = await createService({ config, logger: createLogger({ level: 'silent' }), certificates: { trust: h.trust } });
});
afterAll(async () => {
  await service?.close();
  await db?.drop();
  await smtp?.close();
});
afterEach(() => {
  smtp.received.length = 0;
  smtp.attempts = 0;
  smtp.behaviour = () => 'accept';
});

async function drain(times = 3) {
  for (let i = 0; i < times; i++) await service.delivery.worker.runOnce();
}

const unfolded = (raw: string) => raw.replace(/=\r?\n/g, '');

function postCertificate(kase: { id: string; token: string }, pem: string) {
  return request(service.app).post(`/api/cases/${kase.id}/certificates`).set('Authorization', `Bearer ${kase.token}`).attach('file', Buffer.from(pem), 'sertifikat.pem');
}

describe('an accepted certificate over HTTP', () => {
  it('queues the zipped .cer to servicedesk by the time the 201 is sent, and the worker mails it', async () => {
    const kase = await quietCase(service, { organizationNumber: '991825827', environment: 'test' });
    expect(await service.delivery.outbox.listForCase(kase.id)).toEqual([]);

    const res = await postCertificate(kase, testLeaf.pem);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.verdict).toBe('accepted');

    // Right after the answer, before any worker ran: the letter is in the outbox.
    const queued = await service.delivery.outbox.listForCase(kase.id);
    expect(queued).toHaveLength(1);
    const letter = queued[0]!;
    expect(letter).toMatchObject({ kind: 'certificate', status: 'pending', attempts: 0 });
    expect(letter.message.to).toEqual([SERVICEDESK]);
    expect(letter.message.cc).toEqual([]);
    expect(letter.message.attachments).toEqual([
      {
        fileName: 'virksomhetssertifikat-991825827.zip',
        contentType: 'application/zip',
        source: { zipOfCertificate: { submissionId: res.body.submissionId, entryName: '991825827.cer' } },
      },
    ]);
    // Written with the acceptance: same instant as the certificate.accepted entry of the trail.
    const accepted = (await service.cases.events(kase.id)).find((e) => e.type === 'certificate.accepted')!;
    expect(letter.createdAt).toBe(accepted.at);

    await drain();
    const mails = smtp.received.filter((m) => unfolded(m.raw).includes(kase.id));
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.to).toEqual([SERVICEDESK]);
    expect(header(mail.raw, 'To')).toBe(SERVICEDESK);
    expect(header(mail.raw, 'Cc')).toBeUndefined();
    const zip = attachment(mail.raw, 'virksomhetssertifikat-991825827.zip');
    expect(zip, 'the mail carries the .zip attachment').toBeDefined();
    const entries = unzipSync(new Uint8Array(zip!));
    expect(Object.keys(entries)).toEqual(['991825827.cer']);
    expect(Buffer.from(entries['991825827.cer']!)).toEqual(Buffer.from(testLeaf.der));
    // The fingerprint in the letter is the certificate's.
    expect(unfolded(mail.raw)).toContain(createHash('sha256').update(testLeaf.der).digest('hex'));
    expect((await service.delivery.outbox.findById(letter.id))!.status).toBe('sent');
  });

  it('a rejected certificate queues nothing and nothing is mailed', async () => {
    // A certificate for another organisation number than the case's.
    const kase = await quietCase(service, { organizationNumber: '974760673', environment: 'test' });
    const res = await postCertificate(kase, testLeaf.pem);
    expect(res.status).toBe(422);
    expect(res.body.verdict).toBe('rejected');
    expect(await service.delivery.outbox.listForCase(kase.id)).toEqual([]);
    await drain();
    expect(smtp.received.filter((m) => unfolded(m.raw).includes(kase.id))).toEqual([]);
  });

  it('if the letter cannot be queued, the acceptance is rolled back with it (one transaction)', async () => {
    const kase = await quietCase(service, { organizationNumber: '991825827', environment: 'production' });
    const database = service.database;
    // The outbox refuses certificate letters; every other write still works.
    if (database.dialect === 'postgres') {
      await sql
        .raw(
          `CREATE FUNCTION refuse_certificate_letter() RETURNS trigger AS $$ BEGIN IF NEW.kind = 'certificate' THEN RAISE EXCEPTION 'outbox unavailable'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
        )
        .execute(database.db);
      await sql.raw(`CREATE TRIGGER refuse_certificate_letter BEFORE INSERT ON outbox_messages FOR EACH ROW EXECUTE FUNCTION refuse_certificate_letter()`).execute(database.db);
    } else {
      await sql
        .raw(`CREATE TRIGGER refuse_certificate_letter BEFORE INSERT ON outbox_messages WHEN NEW.kind = 'certificate' BEGIN SELECT RAISE(ABORT, 'outbox unavailable'); END`)
        .execute(database.db);
    }
    try {
      const res = await postCertificate(kase, prodLeaf.pem);
      expect(res.status).toBeGreaterThanOrEqual(500);
    } finally {
      await sql.raw('DROP TRIGGER refuse_certificate_letter' + (database.dialect === 'postgres' ? ' ON outbox_messages' : '')).execute(database.db);
      if (database.dialect === 'postgres') await sql.raw('DROP FUNCTION refuse_certificate_letter()').execute(database.db);
    }
    expect(await service.certificates.listForCase(kase.id)).toEqual([]);
    const events = await service.cases.events(kase.id);
    expect(events.map((e) => e.type)).toEqual(['case.created']);
    const view = await request(service.app).get(`/api/cases/${kase.id}`).set('Authorization', `Bearer ${kase.token}`);
    expect(view.body.checklist.find((s: { id: string }) => s.id === 'certificate').status).toBe('todo');
    expect(await service.delivery.outbox.listForCase(kase.id)).toEqual([]);

    // The same certificate goes through once the outbox works again.
    const again = await postCertificate(kase, prodLeaf.pem);
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect((await service.delivery.outbox.listForCase(kase.id)).map((m) => m.kind)).toEqual(['certificate']);
    await drain();
  });
});

describe('a complete signed KS agreement return over HTTP', () => {
  it('queues the letter to MAIL_TO_KS with servicedesk in copy, and the worker mails the uploaded PDF', async () => {
    const kase = await quietCase(service, { organizationNumber: '889640782', services: ['DPO', 'DPF'], dpvIpAddresses: undefined });
    const ks = await issueDocument(service, kase.id, { templateId: 'ks-cover-letter', pageCount: 2 });
    const signed = Buffer.from(await signPdf(ks.pdf, makeTestSigner(), new Date(Date.UTC(2026, 10, 26, 9, 0))));

    const res = await request(service.app).post(`/api/cases/${kase.id}/uploads`).set('Authorization', `Bearer ${kase.token}`).attach('file', signed, 'ks-avtalesett.pdf');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.status).toBe('complete');

    const queued = await service.delivery.outbox.listForCase(kase.id);
    expect(queued.map((m) => m.kind)).toEqual(['ks-agreement']);
    const letter = queued[0]!;
    expect(letter.status).toBe('pending');
    expect(letter.message.to).toEqual([KS_ADDRESS]);
    expect(letter.message.cc).toEqual([SERVICEDESK]);
    expect(letter.message.attachments).toEqual([
      { fileName: 'ks-avtalesett-889640782.pdf', contentType: 'application/pdf', source: { blob: createHash('sha256').update(signed).digest('hex') } },
    ]);

    await drain();
    const mails = smtp.received.filter((m) => unfolded(m.raw).includes(kase.id));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to.sort()).toEqual([KS_ADDRESS, SERVICEDESK].sort());
    expect(header(mails[0]!.raw, 'To')).toBe(KS_ADDRESS);
    expect(header(mails[0]!.raw, 'Cc')).toBe(SERVICEDESK);
    expect(attachment(mails[0]!.raw, 'ks-avtalesett-889640782.pdf')).toEqual(signed);
  });
});
