import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, findCommand, runCli } from '../../src/cli/main.js';
import { EXIT, type CliIo } from '../../src/cli/types.js';
import { loadTrustStore, TrustStoreError } from '../../src/certificates/trust-store.js';
import { issueLeaf, KU, POLICY, privateKeyPem, seid2Subject, syntheticHierarchy, type Hierarchy, type Issued } from './support/pki.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const REAL = path.join(ROOT, 'test/fixtures/real-certs');

let h: Hierarchy;
let dir: string;
let trustDir: string;
let leaf: Issued;

/** Writes the synthetic hierarchy as a trust list directory (manifest.json + PEM files), as CERT_TRUST_DIR expects. */
function writeTrustDir(target: string, hierarchy: Hierarchy): void {
  const entries = [
    ['root-bp-prod.pem', hierarchy.buypassProdRoot, 'root', 'production', {}],
    ['ca-bp-prod.pem', hierarchy.buypassProdCa, 'enterprise-issuing-ca', 'production', { seidVersion: 2, enterprisePolicies: [POLICY.buypassEnterprise] }],
    ['root-bp-test.pem', hierarchy.buypassTestRoot, 'root', 'test', {}],
    ['ca-bp-test.pem', hierarchy.buypassTestCa, 'enterprise-issuing-ca', 'test', { seidVersion: 2, enterprisePolicies: [POLICY.buypassEnterprise] }],
  ] as const;
  mkdirSync(target, { recursive: true });
  const certificates = entries.map(([file, issued, role, environment, extra]) => {
    writeFileSync(path.join(target, file), issued.pem);
    return { file, sha256: createHash('sha256').update(issued.der).digest('hex'), name: file, vendor: 'buypass', environment, role, ...extra };
  });
  writeFileSync(path.join(target, 'manifest.json'), JSON.stringify({ version: 1, certificates }, null, 2));
}

function capture(env: Record<string, string> = {}): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: { CERT_TRUST_DIR: trustDir, LANG: 'en_US.UTF-8', ...env }, cwd: dir };
}

