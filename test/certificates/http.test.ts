import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { createService, type Service } from '../../src/service.js';
import { CaseNotOpenError } from '../../src/storage/certificate-repository.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { validRegistration } from '../support/fixtures.js';
import { ADMIN_TOKEN } from '../support/service.js';
import { issueLeaf, KU, POLICY, privateKeyPem, seid2Subject, syntheticHierarchy, type Hierarchy, type Issued } from './support/pki.js';

interface Running {
  service: Service;
  db: TestDatabase;
  logs: string[];
}

let h: Hierarchy;
let main: Running;
let testLeaf: Issued;
let prodLeaf: Issued;
const started: Running[] = [];

/** A service with the synthetic trust list and a logger whose output the test can read. */
async function start(env: Record<string, string> = {}): Promise<Running> {
  const db = await createTestDatabase();
  const config = loadConfig({ DATA_DIR: db.dataDir, DATABASE_URL: db.url, ADMIN_TOKEN, LOG_LEVEL: 'trace', CERT_VALIDATE_RATE_LIMIT: '1000', ...env });
  const logs: string[] = [];
  const logger = createLogger({ level: 'trace', destination: { write: (line: string) => logs.push(line) } });
  const service = await createService({ config, logger, certificates: { trust: h.trust } });
  const running = { service, db, logs };
  started.push(running);
  return running;
}

beforeAll(async () => {
  h = await syntheticHierarchy();
  main = await start();
  testLeaf = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise, POLICY.ncp] });
  prodLeaf = await issueLeaf(h.buypassProdCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise] });
});
afterAll(async () => {
  for (const r of started) {
    await r.service.close();
    await r.db.drop();
  }
});

/** A new open case; one left open by an earlier test for the same organisation and environment is closed first. */
async function registerCase(overrides: Record<string, unknown> = {}): Promise<{ id: string; token: string }> {
  let res = await request(main.service.app).post('/api/cases').send(validRegistration(overrides));
  if (res.status === 409) {
    await request(main.service.app).post(`/api/admin/cases/${res.body.existingCaseId}/close`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).send({ reason: 'test' });
    res = await request(main.service.app).post('/api/cases').send(validRegistration(overrides));
  }
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.id, token: res.body.accessToken };
}

const validate = (fields: Record<string, string>, file: Buffer | string, filename = 'sertifikat.cer') => {
  let req = request(main.service.app).post('/api/certificates/validate');
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  return req.attach('file', Buffer.from(file), filename);
};

