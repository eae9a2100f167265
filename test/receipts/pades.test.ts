import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument, StandardFonts } from '@cantoo/pdf-lib';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealPdf } from '../../src/receipts/pades.js';
import { developmentSeal, loadPkcs12, SealConfigError, type SealKey } from '../../src/receipts/seal-key.js';

let dir: string;
let key: SealKey;
let signed: Buffer;

async function samplePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  page.drawText('Kvittering', { x: 50, y: 780, size: 20, font: await doc.embedFont(StandardFonts.Helvetica) });
  return doc.save();
}

/** Splits a sealed PDF into its CMS blob and the bytes its ByteRange covers. */
function signatureParts(pdf: Buffer): { cms: Buffer; content: Buffer } {
  const text = pdf.toString('latin1');
  const range = /\/ByteRange \[(\d+) (\d+) (\d+) (\d+)\s*\]/.exec(text)!.slice(1).map(Number);
  const [a, b, c, d] = range as [number, number, number, number];
  const hex = text.slice(a + b + 1, c - 1).replace(/0+$/, '');
  return { cms: Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex'), content: Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]) };
}

function opensslVerify(pdf: Buffer): { ok: boolean; output: string } {
  const { cms, content } = signatureParts(pdf);
  writeFileSync(path.join(dir, 'sig.der'), cms);
  writeFileSync(path.join(dir, 'content.bin'), content);
  writeFileSync(path.join(dir, 'ca.pem'), forge.pki.certificateToPem(forge.pki.certificateFromAsn1(forge.asn1.fromDer(key.certificates[0]!.toString('binary')))));
  const result = spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'sig.der', '-content', 'content.bin', '-CAfile', 'ca.pem', '-purpose', 'any', '-out', '/dev/null'], { cwd: dir, encoding: 'utf8' });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'efm-pades-'));
  key = await developmentSeal(dir, new Date('2026-11-26T12:00:00Z'));
  signed = await sealPdf(await samplePdf(), key, { reason: 'Kvittering', location: 'efm-onboarding', signingTime: new Date('2026-11-26T12:00:00Z') });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('PAdES B-B seal', () => {
  it('is a detached CAdES signature with signing-certificate-v2 and no signingTime attribute', () => {
    const text = signed.toString('latin1');
    expect(text).toContain('/SubFilter /ETSI.CAdES.detached');
    const { cms } = signatureParts(signed);
    const dump = execFileSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER'], { input: cms, encoding: 'utf8' });
    expect(dump).toMatch(/id-smime-aa-signingCertificateV2/);
    expect(dump).toMatch(/messageDigest/);
    expect(dump).not.toMatch(/signingTime/);
  });

  it('verifies with openssl cms -verify', () => {
    const result = opensslVerify(signed);
    expect(result.output).toContain('Verification successful');
    expect(result.ok).toBe(true);
  });

  it('verifies with poppler pdfsig (total document signed)', () => {
    writeFileSync(path.join(dir, 'signed.pdf'), signed);
    const output = spawnSync('pdfsig', ['signed.pdf'], { cwd: dir, encoding: 'utf8' }).stdout;
    expect(output).toContain('Signature Validation: Signature is Valid.');
    expect(output).toContain('Total document signed');
    expect(output).toContain('ETSI.CAdES.detached');
  });

  it('detects a one-byte change in the signed range', () => {
    const tampered = Buffer.from(signed);
    const at = tampered.indexOf('Kvittering') + 1;
    tampered[at] = tampered[at]! ^ 0x01;
    expect(opensslVerify(tampered).ok).toBe(false);
    writeFileSync(path.join(dir, 'tampered.pdf'), tampered);
    const output = spawnSync('pdfsig', ['tampered.pdf'], { cwd: dir, encoding: 'utf8' }).stdout;
    expect(output).not.toContain('Signature is Valid');
  });

  it('keeps the development seal across starts and says it is one', async () => {
    const again = await developmentSeal(dir, new Date());
    expect(again.certificates[0]!.equals(key.certificates[0]!)).toBe(true);
    expect(again.development).toBe(true);
    expect(again.subject).toMatch(/DEVELOPMENT/);
  });

  it('loads a configured PKCS#12 seal and refuses a wrong password', () => {
    const keys = forge.pki.rsa.generateKeyPair({ bits: 1024 });
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = '01';
    cert.validity.notBefore = new Date('2026-01-01');
    cert.validity.notAfter = new Date('2027-01-01');
    cert.setSubject([{ name: 'commonName', value: 'Test Seal' }]);
    cert.setIssuer([{ name: 'commonName', value: 'Test Seal' }]);
    cert.sign(keys.privateKey, forge.md.sha256.create());
    const p12 = Buffer.from(forge.asn1.toDer(forge.pkcs12.toPkcs12Asn1(keys.privateKey, [cert], 'pw', { algorithm: '3des' })).getBytes(), 'binary');
    const loaded = loadPkcs12(p12, 'pw');
    expect(loaded.development).toBe(false);
    expect(loaded.subject).toBe('CN=Test Seal');
    expect(() => loadPkcs12(p12, 'wrong')).toThrow(SealConfigError);
  });

  it('says plainly that an EC seal key is not supported, instead of "no private key"', () => {
    const ec = mkdtempSync(path.join(os.tmpdir(), 'efm-ec-seal-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(ec, 'k.pem'), '-out', path.join(ec, 'c.pem'), '-subj', '/CN=EC seal/C=NO', '-days', '30'], { stdio: 'ignore' });
      execFileSync('openssl', ['pkcs12', '-export', '-inkey', path.join(ec, 'k.pem'), '-in', path.join(ec, 'c.pem'), '-out', path.join(ec, 's.p12'), '-passout', 'pass:pw'], { stdio: 'ignore' });
      expect(() => loadPkcs12(readFileSync(path.join(ec, 's.p12')), 'pw')).toThrow(/not an RSA key/);
    } finally {
      rmSync(ec, { recursive: true, force: true });
    }
  });
});
