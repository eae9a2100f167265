import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { inspectPdf } from '../../src/returns/pdf-inspect.js';
import { verifyPdfSignatures } from '../../src/returns/pdf-signatures.js';
import { createService, type Service } from '../../src/service.js';
import { issueLeaf, POLICY, seid2Subject, syntheticHierarchy } from '../certificates/support/pki.js';
import { issueDocument } from '../returns/support/documents.js';
import { makeTestSigner, signPdf } from '../returns/support/sign.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { validRegistration } from '../support/fixtures.js';
import { ADMIN_TOKEN } from '../support/service.js';

/**
 * What the sealed receipt says: the SHA-256 of every artefact of the case (an
 * issued document, an upload, a certificate), and who sealed it when the seal
 * comes from SEAL_P12_PATH / SEAL_P12_PASSWORD.
 */

let dir: string;
const running: { service: Service; db: TestDatabase }[] = [];

async function start(env: Record<string, string>, options: { trust?: boolean } = {}): Promise<{ service: Service; db: TestDatabase }> {
  const db = await createTestDatabase();
  const config = loadConfig({ DATA_DIR: db.dataDir, DATABASE_URL: db.url, ADMIN_TOKEN, LOG_LEVEL: 'silent', REGISTRATION_RATE_LIMIT: '0', LOGIN_RATE_LIMIT: '0', ...env });
  const service = await createService({
    config,
    logger: createLogger({ level: 'silent' }),
    ...(options.trust ? { certificates: { trust: (await syntheticHierarchy()).trust } } : {}),
  });
  const entry = { service, db };
  running.push(entry);
  return entry;
}

async function register(service: Service, overrides: Record<string, unknown> = {}): Promise<{ id: string; token: string }> {
  const created = await request(service.app).post('/api/cases').send(validRegistration(overrides));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { id: created.body.id, token: created.body.accessToken };
}

async function receiptOf(service: Service, kase: { id: string; token: string }): Promise<Buffer> {
  const response = await request(service.app)
    .get(`/api/cases/${kase.id}/receipt.pdf`)
    .set('Authorization', `Bearer ${kase.token}`)
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toBe('application/pdf');
  return response.body as Buffer;
}

/** pdftotext of the receipt (reading order, not layout). */
function textOf(pdf: Buffer, name: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, pdf);
  const result = spawnSync('/usr/bin/pdftotext', [file, '-'], { encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

/** The text of one section: from its heading to the next one. */
function section(text: string, from: string, to: string): string {
  const start = text.indexOf(from);
  const end = text.indexOf(to, start + from.length);
  expect(start, `heading "${from}"`).toBeGreaterThanOrEqual(0);
  expect(end, `heading "${to}"`).toBeGreaterThan(start);
  return text.slice(start, end);
}

/** The CMS blob of the (only) signature in a sealed PDF. */
function cmsOf(pdf: Buffer): Buffer {
  const text = pdf.toString('latin1');
  const [a, b, c] = /\/ByteRange \[(\d+) (\d+) (\d+) (\d+)\s*\]/.exec(text)!.slice(1).map(Number) as [number, number, number, number];
  const hex = text.slice(a + b + 1, c - 1).replace(/0+$/, '');
  return Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex');
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'efm-receipt-contents-'));
});
afterAll(async () => {
  for (const r of running) {
    await r.service.close();
    await r.db.drop();
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('the receipt lists the artefacts of the case', () => {
  it('gives the SHA-256 of an issued document, an upload and a certificate in its artefact section', async () => {
    const { service } = await start({}, { trust: true });
    const kase = await register(service);

    const issued = await issueDocument(service, kase.id, { templateId: 'dpv-terms', pageCount: 1 });
    const uploaded = Buffer.from(await signPdf(issued.pdf, makeTestSigner(), new Date(Date.UTC(2026, 10, 26, 9, 0))));
    const upload = await request(service.app).post(`/api/cases/${kase.id}/uploads`).set('Authorization', `Bearer ${kase.token}`).attach('file', uploaded, 'dpv.pdf');
    expect(upload.status, JSON.stringify(upload.body)).toBe(201);

    const h = await syntheticHierarchy();
    const leaf = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise, POLICY.ncp] });
    const certificate = await request(service.app).post(`/api/cases/${kase.id}/certificates`).set('Authorization', `Bearer ${kase.token}`).attach('file', Buffer.from(leaf.pem), 'sertifikat.pem');
    expect(certificate.status, JSON.stringify(certificate.body)).toBe(201);

    const text = textOf(await receiptOf(service, kase), 'artefacts.pdf');
    const artefacts = section(text, 'Artefakter (SHA-256)', 'Revisjonsspor').replace(/\s+/g, '');
    expect(artefacts).not.toContain('Ingenennå');
    // The issued document: id and the hash of the PDF we issued.
    expect(issued.document.sha256).toBe(sha256(issued.pdf));
    expect(artefacts).toContain(issued.document.id);
    expect(artefacts).toContain(issued.document.sha256);
    // The upload: id and the hash of the bytes the agency sent.
    expect(artefacts).toContain(upload.body.id);
    expect(artefacts).toContain(sha256(uploaded));
    // The certificate: submission id and the hash of its DER.
    expect(artefacts).toContain(certificate.body.submissionId);
    expect(artefacts).toContain(sha256(leaf.der));
  });
});

