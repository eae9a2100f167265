import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCertificate, type ParsedCertificate } from '../../src/certificates/certificate.js';
import { createCertificateValidator } from '../../src/certificates/engine.js';
import { pemBlocks } from '../../src/certificates/pem.js';
import {
  createCrlChecker,
  createHttpTransport,
  createOcspChecker,
  createRevocationChecker,
  evaluateOcspResponse,
  parseCrl,
  parseOcspResponse,
  type RevocationChecker,
  type RevocationOutcome,
  type RevocationTransport,
} from '../../src/certificates/revocation/index.js';
import { loadTrustStore } from '../../src/certificates/trust-store.js';
import type { ValidationRequest } from '../../src/certificates/types.js';
import { loadConfig, ConfigError } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { createService } from '../../src/service.js';
import supertest from 'supertest';
import { createTestDatabase } from '../support/database.js';
import { ADMIN_TOKEN } from '../support/service.js';
import { createCrl, daysFromNow, DIGDIR, issueLeaf, keyPair, POLICY, privateKeyPem, seid2Subject, syntheticHierarchy, type Hierarchy } from './support/pki.js';

/**
 * Revocation against real responders: `openssl ocsp` serving an index file the
 * test writes, and CRLs the test makes with its own CA served over HTTP. Plus
 * real OCSP responses and CRLs from Buypass, Commfides and GlobalSign, checked
 * with a fixed clock.
 */

let h: Hierarchy;
let dir: string;
const children: ChildProcess[] = [];
const servers: Array<http.Server | net.Server> = [];
const sockets = new Set<net.Socket>();
const transport = createHttpTransport();
const request: ValidationRequest = { organizationNumber: DIGDIR, environment: 'test', purpose: 'authentication' };

beforeAll(async () => {
  h = await syntheticHierarchy();
  dir = mkdtempSync(path.join(os.tmpdir(), 'efm-revocation-'));
});
afterAll(async () => {
  for (const child of children) child.kill('SIGTERM');
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `openssl ocsp` on a free port and resolves with its URL once it listens. */
async function startOpensslResponder(name: string, options: { index: string; caPem: string; signerPem: string; signerKey: string }): Promise<string> {
  const files = Object.fromEntries(
    Object.entries({ index: options.index, ca: options.caPem, signer: options.signerPem, key: options.signerKey }).map(([k, v]) => {
      const file = path.join(dir, `${name}-${k}`);
      writeFileSync(file, v);
      return [k, file];
    }),
  ) as Record<'index' | 'ca' | 'signer' | 'key', string>;
  const child = spawn('openssl', ['ocsp', '-index', files.index, '-port', '0', '-CA', files.ca, '-rsigner', files.signer, '-rkey', files.key, '-nmin', '10', '-ignore_err'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const port = /ACCEPT .*:(\d+)/.exec(output)?.[1];
      if (port) resolve(`http://127.0.0.1:${port}`);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`openssl ocsp exited (${code}): ${output}`)));
    setTimeout(() => reject(new Error(`openssl ocsp did not start: ${output}`)), 10_000).unref();
  });
}

function indexLine(status: 'V' | 'R', serial: string, revokedAt?: string): string {
  return `${status}\t301231000000Z\t${revokedAt ?? ''}\t${serial}\tunknown\t/CN=leaf ${serial}\n`;
}