describe('POST /api/certificates/validate', () => {
  it('answers with the verdict, the certificate and every check, without a token', async () => {
    const res = await validate({ organizationNumber: '991825827', environment: 'test' }, testLeaf.pem).set('Accept-Language', 'en');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['certificate', 'checks', 'results', 'verdict']);
    expect(res.body.verdict).toBe('accepted');
    expect(Object.keys(res.body.certificate).sort()).toEqual(
      [
        'subject',
        'issuer',
        'serialNumber',
        'organizationNumber',
        'seidVersion',
        'issuingCa',
        'environment',
        'notBefore',
        'notAfter',
        'keyAlgorithm',
        'keySize',
        'keyCurve',
        'keyUsage',
        'extendedKeyUsage',
        'policies',
        'sha256Fingerprint',
      ].sort(),
    );
    for (const check of res.body.checks) {
      expect(['pass', 'fail', 'warn', 'skipped']).toContain(check.status);
      expect(typeof check.message).toBe('string');
    }
    expect(res.body.checks.find((c: { id: string }) => c.id === 'revocation')).toMatchObject({ status: 'skipped' });
    expect(res.headers['content-language']).toBe('en');
    expect(res.body.checks[0].message).toMatch(/^Issued by/);
    const nb = await validate({ organizationNumber: '991825827', environment: 'test' }, testLeaf.pem);
    expect(nb.body.checks[0].message).toMatch(/^Utstedt av/);
  });

  it('answers 200 with a rejected verdict and the reason', async () => {
    const res = await validate({ organizationNumber: '991825827', environment: 'production' }, testLeaf.pem).set('Accept-Language', 'en');
    expect(res.status).toBe(200);
    expect(res.body.verdict).toBe('rejected');
    expect(res.body.checks.find((c: { status: string }) => c.status === 'fail')).toMatchObject({ id: 'chain', code: 'chain.wrong-environment' });
  });

  it('takes "at" and "purpose"', async () => {
    const signing = await issueLeaf(h.buypassTestCa, {
      subject: seid2Subject(),
      policies: [POLICY.buypassEnterprise],
      keyUsage: KU.nonRepudiation,
      notBefore: new Date('2023-01-01T00:00:00Z'),
      notAfter: new Date('2026-01-01T00:00:00Z'),
    });
    const fields = { organizationNumber: '991825827', environment: 'test' };
    expect((await validate({ ...fields, at: '2025-01-01', purpose: 'signing' }, signing.pem)).body.verdict).toBe('accepted');
    expect((await validate({ ...fields, at: '2025-01-01T12:00:00Z' }, signing.pem)).body.verdict).toBe('rejected');
    expect((await validate({ ...fields, purpose: 'signing' }, signing.pem)).body.verdict).toBe(new Date() < new Date('2026-01-01') ? 'accepted' : 'rejected');
  });

  it('also takes the raw file as the body with the fields in the query', async () => {
    const res = await request(main.service.app)
      .post('/api/certificates/validate?organizationNumber=991 825 827&environment=test')
      .set('Content-Type', 'application/octet-stream')
      .send(Buffer.from(testLeaf.der));
    expect(res.status).toBe(200);
    expect(res.body.verdict).toBe('accepted');
  });

  it('reports every bad field at once', async () => {
    const res = await validate({ organizationNumber: '991825828', purpose: 'everything', at: 'yesterday', color: 'blue' }, testLeaf.pem);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string; code: string }) => `${e.path}:${e.code}`).sort()).toEqual(
      ['at:invalid_type', 'color:unknown_field', 'environment:required', 'organizationNumber:invalid_organization_number', 'purpose:invalid_option'].sort(),
    );
  });

  it('gives clear 4xx answers for unusable uploads', async () => {
    const fields = { organizationNumber: '991825827', environment: 'test' };
    const noFile = await request(main.service.app).post('/api/certificates/validate').field('organizationNumber', '991825827').field('environment', 'test');
    expect([noFile.status, noFile.body.code]).toEqual([400, 'bad-upload']);
    const wrongField = await request(main.service.app).post('/api/certificates/validate').field('organizationNumber', '991825827').field('environment', 'test').attach('cert', Buffer.from(testLeaf.pem), 'a.pem');
    expect([wrongField.status, wrongField.body.code]).toEqual([400, 'bad-upload']);
    const expectProblem = async (file: Buffer | string, status: number, code: string) => {
      const res = await validate(fields, file);
      expect([res.status, res.body.code], JSON.stringify(res.body)).toEqual([status, code]);
      expect(res.headers['content-type']).toContain('application/problem+json');
      return res;
    };
    await expectProblem(Buffer.alloc(0), 400, 'empty-file');
    await expectProblem('Hei, sertifikatet kommer senere.', 422, 'not-a-certificate');
    await expectProblem(Buffer.alloc(1024 * 1024 + 1, 0x41), 413, 'file-too-large');
    await expectProblem(Buffer.from(zipSync({ 'auth.cer': new Uint8Array(10 * 1024 * 1024) })), 413, 'zip-too-large');
    await expectProblem(Buffer.from(zipSync({ '../../auth.cer': testLeaf.der })), 422, 'unsafe-zip');
    const key = await expectProblem(await privateKeyPem(testLeaf.keys), 422, 'private-key-refused');
    expect(key.body.detail).toMatch(/aldri/);
  });

  it('is rate limited per client address', async () => {
    const limited = await start({ CERT_VALIDATE_RATE_LIMIT: '2' });
    const send = () =>
      request(limited.service.app).post('/api/certificates/validate').field('organizationNumber', '991825827').field('environment', 'test').attach('file', Buffer.from(testLeaf.pem), 'a.pem');
    expect((await send()).status).toBe(200);
    expect((await send()).status).toBe(200);
    const third = await send();
    expect(third.status).toBe(429);
    expect(third.body.code).toBe('rate-limited');
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('POST /api/cases/:id/certificates', () => {
  it('needs the case token, and checks it before reading the upload', async () => {
    const { id } = await registerCase({ environment: 'production', organizationNumber: '974760819' });
    const res = await request(main.service.app).post(`/api/cases/${id}/certificates`).set('Authorization', 'Bearer wrong').attach('file', Buffer.from(prodLeaf.pem), 'a.pem');
    expect(res.status).toBe(404);
    expect(await main.service.certificates.listForCase(id)).toEqual([]);
  });

  it('rejects with 422 and the same body, stores the rejection, and leaves the step open', async () => {
    const { id, token } = await registerCase({ environment: 'production', organizationNumber: '971040238' });
    const res = await request(main.service.app).post(`/api/cases/${id}/certificates`).set('Authorization', `Bearer ${token}`).attach('file', Buffer.from(prodLeaf.pem), 'a.pem');
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ verdict: 'rejected', certificate: { organizationNumber: '991825827' }, submissionId: expect.any(String) });
    expect(res.body.checks.find((c: { id: string }) => c.id === 'organization-number').status).toBe('fail');
    const read = await request(main.service.app).get(`/api/cases/${id}`).set('Authorization', `Bearer ${token}`);
    expect(read.body.checklist.find((s: { id: string }) => s.id === 'certificate').status).toBe('todo');
    expect(read.body.history.map((e: { type: string }) => e.type)).toEqual(['case.created', 'certificate.rejected']);
    const list = await request(main.service.app).get(`/api/cases/${id}/certificates`).set('Authorization', `Bearer ${token}`);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ verdict: 'rejected', id: res.body.submissionId });
  });

  it('accepts with 201, stores the certificate, completes the step and records the event', async () => {
    const { id, token } = await registerCase();
    const res = await request(main.service.app).post(`/api/cases/${id}/certificates`).set('Authorization', `Bearer ${token}`).set('Accept-Language', 'en').attach('file', Buffer.from(testLeaf.pem + h.buypassTestCa.pem), 'chain.pem');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ verdict: 'accepted', certificate: { environment: 'test', organizationNumber: '991825827' } });
    expect(res.body.results).toHaveLength(1);
    const read = await request(main.service.app).get(`/api/cases/${id}`).set('Authorization', `Bearer ${token}`);
    expect(read.body.checklist.find((s: { id: string }) => s.id === 'certificate').status).toBe('done');
    expect(read.body.history.map((e: { type: string }) => e.type).slice(-2)).toEqual(['certificate.accepted', 'step.completed']);
    expect(read.body.history.at(-2)).toMatchObject({ type: 'certificate.accepted', actor: 'agency', data: { submissionId: res.body.submissionId } });
    const list = await request(main.service.app).get(`/api/cases/${id}/certificates`).set('Authorization', `Bearer ${token}`).set('Accept-Language', 'en');
    expect(list.body.items[0]).toMatchObject({ verdict: 'accepted', purpose: 'authentication', certificate: res.body.certificate });
    expect(list.body.items[0].pem).toBe(testLeaf.pem);
    expect(list.body.items[0].checks[0].message).toMatch(/^Issued by/);
    const admin = await request(main.service.app).get(`/api/admin/cases/${id}/certificates`).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    expect(admin.body.items).toHaveLength(1);
    expect((await request(main.service.app).get(`/api/admin/cases/${id}/certificates`)).status).toBe(401);
  });

  it('takes the raw file as the body whatever its Content-Type says', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'efm-p7b-'));
    try {
      writeFileSync(path.join(dir, 'c.pem'), testLeaf.pem);
      const p7b = execFileSync('openssl', ['crl2pkcs7', '-nocrl', '-certfile', path.join(dir, 'c.pem'), '-outform', 'DER']);
      const { id, token } = await registerCase();
      for (const [type, body] of [
        ['application/pkix-cert', Buffer.from(testLeaf.der)],
        ['application/x-pem-file', Buffer.from(testLeaf.pem)],
        ['application/pkcs7-mime', p7b],
        ['application/zip', Buffer.from(zipSync({ 'virksomhetssertifikat.cer': testLeaf.der }))],
        ['application/octet-stream', Buffer.from(testLeaf.der)],
        ['image/png', Buffer.from(testLeaf.pem)],
      ] as const) {
        const res = await request(main.service.app).post(`/api/cases/${id}/certificates`).set('Authorization', `Bearer ${token}`).set('Content-Type', type).send(body);
        expect(res.status, `${type}: ${JSON.stringify(res.body)}`).toBe(201);
      }
      expect(await main.service.certificates.listForCase(id)).toHaveLength(6);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives each certificate of a set its own result and stores both', async () => {
    const { id, token } = await registerCase();
    const signing = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise], keyUsage: KU.nonRepudiation });
    const res = await request(main.service.app).post(`/api/cases/${id}/certificates`).set('Authorization', `Bearer ${token}`).attach('file', Buffer.from(signing.pem + testLeaf.pem), 'sett.pem');
    expect(res.status).toBe(201);
    expect(res.body.results.map((r: { verdict: string }) => r.verdict)).toEqual(['rejected', 'accepted']);
    expect(res.body.certificate.sha256Fingerprint).toBe(res.body.results[1].certificate.sha256Fingerprint);
    const stored = await main.service.certificates.listForCase(id);
    expect(stored.map((s) => s.verdict).sort()).toEqual(['accepted', 'rejected']);
  });

  it('refuses a private key without storing or logging any of it', async () => {
    const { id, token } = await registerCase({ organizationNumber: '840747972' });
    const key = await privateKeyPem(testLeaf.keys);
    const logsBefore = main.logs.length;
    const eventsBefore = (await main.service.cases.events(id)).length;
    for (const upload of [
      () => request(main.service.app).post(`/api/cases/${id}/certificates`).set('Authorization', `Bearer ${token}`).attach('file', Buffer.from(testLeaf.pem + key), 'bundle.pem'),
      () => request(main.service.app).post(`/api/cases/${id}/certificates`).set('Authorization', `Bearer ${token}`).set('Content-Type', 'application/zip').send(Buffer.from(zipSync({ 'a.cer': testLeaf.der, 'a.key': Buffer.from(key) }))),
    ]) {
      const res = await upload();
      expect([res.status, res.body.code]).toEqual([422, 'private-key-refused']);
    }
    expect(await main.service.certificates.listForCase(id)).toEqual([]);
    expect(await main.service.cases.events(id)).toHaveLength(eventsBefore);
    const logged = main.logs.slice(logsBefore).join('\n');
    expect(logged.length).toBeGreaterThan(0);
    const keyBody = key.split('\n')[5]!;
    expect(logged).not.toContain(keyBody);
    expect(logged).not.toContain('PRIVATE KEY');
    const blobs = path.join(main.db.dataDir, 'blobs');
    expect(readdirSync(main.db.dataDir).includes('blobs') ? readdirSync(blobs).filter((f) => f !== 'tmp') : []).toEqual([]);
  });

  it('answers 409 on a closed case', async () => {
    const { id, token } = await registerCase({ organizationNumber: '974760819', environment: 'test' });
    await request(main.service.app).post(`/api/admin/cases/${id}/close`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).send({ reason: 'duplicate' });
    const res = await request(main.service.app).post(`/api/cases/${id}/certificates`).set('Authorization', `Bearer ${token}`).attach('file', Buffer.from(testLeaf.pem), 'a.pem');
    expect([res.status, res.body.code]).toEqual([409, 'case-closed']);
  });

  it('lets an eInnsyn agency submit, and says the step does not apply', async () => {
    const { id, token } = await registerCase({ usesEInnsyn: true });
    const res = await request(main.service.app).post(`/api/cases/${id}/certificates`).set('Authorization', `Bearer ${token}`).set('Accept-Language', 'en').attach('file', Buffer.from(testLeaf.pem), 'a.pem');
    expect(res.status).toBe(201);
    expect(res.body.checks.at(-1)).toMatchObject({ id: 'case-step', status: 'warn' });
    expect(res.body.checks.at(-1).message).toContain('eInnsyn');
    const read = await request(main.service.app).get(`/api/cases/${id}`).set('Authorization', `Bearer ${token}`);
    expect(read.body.checklist.find((s: { id: string }) => s.id === 'certificate').status).toBe('not-applicable');
    expect(read.body.history.at(-1).type).toBe('certificate.accepted');
  });
});