describe('the seal from SEAL_P12_PATH / SEAL_P12_PASSWORD', () => {
  let sealDir: string;
  let certPem: string;

  beforeAll(() => {
    sealDir = path.join(dir, 'seal-p12');
    mkdirSync(sealDir, { recursive: true });
    // The operator's seal, made with openssl as an operator would (OpenSSL 3 defaults: AES-256, PBKDF2, SHA-256 MAC).
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'seal.key', '-out', 'seal.crt', '-days', '30', '-subj', '/CN=Testetaten kvitteringssegl/O=Testetaten/C=NO'],
      { cwd: sealDir, stdio: 'pipe' },
    );
    execFileSync('openssl', ['pkcs12', '-export', '-inkey', 'seal.key', '-in', 'seal.crt', '-out', 'seal.p12', '-passout', 'pass:hemmelig-segl'], { cwd: sealDir, stdio: 'pipe' });
    certPem = readFileSync(path.join(sealDir, 'seal.crt'), 'utf8');
  });

  it('signs with that certificate, and the receipt does not announce a development seal', async () => {
    const { service, db } = await start({ SEAL_P12_PATH: path.join(sealDir, 'seal.p12'), SEAL_P12_PASSWORD: 'hemmelig-segl' });
    const kase = await register(service, { organizationNumber: '974760673' });
    const receipt = await receiptOf(service, kase);

    const text = textOf(receipt, 'p12-sealed.pdf');
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).not.toContain('UTVIKLINGSSEGL');
    expect(flat).not.toContain('DEVELOPMENT SEAL');
    expect(flat).not.toMatch(/utviklingssertifikat|development certificate/i);
    expect(flat).toContain('Kvittering for onboarding til eFormidling');
    expect(flat).toContain('Forseglet av / sealed by: CN=Testetaten kvitteringssegl, O=Testetaten, C=NO');

    // The signer in the CMS is the configured certificate, and openssl verifies the seal against it alone.
    const cms = cmsOf(receipt);
    writeFileSync(path.join(dir, 'p12-sig.der'), cms);
    const signerCerts = execFileSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', 'p12-sig.der'], { cwd: dir, encoding: 'utf8' });
    expect(signerCerts).toContain('Testetaten kvitteringssegl');
    expect(signerCerts).not.toMatch(/DEVELOPMENT/);
    const embedded = execFileSync('openssl', ['pkcs7', '-inform', 'DER', '-in', 'p12-sig.der', '-print_certs'], { cwd: dir, encoding: 'utf8' });
    const fingerprint = (pem: string) => execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], { input: pem, encoding: 'utf8' }).trim();
    expect(fingerprint(embedded)).toBe(fingerprint(certPem));

    const [a, b, c, d] = /\/ByteRange \[(\d+) (\d+) (\d+) (\d+)\s*\]/.exec(receipt.toString('latin1'))!.slice(1).map(Number) as [number, number, number, number];
    writeFileSync(path.join(dir, 'p12-content.bin'), Buffer.concat([receipt.subarray(a, a + b), receipt.subarray(c, c + d)]));
    const verify = spawnSync(
      'openssl',
      ['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'p12-sig.der', '-content', 'p12-content.bin', '-CAfile', path.join(sealDir, 'seal.crt'), '-purpose', 'any', '-out', '/dev/null'],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(`${verify.stderr}`).toContain('Verification successful');

    // The service's own verifier names the same signer.
    const inspection = await inspectPdf(receipt, { maxPages: 100 });
    if (!inspection.ok) throw new Error(`not a readable PDF: ${inspection.problem}`);
    const [signature] = await verifyPdfSignatures(receipt, inspection.signatures);
    expect(signature).toMatchObject({ intact: true, coversWholeFile: true, subFilter: 'ETSI.CAdES.detached' });
    expect(signature!.signer?.subject).toMatch(/Testetaten kvitteringssegl/);

    // No development seal was made on the side.
    expect(existsSync(path.join(db.dataDir, 'seal'))).toBe(false);
  });
});