async function listen(server: http.Server | net.Server): Promise<number> {
  servers.push(server);
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

const validatorWith = (revocation: RevocationChecker) => createCertificateValidator({ trust: h.trust, clock: () => new Date(), revocation });
const revocationCheck = async (pem: string, revocation: RevocationChecker) => {
  const [result] = await validatorWith(revocation).validateSubmission(Buffer.from(pem), request);
  return { result: result!, check: result!.checks.find((c) => c.id === 'revocation')! };
};

describe('OCSP against a local openssl responder', () => {
  let url: string;
  let ocsp: RevocationChecker;

  beforeAll(async () => {
    url = await startOpensslResponder('main', {
      index: indexLine('V', '1001') + indexLine('R', '1002', '240101120000Z,keyCompromise'),
      caPem: h.buypassTestCa.pem,
      signerPem: h.buypassTestCa.pem,
      signerKey: await privateKeyPem(h.buypassTestCa.keys),
    });
    ocsp = createOcspChecker({ transport, timeoutMs: 5000 });
  });

  const leaf = (serialNumber: string, ocspUrl: string) => issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise], serialNumber, ocspUrl });

  it('accepts a certificate the responder says is good', async () => {
    const { result, check } = await revocationCheck((await leaf('1001', url)).pem, ocsp);
    expect(check).toMatchObject({ status: 'pass', code: 'rev.good.ocsp' });
    expect(result.verdict).toBe('accepted');
  });

  it('rejects a revoked certificate with time and reason', async () => {
    const { result, check } = await revocationCheck((await leaf('1002', url)).pem, ocsp);
    expect(check).toMatchObject({ status: 'fail', code: 'rev.revoked.ocsp', params: { revokedAt: '2024-01-01T12:00:00.000Z', reason: 'keyCompromise' } });
    expect(result.verdict).toBe('rejected');
  });

  it('fails closed when the responder does not know the certificate', async () => {
    expect((await revocationCheck((await leaf('1003', url)).pem, ocsp)).check).toMatchObject({ status: 'fail', code: 'rev.unknown.ocsp' });
  });

  it('fails closed when the responder is down, silent, or names no URL', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const downPort = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    expect((await revocationCheck((await leaf('1001', `http://127.0.0.1:${downPort}`)).pem, ocsp)).check).toMatchObject({ status: 'fail', params: { problem: 'unreachable' } });

    const silent = await listen(net.createServer((socket) => socket.on('error', () => undefined)));
    const quick = createOcspChecker({ transport, timeoutMs: 300 });
    expect((await revocationCheck((await leaf('1001', `http://127.0.0.1:${silent}`)).pem, quick)).check).toMatchObject({ status: 'fail', params: { problem: 'timeout' } });

    const noUrl = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise] });
    expect((await revocationCheck(noUrl.pem, ocsp)).check).toMatchObject({ status: 'fail', params: { problem: 'no-url' } });
  });

  it('fails closed when the answer is signed by someone the issuing CA did not authorise', async () => {
    const rogue = await startOpensslResponder('rogue', {
      index: indexLine('V', '1001'),
      caPem: h.buypassTestCa.pem,
      signerPem: h.commfidesTestCa.pem,
      signerKey: await privateKeyPem(h.commfidesTestCa.keys),
    });
    expect((await revocationCheck((await leaf('1001', rogue)).pem, ocsp)).check).toMatchObject({ status: 'fail', params: { problem: 'unauthorized-responder' } });
  });

  it('fails closed on an HTTP error and on a response that is not OCSP', async () => {
    const port = await listen(
      http.createServer((req, res) => {
        req.resume();
        if (req.url === '/500') res.writeHead(500).end();
        else res.writeHead(200, { 'content-type': 'application/ocsp-response' }).end('not der');
      }),
    );
    expect((await revocationCheck((await leaf('1001', `http://127.0.0.1:${port}/500`)).pem, ocsp)).check.params.problem).toBe('http-status');
    expect((await revocationCheck((await leaf('1001', `http://127.0.0.1:${port}/junk`)).pem, ocsp)).check.params.problem).toBe('malformed');
  });

  it('reuses a definite answer for a while instead of asking the responder again, but never an error or "unknown"', async () => {
    let requests = 0;
    const counting: RevocationTransport = {
      async fetch(req) {
        requests++;
        return transport.fetch(req);
      },
    };
    const cached = createOcspChecker({ transport: counting, timeoutMs: 5000, maxCacheMs: 60_000 });
    const subjectOf = async (serial: string) => ({ leaf: parseCertificate((await leaf(serial, url)).der), issuer: parseCertificate(h.buypassTestCa.der) });
    const good = await subjectOf('1001');
    const t0 = new Date();
    expect((await cached.check(good, t0)).status).toBe('good');
    expect((await cached.check(good, new Date(t0.getTime() + 30_000))).status).toBe('good');
    expect(requests).toBe(1);
    // After maxCacheMs the responder is asked again.
    expect((await cached.check(good, new Date(t0.getTime() + 61_000))).status).toBe('good');
    expect(requests).toBe(2);
    // Revoked is definite too; unknown is asked every time.
    const revoked = await subjectOf('1002');
    await cached.check(revoked, t0);
    expect((await cached.check(revoked, t0)).status).toBe('revoked');
    expect(requests).toBe(3);
    const unknown = await subjectOf('1003');
    await cached.check(unknown, t0);
    await cached.check(unknown, t0);
    expect(requests).toBe(5);
    // Another responder is another question.
    const elsewhere = { leaf: parseCertificate((await leaf('1001', `${url}/other`)).der), issuer: good.issuer };
    await cached.check(elsewhere, t0);
    expect(requests).toBe(6);
    // Switched off: every check asks.
    const uncached = createOcspChecker({ transport: counting, timeoutMs: 5000, maxCacheMs: 0 });
    await uncached.check(good, t0);
    await uncached.check(good, t0);
    expect(requests).toBe(8);
  });

  it('rejects a response whose nonce answers another request', async () => {
    const subject = { leaf: parseCertificate((await leaf('1001', url)).der), issuer: parseCertificate(h.buypassTestCa.der) };
    const sent = Buffer.from('0410' + '11'.repeat(16), 'hex');
    const captured: Uint8Array[] = [];
    const recording: RevocationTransport = {
      async fetch(req) {
        const body = await transport.fetch(req);
        captured.push(body);
        return body;
      },
    };
    const outcome = await createOcspChecker({ transport: recording, timeoutMs: 5000, nonce: () => Buffer.alloc(16, 0x11) }).check(subject, new Date());
    expect(outcome.status).toBe('good');
    const replayed = evaluateOcspResponse(parseOcspResponse(captured[0]!), subject, new Date(), url, Buffer.from('0410' + '22'.repeat(16), 'hex'));
    expect(replayed).toMatchObject({ status: 'error', problem: 'nonce-mismatch' });
    expect(evaluateOcspResponse(parseOcspResponse(captured[0]!), subject, new Date(), url, sent).status).toBe('good');
  });
});

