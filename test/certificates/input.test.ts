import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSubmission, SubmissionError, type SubmissionProblem } from '../../src/certificates/input.js';
import { isUnsafeEntryName } from '../../src/certificates/zip.js';
import { issueLeaf, keyPair, POLICY, privateKeyPem, seid2Subject, syntheticHierarchy, type Hierarchy, type Issued } from './support/pki.js';

let h: Hierarchy;
let rsaLeaf: Issued;
let ecLeaf: Issued;
let dir: string;

beforeAll(async () => {
  h = await syntheticHierarchy();
  rsaLeaf = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise] });
  ecLeaf = await issueLeaf(h.commfidesTestCa, { subject: seid2Subject(), keys: await keyPair('p256', 1), policies: [POLICY.commfidesAuthTest] });
  dir = mkdtempSync(path.join(os.tmpdir(), 'efm-cert-input-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const target = path.join(dir, name);
  writeFileSync(target, content);
  return target;
}
const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });

function problemOf(bytes: Uint8Array): SubmissionProblem {
  try {
    readSubmission(bytes);
  } catch (error) {
    if (error instanceof SubmissionError) return error.problem;
    throw error;
  }
  throw new Error('expected a SubmissionError');
}
const b = (s: string) => Buffer.from(s, 'latin1');
const hex = (der: Uint8Array) => Buffer.from(der).toString('hex');

describe('formats', () => {
  it('reads PEM, with CRLF line ends and mail text around it', () => {
    const crlf = `Hei,\r\nher er sertifikatet:\r\n${rsaLeaf.pem.replace(/\n/g, '\r\n')}\r\nHilsen\r\n`;
    expect(readSubmission(b(crlf)).map(hex)).toEqual([hex(rsaLeaf.der)]);
  });

  it('reads DER, bare base64, UTF-16 PEM and DER certificates back to back', () => {
    expect(readSubmission(rsaLeaf.der).map(hex)).toEqual([hex(rsaLeaf.der)]);
    expect(readSubmission(b(Buffer.from(ecLeaf.der).toString('base64'))).map(hex)).toEqual([hex(ecLeaf.der)]);
    expect(readSubmission(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(rsaLeaf.pem, 'utf16le')])).map(hex)).toEqual([hex(rsaLeaf.der)]);
    expect(readSubmission(Buffer.concat([rsaLeaf.der, ecLeaf.der])).map(hex)).toEqual([hex(rsaLeaf.der), hex(ecLeaf.der)]);
  });

  it('reads a chain in one PEM and drops duplicates', () => {
    const bundle = rsaLeaf.pem + h.buypassTestCa.pem + rsaLeaf.pem + h.buypassTestRoot.pem;
    expect(readSubmission(b(bundle)).map(hex)).toEqual([hex(rsaLeaf.der), hex(h.buypassTestCa.der), hex(h.buypassTestRoot.der)]);
  });

  it('reads PKCS#7 bundles in DER and PEM, with RSA and EC certificates', () => {
    const chain = file('chain.pem', ecLeaf.pem + h.commfidesTestCa.pem + h.commfidesTestRoot.pem);
    const der = openssl('crl2pkcs7', '-nocrl', '-certfile', chain, '-outform', 'DER');
    const pem = openssl('crl2pkcs7', '-nocrl', '-certfile', file('rsa.pem', rsaLeaf.pem));
    expect(readSubmission(der).map(hex)).toEqual([hex(ecLeaf.der), hex(h.commfidesTestCa.der), hex(h.commfidesTestRoot.der)]);
    expect(pem.toString()).toContain('BEGIN PKCS7');
    expect(readSubmission(pem).map(hex)).toEqual([hex(rsaLeaf.der)]);
  });

  it('reads a ZIP (stored or deflated) holding a certificate, ignoring folders and other files', () => {
    const zipped = zipSync({ 'sertifikat/': {}, 'sertifikat/auth.cer': [rsaLeaf.der, { level: 9 }], 'sertifikat/les-meg.txt': b('Offentlig del'), 'kjede.pem': [b(h.buypassTestCa.pem), { level: 0 }] } as Zippable);
    expect(readSubmission(zipped).map(hex)).toEqual([hex(rsaLeaf.der), hex(h.buypassTestCa.der)]);
  });

  it('judges by content, not by what the name says', () => {
    const zipped = zipSync({ 'certificate.p12': rsaLeaf.der, 'key.pem': b(ecLeaf.pem) });
    expect(readSubmission(zipped)).toHaveLength(2);
  });
});