beforeAll(async () => {
  h = await syntheticHierarchy();
  dir = mkdtempSync(path.join(os.tmpdir(), 'efm-cli-'));
  trustDir = path.join(dir, 'trust');
  writeTrustDir(trustDir, h);
  leaf = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise] });
  writeFileSync(path.join(dir, 'auth.pem'), leaf.pem);
  writeFileSync(path.join(dir, 'sign.cer'), (await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise], keyUsage: KU.nonRepudiation })).der);
  writeFileSync(path.join(dir, 'key.pem'), await privateKeyPem(leaf.keys));
  writeFileSync(path.join(dir, 'junk.txt'), 'not a certificate');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('efm-onboarding cert check', () => {
  it('exits 0 for an accepted certificate and prints every check', async () => {
    const io = capture();
    expect(await runCli(['cert', 'check', 'auth.pem', '--org', '991825827', '--env', 'test'], io)).toBe(EXIT.ok);
    const text = io.out.join('');
    expect(text).toMatch(/^ACCEPTED {2}/);
    expect(text).toContain('✓ chain');
    expect(text).toContain('- revocation');
  });

  it('exits 1 for a rejected certificate, with the reason', async () => {
    const io = capture();
    expect(await runCli(['cert', 'check', 'auth.pem', '--org', '991825827', '--env', 'production'], io)).toBe(EXIT.rejected);
    expect(io.out.join('')).toContain('✗ chain');
    expect(await runCli(['cert', 'check', 'sign.cer', '--org', '991825827', '--env', 'test'], capture())).toBe(EXIT.rejected);
    expect(await runCli(['cert', 'check', 'sign.cer', '--org', '991825827', '--env', 'test', '--purpose', 'signing'], capture())).toBe(EXIT.ok);
  });

  it('honours --at and prints JSON in the API shape with --json', async () => {
    const io = capture();
    expect(await runCli(['cert', 'check', 'auth.pem', '--org', '991825827', '--env', 'test', '--at', '2019-01-01', '--json', '--lang', 'nb'], io)).toBe(EXIT.rejected);
    const body = JSON.parse(io.out.join(''));
    expect(Object.keys(body).sort()).toEqual(['certificate', 'checks', 'results', 'verdict']);
    expect(body.checks.find((c: { id: string }) => c.id === 'validity')).toMatchObject({ status: 'fail', code: 'validity.not-yet-valid' });
    expect(body.checks[0].message).toMatch(/^Den utstedende CA-en/);
  });

  it('exits 2 when the input or the arguments are unusable', async () => {
    const cases: string[][] = [
      ['cert', 'check', 'missing.pem', '--org', '991825827', '--env', 'test'],
      ['cert', 'check', 'junk.txt', '--org', '991825827', '--env', 'test'],
      ['cert', 'check', 'key.pem', '--org', '991825827', '--env', 'test'],
      ['cert', 'check', 'auth.pem', '--org', '991825828', '--env', 'test'],
      ['cert', 'check', 'auth.pem', '--org', '991825827'],
      ['cert', 'check', 'auth.pem', '--org', '991825827', '--env', 'test', '--at', 'soon'],
      ['cert', 'check', '--org', '991825827', '--env', 'test'],
      ['cert', 'check', 'auth.pem', '--org', '991825827', '--env', 'test', '--color'],
      ['cert', 'inspect'],
    ];
    for (const args of cases) {
      const io = capture();
      expect(await runCli(args, io), args.join(' ')).toBe(EXIT.unusable);
      expect(io.err.join('').length, args.join(' ')).toBeGreaterThan(0);
    }
    const key = capture();
    await runCli(['cert', 'check', 'key.pem', '--org', '991825827', '--env', 'test'], key);
    expect(key.err.join('')).toMatch(/Never send private keys/);
  });

  it('refuses a trust list whose files do not match the manifest', async () => {
    const tampered = path.join(dir, 'tampered');
    writeTrustDir(tampered, h);
    writeFileSync(path.join(tampered, 'ca-bp-test.pem'), h.buypassProdCa.pem);
    expect(() => loadTrustStore(tampered)).toThrow(TrustStoreError);
    const io = capture({ CERT_TRUST_DIR: tampered });
    expect(await runCli(['cert', 'check', 'auth.pem', '--org', '991825827', '--env', 'test'], io)).toBe(EXIT.unusable);
    expect(io.err.join('')).toContain('manifest says');
  });

  it('uses the bundled trust list when CERT_TRUST_DIR is not set', async () => {
    const io = capture({ CERT_TRUST_DIR: '' });
    const file = path.join(REAL, 'commfides-test-g3-digdir-auth-valid-2028.pem');
    expect(await runCli(['cert', 'check', file, '--org', '991825827', '--env', 'test', '--at', '2026-11-26'], io)).toBe(EXIT.ok);
  });
});

describe('the dispatcher', () => {
  it('finds commands by their words and lists them in help', async () => {
    expect(findCommand(['cert', 'check', 'x'])?.args).toEqual(['x']);
    expect(findCommand(['audit', 'verify'])?.command.name).toEqual(['audit', 'verify']);
    expect(findCommand(['cert', 'revoke'])).toBeUndefined();
    const io = capture();
    expect(await runCli(['--help'], io)).toBe(EXIT.ok);
    for (const c of COMMANDS) expect(io.out.join('')).toContain(c.name.join(' '));
    const usage = capture();
    expect(await runCli(['cert', 'check', '--help'], usage)).toBe(EXIT.ok);
    expect(usage.out.join('')).toContain('--purpose');
  });

  it('runs as bin/efm-onboarding.js with the documented exit codes', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string }>((resolve) => {
        execFile(process.execPath, [path.join(ROOT, 'bin/efm-onboarding.js'), ...args], { cwd: REAL, env: { ...process.env, CERT_TRUST_DIR: '' } }, (error, stdout) =>
          resolve({ code: error ? Number((error as { code?: number }).code) : 0, stdout }),
        );
      });
    const file = 'commfides-test-g3-digdir-auth-valid-2028.pem';
    const [ok, rejected, unusable] = await Promise.all([
      run(['cert', 'check', file, '--org', '991825827', '--env', 'test', '--at', '2026-11-26', '--json']),
      run(['cert', 'check', file, '--org', '991825827', '--env', 'production', '--at', '2026-11-26']),
      run(['cert', 'check', 'no-such-file.pem', '--org', '991825827', '--env', 'test']),
    ]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).verdict).toBe('accepted');
    expect(rejected.code).toBe(1);
    expect(unusable.code).toBe(2);
  });
});