describe('CRL made by the test CA, served over HTTP', () => {
  let base: string;
  let hits: Record<string, number>;
  let crls: Record<string, Uint8Array>;

  beforeAll(async () => {
    const other = await keyPair('p384', 40);
    crls = {
      '/ca.crl': await createCrl(h.buypassTestCa, [{ serialNumber: '2002', revokedAt: new Date('2024-02-01T00:00:00Z'), reason: x509.X509CrlReason.superseded }]),
      '/stale.crl': await createCrl(h.buypassTestCa, [], { thisUpdate: daysFromNow(-10), nextUpdate: daysFromNow(-3) }),
      '/forged.crl': await createCrl(h.buypassTestCa, [], { signer: other }),
      '/other-issuer.crl': await createCrl(h.commfidesTestCa, []),
    };
    hits = {};
    base = `http://127.0.0.1:${await listen(
      http.createServer((req, res) => {
        hits[req.url!] = (hits[req.url!] ?? 0) + 1;
        const body = crls[req.url!];
        if (req.url === '/big.crl') return res.writeHead(200).end(Buffer.alloc(50_000));
        if (req.url === '/slow.crl') return; // never answers
        if (!body) return res.writeHead(404).end();
        res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(Buffer.from(body));
      }),
    )}`;
  });

  const leaf = (serialNumber: string, crlPath: string) => issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise], serialNumber, crlUrl: `${base}${crlPath}` });
  const crl = () => createCrlChecker({ transport, timeoutMs: 500, maxBytes: 20_000 });

  it('accepts a certificate that is not on a current, correctly signed CRL, and reuses the CRL', async () => {
    const checker = crl();
    expect((await revocationCheck((await leaf('2001', '/ca.crl')).pem, checker)).check).toMatchObject({ status: 'pass', code: 'rev.good.crl' });
    const before = hits['/ca.crl'];
    expect((await revocationCheck((await leaf('2003', '/ca.crl')).pem, checker)).check.status).toBe('pass');
    expect(hits['/ca.crl']).toBe(before);
  });

  it('rejects a revoked certificate', async () => {
    expect((await revocationCheck((await leaf('2002', '/ca.crl')).pem, crl())).check).toMatchObject({
      status: 'fail',
      code: 'rev.revoked.crl',
      params: { revokedAt: '2024-02-01T00:00:00.000Z', reason: 'superseded' },
    });
  });

  it('fails closed on a stale, forged, foreign, missing, oversized or slow CRL', async () => {
    const problem = async (crlPath: string) => (await revocationCheck((await leaf('2001', crlPath)).pem, crl())).check;
    expect(await problem('/stale.crl')).toMatchObject({ status: 'fail', params: { problem: 'stale' } });
    expect(await problem('/forged.crl')).toMatchObject({ status: 'fail', params: { problem: 'bad-signature' } });
    expect(await problem('/other-issuer.crl')).toMatchObject({ status: 'fail', params: { problem: 'wrong-issuer' } });
    expect(await problem('/missing.crl')).toMatchObject({ status: 'fail', params: { problem: 'http-status' } });
    expect(await problem('/big.crl')).toMatchObject({ status: 'fail', params: { problem: 'too-large' } });
    expect(await problem('/slow.crl')).toMatchObject({ status: 'fail', params: { problem: 'timeout' } });
  });

  it('is switched on for the API by CERT_REVOCATION=crl', async () => {
    const db = await createTestDatabase();
    const config = loadConfig({ DATA_DIR: db.dataDir, DATABASE_URL: db.url, ADMIN_TOKEN, LOG_LEVEL: 'silent', CERT_REVOCATION: 'crl', CERT_REVOCATION_TIMEOUT_MS: '2000' });
    const service = await createService({ config, logger: createLogger({ level: 'silent' }), certificates: { trust: h.trust } });
    try {
      const send = async (serial: string) =>
        (await supertest(service.app).post('/api/certificates/validate').field('organizationNumber', DIGDIR).field('environment', 'test').attach('file', Buffer.from((await leaf(serial, '/ca.crl')).pem), 'a.pem')).body;
      const revoked = await send('2002');
      expect(revoked.verdict).toBe('rejected');
      expect(revoked.checks.find((c: { id: string }) => c.id === 'revocation')).toMatchObject({ status: 'fail', code: 'rev.revoked.crl' });
      const good = await send('2001');
      expect(good.verdict).toBe('accepted');
      expect(good.checks.find((c: { id: string }) => c.id === 'revocation')).toMatchObject({ status: 'pass', code: 'rev.good.crl' });
      const unreachable = await (async () => {
        const cert = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise], crlUrl: 'http://127.0.0.1:9/none.crl' });
        return (await supertest(service.app).post('/api/certificates/validate').field('organizationNumber', DIGDIR).field('environment', 'test').attach('file', Buffer.from(cert.pem), 'a.pem')).body;
      })();
      expect(unreachable.verdict).toBe('rejected');
    } finally {
      await service.close();
      await db.drop();
    }
  });

  it('keeps using a cached CRL that is still current when the distribution point goes down', async () => {
    let up = true;
    const flaky: RevocationTransport = { fetch: (req) => (up ? transport.fetch(req) : Promise.reject(new Error('down'))) };
    const checker = createCrlChecker({ transport: flaky, timeoutMs: 500, maxBytes: 20_000, maxCacheMs: 0 });
    const cert = await leaf('2001', '/ca.crl');
    expect((await revocationCheck(cert.pem, checker)).check.status).toBe('pass');
    up = false;
    expect((await revocationCheck(cert.pem, checker)).check.status).toBe('pass');
    expect((await revocationCheck((await leaf('2002', '/ca.crl')).pem, checker)).check.code).toBe('rev.revoked.crl');
  });
});