describe('servicedesk decisions on certificates', () => {
  const admin = (path: string, body: object) => request(main.service.app).post(path).set('Authorization', `Bearer ${ADMIN_TOKEN}`).send(body);
  async function accepted(overrides: Record<string, unknown> = {}) {
    const kase = await registerCase(overrides);
    const res = await request(main.service.app).post(`/api/cases/${kase.id}/certificates`).set('Authorization', `Bearer ${kase.token}`).attach('file', Buffer.from(testLeaf.pem), 'a.pem');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { ...kase, submissionId: res.body.submissionId as string };
  }
  const certificateStep = async (kase: { id: string; token: string }) =>
    (await request(main.service.app).get(`/api/cases/${kase.id}`).set('Authorization', `Bearer ${kase.token}`)).body.checklist.find(
      (s: { id: string }) => s.id === 'certificate',
    );

  it('rejects an accepted certificate with a reason: the step is todo again with the reason in every language, the agency sees the decision', async () => {
    const kase = await accepted();
    expect((await certificateStep(kase)).status).toBe('done');
    const res = await admin(`/api/admin/cases/${kase.id}/certificates/${kase.submissionId}/decision`, { decision: 'reject', reason: 'Sertifikatet er bestilt til feil underenhet' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.decision).toMatchObject({ outcome: 'rejected', reason: 'Sertifikatet er bestilt til feil underenhet', by: 'servicedesk' });
    const step = await certificateStep(kase);
    expect(step.status).toBe('todo');
    expect(step.reason.nb).toContain('Servicedesk avviste sertifikatet');
    expect(step.reason.nb).toContain('«Sertifikatet er bestilt til feil underenhet»');
    expect(step.reason.nn).toContain('Send inn eit anna verksemdssertifikat');
    expect(step.reason.en).toContain('"Sertifikatet er bestilt til feil underenhet". Submit another enterprise certificate');
    const list = await request(main.service.app).get(`/api/cases/${kase.id}/certificates`).set('Authorization', `Bearer ${kase.token}`);
    expect(list.body.items[0].decision).toMatchObject({ outcome: 'rejected', reason: 'Sertifikatet er bestilt til feil underenhet' });
    const history = (await request(main.service.app).get(`/api/cases/${kase.id}`).set('Authorization', `Bearer ${kase.token}`)).body.history;
    expect(history.map((e: { type: string }) => e.type).slice(-2)).toEqual(['certificate.decided', 'step.reopened']);
    expect(history.at(-2)).toMatchObject({ actor: 'servicedesk', data: { submissionId: kase.submissionId, outcome: 'rejected' } });

    // One decision per certificate.
    const again = await admin(`/api/admin/cases/${kase.id}/certificates/${kase.submissionId}/decision`, { decision: 'approve' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('already-decided');

    // A new certificate that passes the checks completes the step again; the old rejection no longer shows.
    const second = await request(main.service.app).post(`/api/cases/${kase.id}/certificates`).set('Authorization', `Bearer ${kase.token}`).attach('file', Buffer.from(testLeaf.pem + h.buypassTestCa.pem), 'chain.pem');
    expect(second.status).toBe(201);
    expect(await certificateStep(kase)).toMatchObject({ status: 'done' });
  });

  it('approves an accepted certificate: the step stays done and the decision is on record', async () => {
    const kase = await accepted();
    const res = await admin(`/api/admin/cases/${kase.id}/certificates/${kase.submissionId}/decision`, { decision: 'approve' });
    expect(res.status).toBe(200);
    expect(res.body.decision).toMatchObject({ outcome: 'approved', reason: null });
    expect((await certificateStep(kase)).status).toBe('done');
    const events = await main.service.cases.events(kase.id);
    expect(events.at(-1)).toMatchObject({ type: 'certificate.decided', data: { outcome: 'approved' } });
  });

  it('refuses what makes no sense, with a problem that says why', async () => {
    const kase = await accepted();
    const path = `/api/admin/cases/${kase.id}/certificates/${kase.submissionId}/decision`;
    const noReason = await admin(path, { decision: 'reject' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors).toEqual([expect.objectContaining({ path: 'reason', code: 'required' })]);
    expect((await admin(path, { decision: 'maybe' })).status).toBe(400);
    expect((await request(main.service.app).post(path).send({ decision: 'approve' })).status).toBe(401);
    expect((await admin(`/api/admin/cases/${kase.id}/certificates/00000000-0000-4000-8000-000000000000/decision`, { decision: 'approve' })).status).toBe(404);
    expect((await admin(`/api/admin/cases/${kase.id}/certificates/not-a-uuid/decision`, { decision: 'approve' })).status).toBe(404);
    // A certificate that failed a check: the agency already has the explanation; nothing to decide.
    const wrongOrg = await request(main.service.app).post(`/api/cases/${kase.id}/certificates`).set('Authorization', `Bearer ${kase.token}`).attach('file', Buffer.from(prodLeaf.pem), 'p.pem');
    expect(wrongOrg.status).toBe(422);
    const failed = await admin(`/api/admin/cases/${kase.id}/certificates/${wrongOrg.body.submissionId}/decision`, { decision: 'approve' });
    expect(failed.status).toBe(409);
    expect(failed.body.code).toBe('certificate-not-accepted');
    // Nothing was decided by any of these.
    expect((await main.service.certificates.listForCase(kase.id)).map((s) => s.decision)).toEqual([null, null]);
    // A closed case takes no decisions.
    await admin(`/api/admin/cases/${kase.id}/close`, { reason: 'test' });
    const closed = await admin(path, { decision: 'approve' });
    expect(closed.status).toBe(409);
    expect(closed.body.code).toBe('case-closed');
  });

  it('reopens the step only when the rejected certificate is the one that completed it, and never while another one stands', async () => {
    const submit = async (kase: { id: string; token: string }, pem: string) => {
      const res = await request(main.service.app).post(`/api/cases/${kase.id}/certificates`).set('Authorization', `Bearer ${kase.token}`).attach('file', Buffer.from(pem), 'a.pem');
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body as { submissionId: string; results: { submissionId: string; verdict: string }[] };
    };
    const decide = (kase: { id: string }, submissionId: string, body: object) => admin(`/api/admin/cases/${kase.id}/certificates/${submissionId}/decision`, body);

    // The same certificate sent twice; the second is approved, the first rejected as a duplicate.
    const twice = await accepted();
    const second = await submit(twice, testLeaf.pem);
    expect((await decide(twice, second.submissionId, { decision: 'approve' })).status).toBe(200);
    expect((await decide(twice, twice.submissionId, { decision: 'reject', reason: 'Duplikat' })).status).toBe(200);
    expect(await certificateStep(twice)).toMatchObject({ status: 'done' });

    // An approved certificate, then another accepted one rejected: the approved one carries the step.
    const approvedFirst = await accepted();
    expect((await decide(approvedFirst, approvedFirst.submissionId, { decision: 'approve' })).status).toBe(200);
    const other = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise] });
    const b = await submit(approvedFirst, other.pem);
    expect((await decide(approvedFirst, b.submissionId, { decision: 'reject', reason: 'Feil underenhet' })).status).toBe(200);
    expect(await certificateStep(approvedFirst)).toMatchObject({ status: 'done' });

    // Two accepted certificates in one file: rejecting one leaves the other; rejecting both reopens the step with the last reason.
    const pair = await registerCase();
    const set = await submit(pair, testLeaf.pem + other.pem);
    const ids = set.results.filter((r) => r.verdict === 'accepted').map((r) => r.submissionId);
    expect(ids).toHaveLength(2);
    expect((await decide(pair, ids[0]!, { decision: 'reject', reason: 'Første er feil' })).status).toBe(200);
    expect(await certificateStep(pair)).toMatchObject({ status: 'done' });
    expect((await decide(pair, ids[1]!, { decision: 'reject', reason: 'Andre er også feil' })).status).toBe(200);
    const step = await certificateStep(pair);
    expect(step.status).toBe('todo');
    expect(step.reason.nb).toContain('«Andre er også feil»');
  });

  it('keeps a step servicedesk completed by hand done when it rejects the certificate', async () => {
    const kase = await accepted();
    await admin(`/api/admin/cases/${kase.id}/steps/certificate`, { status: 'done', note: 'Sjekket manuelt' });
    const res = await admin(`/api/admin/cases/${kase.id}/certificates/${kase.submissionId}/decision`, { decision: 'reject', reason: 'Feil nøkkelbruk' });
    expect(res.status).toBe(200);
    expect((await certificateStep(kase)).status).toBe('done');
  });
});

describe('the certificate repository', () => {
  const submission = (id: string) => ({
    id,
    verdict: 'accepted' as const,
    purpose: 'authentication' as const,
    validatedAt: new Date().toISOString(),
    sha256: 'ab'.repeat(32),
    certificate: { subject: 'CN=x', organizationNumber: '991825827', environment: 'test', notAfter: new Date().toISOString() } as never,
    checks: [],
    pem: testLeaf.pem,
  });

  it('writes rows, events and the step in one transaction: all or nothing', async () => {
    const { id } = await registerCase({ organizationNumber: '922307814' });
    const events = (await main.service.cases.events(id)).length;
    await expect(main.service.certificates.record({ caseId: id, at: new Date().toISOString(), actor: 'agency', completeStep: true, submissions: [submission('dup'), submission('dup')] })).rejects.toThrow();
    expect(await main.service.certificates.listForCase(id)).toEqual([]);
    expect(await main.service.cases.events(id)).toHaveLength(events);
    expect((await main.service.cases.findById(id))!.progress.completed.certificate).toBeUndefined();
  });

  it('refuses to record on a case that was closed meanwhile', async () => {
    const { id } = await registerCase({ organizationNumber: '922307814', environment: 'production' });
    await main.service.cases.close(id, new Date().toISOString(), 'servicedesk', 'test');
    await expect(main.service.certificates.record({ caseId: id, at: new Date().toISOString(), actor: 'agency', completeStep: true, submissions: [submission('x1')] })).rejects.toBeInstanceOf(CaseNotOpenError);
    expect(await main.service.certificates.listForCase(id)).toEqual([]);
  });
});

describe('/openapi.json', () => {
  it('documents the certificate endpoints', async () => {
    const res = await request(main.service.app).get('/openapi.json');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/api/certificates/validate', '/api/cases/{id}/certificates', '/api/admin/cases/{id}/certificates', '/api/admin/cases/{id}/certificates/{submissionId}/decision']),
    );
    expect(res.body.components.schemas.CertificateDecision.properties.decision.enum).toEqual(['approve', 'reject']);
    expect(res.body.components.schemas.CertificateValidateFields.properties.purpose.enum).toEqual(['authentication', 'signing', 'encryption', 'any']);
  });
});
