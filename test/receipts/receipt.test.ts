import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectPdf } from '../../src/returns/pdf-inspect.js';
import { verifyPdfSignatures } from '../../src/returns/pdf-signatures.js';
import { validRegistration } from '../support/fixtures.js';
import { ADMIN_TOKEN, startTestService, type TestService } from '../support/service.js';

let service: TestService;
let dir: string;
let receipt: Buffer;
let caseId: string;
let token: string;

function signatureParts(pdf: Buffer): { cms: Buffer; content: Buffer } {
  const text = pdf.toString('latin1');
  const [a, b, c, d] = /\/ByteRange \[(\d+) (\d+) (\d+) (\d+)\s*\]/.exec(text)!.slice(1).map(Number) as [number, number, number, number];
  const hex = text.slice(a + b + 1, c - 1).replace(/0+$/, '');
  return { cms: Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex'), content: Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]) };
}

function opensslVerify(pdf: Buffer): boolean {
  const { cms, content } = signatureParts(pdf);
  writeFileSync(path.join(dir, 'sig.der'), cms);
  writeFileSync(path.join(dir, 'content.bin'), content);
  writeFileSync(path.join(dir, 'ca.der'), spawnSync('openssl', ['pkcs7', '-inform', 'DER', '-print_certs'], { input: cms }).stdout);
  const result = spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'sig.der', '-content', 'content.bin', '-CAfile', 'ca.der', '-purpose', 'any', '-out', '/dev/null'], { cwd: dir, encoding: 'utf8' });
  return result.status === 0 && `${result.stderr}`.includes('Verification successful');
}

async function ownVerifier(pdf: Buffer) {
  const inspection = await inspectPdf(pdf, { maxPages: 100 });
  if (!inspection.ok) throw new Error(`not a readable PDF: ${inspection.problem}`);
  return verifyPdfSignatures(pdf, inspection.signatures);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'efm-receipt-'));
  service = await startTestService();
  const created = await request(service.app).post('/api/cases').send(validRegistration());
  caseId = created.body.id;
  token = created.body.accessToken;
  await request(service.app).post(`/api/admin/cases/${caseId}/steps/digdir-terms`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).send({ status: 'done', note: 'eSignering' });
  const response = await request(service.app).get(`/api/cases/${caseId}/receipt.pdf`).set('Authorization', `Bearer ${token}`).buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toBe('application/pdf');
  receipt = response.body as Buffer;
}, 120_000);
afterAll(async () => {
  await service.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('sealed receipt', () => {
  it('holds the case, the checklist, artefact hashes and the audit trail, and says it uses a development seal', () => {
    writeFileSync(path.join(dir, 'receipt.pdf'), receipt);
    const text = spawnSync('pdftotext', ['-layout', 'receipt.pdf', '-'], { cwd: dir, encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
    expect(text).toContain('UTVIKLINGSSEGL');
    expect(text).toContain('DEVELOPMENT SEAL');
    expect(text).toContain('Digitaliseringsdirektoratet');
    expect(text).toContain('991825827');
    expect(text).toContain('Sjekkliste');
    expect(text).toContain('Kjeden er intakt');
    expect(text).toContain('case.created');
    expect(text).toContain('step.completed');
  });

  it('is PDF/A-2b by structure: XMP part 2 conformance B and an sRGB OutputIntent', () => {
    const raw = receipt.toString('latin1');
    expect(raw).toMatch(/pdfaid:part(>|=")2/);
    expect(raw).toMatch(/pdfaid:conformance(>|=")B/);
    expect(raw).toContain('/GTS_PDFA1');
    expect(spawnSync('qpdf', ['--check', path.join(dir, 'receipt.pdf')]).status).toBe(0);
  });

  it('verifies with openssl cms -verify, pdfsig and our own verifier', async () => {
    expect(opensslVerify(receipt)).toBe(true);
    const pdfsig = spawnSync('pdfsig', ['receipt.pdf'], { cwd: dir, encoding: 'utf8' }).stdout;
    expect(pdfsig).toContain('Signature is Valid');
    expect(pdfsig).toContain('ETSI.CAdES.detached');
    const [signature] = await ownVerifier(receipt);
    expect(signature).toMatchObject({ intact: true, coversWholeFile: true, subFilter: 'ETSI.CAdES.detached' });
    expect(signature!.signer?.subject).toMatch(/DEVELOPMENT/);
  });

  it('detects a one-byte change with all three', async () => {
    const tampered = Buffer.from(receipt);
    const at = tampered.indexOf('/Producer');
    tampered[at + 2] = tampered[at + 2]! ^ 0x20;
    expect(opensslVerify(tampered)).toBe(false);
    writeFileSync(path.join(dir, 'tampered.pdf'), tampered);
    expect(spawnSync('pdfsig', ['tampered.pdf'], { cwd: dir, encoding: 'utf8' }).stdout).not.toContain('Signature is Valid');
    const [signature] = await ownVerifier(tampered);
    expect(signature!.intact).toBe(false);
  });

  it('is for the case’s bearer and servicedesk only', async () => {
    expect((await request(service.app).get(`/api/cases/${caseId}/receipt.pdf`)).status).toBe(404);
    expect((await request(service.app).get(`/api/cases/${caseId}/receipt.pdf`).set('Authorization', `Bearer ${ADMIN_TOKEN}`)).status).toBe(200);
  });
});