describe('private keys are refused before anything else', () => {
  const refused = (bytes: Uint8Array) => expect(problemOf(bytes)).toEqual({ kind: 'private-key', keyKind: expect.any(String) });

  it('refuses PEM private keys of every kind, also next to a certificate', async () => {
    const pkcs8 = await privateKeyPem(rsaLeaf.keys);
    refused(b(pkcs8));
    refused(b(rsaLeaf.pem + pkcs8));
    refused(b(pkcs8.split('\n').slice(0, 3).join('\n'))); // truncated, header only
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    refused(b(rsa.privateKey.export({ format: 'pem', type: 'pkcs1' }).toString()));
    refused(b(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'sec1' }).toString()));
    refused(b(rsa.privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'x' }).toString()));
    refused(b('-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n'));
  });

  it('refuses DER private keys (PKCS#8, PKCS#1, SEC 1, encrypted PKCS#8)', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    for (const der of [
      rsa.export({ format: 'der', type: 'pkcs8' }),
      rsa.export({ format: 'der', type: 'pkcs1' }),
      ec.export({ format: 'der', type: 'sec1' }),
      ec.export({ format: 'der', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'x' }),
    ]) {
      refused(der);
    }
  });

  it('refuses PKCS#12 from openssl and from node-forge, and Java key stores', async () => {
    const keyFile = file('leaf.key', await privateKeyPem(rsaLeaf.keys));
    refused(openssl('pkcs12', '-export', '-in', file('leaf.pem', rsaLeaf.pem), '-inkey', keyFile, '-passout', 'pass:secret'));
    const keys = forge.pki.rsa.generateKeyPair(1024);
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.sign(keys.privateKey);
    refused(Buffer.from(forge.asn1.toDer(forge.pkcs12.toPkcs12Asn1(keys.privateKey, [cert], 'secret', { algorithm: '3des' })).getBytes(), 'binary'));
    refused(Buffer.concat([Buffer.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2]), randomBytes(200)]));
    refused(Buffer.concat([Buffer.from([0xce, 0xce, 0xce, 0xce, 0, 0, 0, 2]), randomBytes(200)]));
  });

  it('refuses a ZIP that holds a key next to the certificate', async () => {
    refused(zipSync({ 'auth.cer': rsaLeaf.der, 'auth.key': b(await privateKeyPem(rsaLeaf.keys)) }));
  });
});