describe('real OCSP responses and CRLs (fixed clock)', () => {
  const fixtures = new URL('../fixtures/real-certs/', import.meta.url);
  const trust = loadTrustStore();
  const cert = (name: string): ParsedCertificate => parseCertificate(pemBlocks(readFileSync(new URL(name, fixtures), 'latin1'))[0]!.der);
  const ca = (name: string) => trust.issuingCas.find((c) => c.name === name)!.cert;
  const ocspFile = (name: string) => parseOcspResponse(readFileSync(new URL(`ocsp/${name}`, fixtures)));
  const evaluate = (name: string, subject: { leaf: ParsedCertificate; issuer: ParsedCertificate }, at: string): RevocationOutcome =>
    evaluateOcspResponse(ocspFile(name), subject, new Date(at), 'http://ocsp.example', null);

  it('accepts Buypass Test4 GOOD signed by its delegated responder, while fresh', () => {
    const subject = { leaf: cert('buypass-test-g2st-testvirksomhet-vid-europa-auth-expired-2024.pem'), issuer: ca('Buypass Class 3 Test4 CA G2 ST Business') };
    expect(evaluate('buypass-test4-g2stbs-good-2021-08-10.ocsp.der', subject, '2021-08-10T14:00:00Z').status).toBe('good');
    expect(evaluate('buypass-test4-g2stbs-good-2021-08-10.ocsp.der', subject, '2021-08-11T12:00:00Z')).toMatchObject({ status: 'error', problem: 'stale' });
    const other = { leaf: cert('buypass-test-g2st-digdir-auth-expired-2024.pem'), issuer: subject.issuer };
    expect(evaluate('buypass-test4-g2stbs-good-2021-08-10.ocsp.der', other, '2021-08-10T14:00:00Z')).toMatchObject({ status: 'error', problem: 'wrong-certificate' });
    const wrongIssuer = { leaf: subject.leaf, issuer: ca('Buypass Class 3 CA G2 ST Business') };
    expect(evaluate('buypass-test4-g2stbs-good-2021-08-10.ocsp.der', wrongIssuer, '2021-08-10T14:00:00Z')).toMatchObject({ status: 'error', problem: 'unauthorized-responder' });
  });

  it('accepts Buypass Class 3 CA 3 GOOD signed by the CA itself (no nextUpdate: fresh for a day only)', () => {
    const subject = { leaf: cert('buypass-prod-seid1-ca3-posten-digipost-auth-expired-2017.pem'), issuer: ca('Buypass Class 3 CA 3') };
    expect(evaluate('buypass-ca3-good-2015-03-02.ocsp.der', subject, '2015-03-02T16:00:00Z').status).toBe('good');
    expect(evaluate('buypass-ca3-good-2015-03-02.ocsp.der', subject, '2015-03-05T16:00:00Z')).toMatchObject({ status: 'error', problem: 'stale' });
  });

  it('reads GlobalSign REVOKED and UNKNOWN answers', () => {
    const subject = { leaf: cert('neg-globalsign-dv-revoked-grc-com.pem'), issuer: cert('untrusted-cas/globalsign-domain-validation-ca-g2.pem') };
    expect(evaluate('globalsign-revoked-2015.ocsp.der', subject, '2015-03-01T00:00:00Z')).toMatchObject({ status: 'revoked', revokedAt: new Date('2014-04-23T15:44:10Z') });
    // This UNKNOWN answers a request about another issuer (its CertID hashes differ), so it says nothing about this certificate.
    expect(ocspFile('globalsign-unknown-2015.ocsp.der').basic!.responses[0]).toMatchObject({ status: 'unknown', serialNumber: subject.leaf.serialNumber });
    expect(evaluate('globalsign-unknown-2015.ocsp.der', subject, '2015-03-03T15:00:00Z')).toMatchObject({ status: 'error', problem: 'wrong-certificate' });
  });

  it('verifies real Buypass and Commfides CRLs and treats them as stale now', async () => {
    const read = (name: string) => readFileSync(new URL(`crl/${name}`, fixtures));
    const buypass = parseCrl(read('buypass-test4-BPCl3CaG2STBS-2025-04-03.crl'));
    expect(buypass.revoked.size).toBe(112);
    const serve = (bytes: Uint8Array): RevocationTransport => ({ fetch: async () => bytes });
    const digdir = cert('buypass-test-g2st-digdir-sign-rsa4096-expired-2026-09-05.pem');
    const withUrl = { ...digdir, crlUrls: ['http://crl.example/a.crl'] };
    const check = (bytes: Uint8Array, issuer: string, at: string, leaf = withUrl) => createCrlChecker({ transport: serve(bytes), timeoutMs: 1000, maxBytes: 1e6 }).check({ leaf, issuer: ca(issuer) }, new Date(at));
    expect((await check(read('buypass-test4-BPCl3CaG2STBS-2025-04-03.crl'), 'Buypass Class 3 Test4 CA G2 ST Business', '2025-04-03T12:00:00Z')).status).toBe('good');
    expect(await check(read('buypass-test4-BPCl3CaG2STBS-2025-04-03.crl'), 'Buypass Class 3 Test4 CA G2 ST Business', '2026-11-26T12:00:00Z')).toMatchObject({ status: 'error', problem: 'stale' });
    expect(await check(read('commfides-test-LegalPersonCA-G3-TEST-2025-04-03.crl'), 'Buypass Class 3 Test4 CA G2 ST Business', '2025-04-04T12:00:00Z')).toMatchObject({ status: 'error', problem: 'wrong-issuer' });
    const revokedSerial = [...buypass.revoked.keys()][0]!;
    const revokedLeaf = { ...withUrl, serialNumber: revokedSerial };
    expect((await check(read('buypass-test4-BPCl3CaG2STBS-2025-04-03.crl'), 'Buypass Class 3 Test4 CA G2 ST Business', '2025-04-03T12:00:00Z', revokedLeaf)).status).toBe('revoked');
    const commfides = cert('commfides-test-g3-digdir-auth-valid-2028.pem');
    const commfidesCheck = await createCrlChecker({ transport: serve(read('commfides-test-LegalPersonCA-G3-TEST-2025-04-03.crl')), timeoutMs: 1000, maxBytes: 1e6 }).check(
      { leaf: commfides, issuer: ca('Commfides Legal Person - G3 - TEST') },
      new Date('2025-04-05T00:00:00Z'),
    );
    expect(commfidesCheck).toMatchObject({ status: 'good', url: 'http://crl.test.commfides.com/G3/CommfidesLegalPersonCA-G3-TEST.crl' });
  });
});

describe('configuration', () => {
  it('is off by default, and CERT_REVOCATION picks OCSP or CRL', () => {
    const config = loadConfig({});
    expect(config.certificates).toMatchObject({ revocation: 'off', revocationTimeoutMs: 5000, validateRateLimitPerMinute: 30 });
    expect(createRevocationChecker({ mode: config.certificates.revocation, timeoutMs: 1000, crlMaxBytes: 1000 }).mode).toBe('off');
    const ocsp = loadConfig({ CERT_REVOCATION: 'ocsp', CERT_REVOCATION_TIMEOUT_MS: '2000' }).certificates;
    expect(createRevocationChecker({ mode: ocsp.revocation, timeoutMs: ocsp.revocationTimeoutMs, crlMaxBytes: ocsp.crlMaxBytes }).mode).toBe('ocsp');
    expect(createRevocationChecker({ mode: 'crl', timeoutMs: 1000, crlMaxBytes: 1000 }).mode).toBe('crl');
    expect(() => loadConfig({ CERT_REVOCATION: 'maybe' })).toThrow(ConfigError);
  });
});