describe('unusable input', () => {
  it('says empty for empty and blank files', () => {
    expect(problemOf(new Uint8Array())).toEqual({ kind: 'empty' });
    expect(problemOf(b(' \r\n\t '))).toEqual({ kind: 'empty' });
  });

  it('says what the file is when it is something else', () => {
    const csr = openssl('req', '-new', '-key', file('csr.key', generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' })), '-subj', '/CN=x', '-outform', 'DER');
    expect(problemOf(csr)).toEqual({ kind: 'not-a-certificate', hint: 'csr' });
    expect(problemOf(b(`-----BEGIN CERTIFICATE REQUEST-----\n${csr.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`))).toEqual({ kind: 'not-a-certificate', hint: 'csr' });
    expect(problemOf(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' }))).toEqual({ kind: 'not-a-certificate', hint: 'public-key' });
    expect(problemOf(b('%PDF-1.7\n%âãÏÓ\n1 0 obj'))).toEqual({ kind: 'not-a-certificate', hint: 'pdf' });
    expect(problemOf(b('Hei! Sertifikatet kommer i neste e-post.'))).toEqual({ kind: 'not-a-certificate', hint: 'text' });
    expect(problemOf(randomBytes(3000).fill(0x41, 0, 1))).toMatchObject({ kind: 'not-a-certificate' });
    expect(problemOf(b('0 sertifikater vedlagt'))).toMatchObject({ kind: 'not-a-certificate' });
  });

  it('reports a damaged certificate', () => {
    expect(problemOf(rsaLeaf.der.subarray(0, 200))).toMatchObject({ kind: 'not-a-certificate' });
    const broken = rsaLeaf.pem.replace(/\n[A-Za-z0-9+/]{10}/, '\n!!!!!!!!!!');
    expect(problemOf(b(broken))).toEqual({ kind: 'unreadable-certificate', index: 1 });
  });

  it('refuses more certificates than anyone sends', () => {
    expect(readSubmission(b(rsaLeaf.pem), { zip: { maxEntries: 1, maxEntryBytes: 1, maxTotalBytes: 1 }, maxCertificates: 1 })).toHaveLength(1);
    expect(() => readSubmission(b(rsaLeaf.pem + ecLeaf.pem), { zip: { maxEntries: 1, maxEntryBytes: 1, maxTotalBytes: 1 }, maxCertificates: 1 })).toThrow(SubmissionError);
  });
});

describe('hostile ZIP files', () => {
  function patchCentral(zip: Uint8Array, patch: (buf: Buffer, entry: number) => void): Buffer {
    const buf = Buffer.from(zip);
    for (let p = 0; p < buf.length - 4; p++) if (buf.readUInt32LE(p) === 0x02014b50) patch(buf, p);
    return buf;
  }

  it('stops a ZIP bomb whose header tells the truth', () => {
    expect(problemOf(zipSync({ 'auth.cer': new Uint8Array(20 * 1024 * 1024) }))).toEqual({ kind: 'zip', problem: 'too-large' });
  });

  it('stops a ZIP bomb whose header lies about the size, while inflating', () => {
    const honest = zipSync({ 'auth.cer': [new Uint8Array(50 * 1024 * 1024), { level: 9 }] });
    const lying = patchCentral(honest, (buf, p) => buf.writeUInt32LE(1000, p + 24));
    expect(lying.length).toBeLessThan(200 * 1024);
    expect(problemOf(lying)).toEqual({ kind: 'zip', problem: 'too-large' });
  });

  it('refuses too many entries', () => {
    const many: Zippable = {};
    for (let i = 0; i < 100; i++) many[`f${i}.txt`] = b('x');
    expect(problemOf(zipSync(many))).toEqual({ kind: 'zip', problem: 'too-large' });
  });

  it('refuses path traversal, absolute names and symbolic links', () => {
    expect(problemOf(zipSync({ '../../etc/auth.cer': rsaLeaf.der }))).toEqual({ kind: 'zip', problem: 'unsafe-path' });
    expect(problemOf(zipSync({ '/tmp/auth.cer': rsaLeaf.der }))).toEqual({ kind: 'zip', problem: 'unsafe-path' });
    expect(problemOf(zipSync({ 'link.cer': [b('/etc/passwd'), { os: 3, attrs: 0o120777 << 16 }] } as Zippable))).toEqual({ kind: 'zip', problem: 'unsafe-path' });
    expect(['..\\x', 'C:\\x', 'a/../../b', 'a\0b'].every(isUnsafeEntryName)).toBe(true);
    expect(['a/b.cer', 'cert..pem', '.hidden/x'].some(isUnsafeEntryName)).toBe(false);
  });

  it('refuses encrypted and damaged archives', () => {
    const zip = zipSync({ 'auth.cer': rsaLeaf.der });
    expect(problemOf(patchCentral(zip, (buf, p) => buf.writeUInt16LE(buf.readUInt16LE(p + 8) | 1, p + 8)))).toEqual({ kind: 'zip', problem: 'encrypted' });
    expect(problemOf(patchCentral(zip, (buf, p) => buf.writeUInt32LE(0x12345678, p + 16)))).toEqual({ kind: 'zip', problem: 'corrupt' });
    expect(problemOf(zip.subarray(0, zip.length - 30))).toEqual({ kind: 'zip', problem: 'corrupt' });
  });

  it('does not open a ZIP inside a ZIP', () => {
    expect(problemOf(zipSync({ 'inner.zip': zipSync({ 'auth.cer': rsaLeaf.der }) }))).toEqual({ kind: 'not-a-certificate', hint: 'nested-zip' });
  });
});
