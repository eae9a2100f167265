import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { createCertificateValidator } from '../src/certificates/engine.js';
import { renderValidation } from '../src/certificates/present.js';
import { revocationOff } from '../src/certificates/revocation/types.js';
import { bundledTrustDir, loadTrustStore } from '../src/certificates/trust-store.js';
import type { ValidationRequest } from '../src/certificates/types.js';
import { issueLeaf, keyPair, POLICY, seid2Subject, syntheticHierarchy } from '../test/certificates/support/pki.js';

/**
 * Certificate validations per second on one core (Node runs the engine on its
 * main thread; signature checks are synchronous OpenSSL calls). Each scenario
 * runs the whole engine: read the upload, parse every certificate, pick the
 * leaf, run every rule. Revocation is off (network time is not the engine's).
 *
 *   npm run bench:cert            (BENCH_SECONDS=2 per scenario by default)
 */

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);

interface Row {
  scenario: string;
  bytes: number;
  ops: number;
  /** Validations per second of CPU time used by this process: steadier than wall time on a shared machine. */
  opsPerCpuSecond: number;
  meanUs: number;
  p99Us: number;
}

async function measure(scenario: string, bytes: number, run: () => Promise<unknown>): Promise<Row> {
  // Warm-up until the JIT has settled (a fixed count was not enough on a busy machine).
  const warm = performance.now() + Math.min(1000, SECONDS * 500);
  while (performance.now() < warm) await run();
  const samples: number[] = [];
  const end = performance.now() + SECONDS * 1000;
  const started = performance.now();
  const cpu = process.cpuUsage();
  while (performance.now() < end) {
    const t = performance.now();
    await run();
    samples.push(performance.now() - t);
  }
  const elapsed = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  samples.sort((a, b) => a - b);
  return {
    scenario,
    bytes,
    ops: samples.length / elapsed,
    opsPerCpuSecond: samples.length / ((used.user + used.system) / 1e6),
    meanUs: (samples.reduce((a, b) => a + b, 0) / samples.length) * 1000,
    p99Us: samples[Math.floor(samples.length * 0.99)]! * 1000,
  };
}

async function main(): Promise<void> {
  const loadStart = performance.now();
  const trust = loadTrustStore();
  const loadMs = performance.now() - loadStart;
  const now = new Date('2026-11-26T12:00:00Z');
  const validator = createCertificateValidator({ trust, clock: () => now, revocation: revocationOff });
  const request: ValidationRequest = { organizationNumber: '991825827', environment: 'test', purpose: 'authentication' };

  // Real Commfides test certificate (RSA 3072, sha512) with its real chain (RSA 4096 CA and root).
  const leafPem = readFileSync(new URL('../test/fixtures/real-certs/commfides-test-g3-digdir-auth-valid-2028.pem', import.meta.url));
  const caPem = readFileSync(`${bundledTrustDir()}/commfides/test/commfides-legal-person-g3-test.pem`);
  const rootPem = readFileSync(`${bundledTrustDir()}/commfides/test/commfides-root-ca-g3-test.pem`);
  const chainPem = Buffer.concat([leafPem, caPem, rootPem]);
  const leafDer = Buffer.from(leafPem.toString('latin1').replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
  const chainZip = Buffer.from(zipSync({ 'virksomhetssertifikat.pem': chainPem }));

  // Synthetic EC P-256 leaf (Buypass and Commfides sell ECC P-256 certificates) under an RSA chain, as their CAs are RSA.
  const h = await syntheticHierarchy();
  const ecLeaf = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), keys: await keyPair('p256', 1), policies: [POLICY.buypassEnterprise] });
  const ecChain = Buffer.from(ecLeaf.pem + h.buypassTestCa.pem + h.buypassTestRoot.pem);
  const ecValidator = createCertificateValidator({ trust: h.trust, clock: () => new Date(), revocation: revocationOff });

  const check = async (v: typeof validator, bytes: Uint8Array) => {
    const [result] = await v.validateSubmission(bytes, request);
    if (result?.verdict !== 'accepted') throw new Error(`benchmark input was rejected: ${JSON.stringify(result?.checks.filter((c) => c.status === 'fail'))}`);
  };

  const scenarios: Array<[string, number, () => Promise<unknown>]> = [
    ['RSA 3072 leaf + chain (PEM, 3 certs)', chainPem.length, () => check(validator, chainPem)],
    ['RSA 3072 leaf + chain, rendered to JSON', chainPem.length, async () => JSON.stringify(renderValidation(await validator.validateSubmission(chainPem, request), 'nb'))],
    ['RSA 3072 leaf + chain (ZIP)', chainZip.length, () => check(validator, chainZip)],
    ['RSA 3072 leaf alone (DER)', leafDer.length, () => check(validator, leafDer)],
    ['EC P-256 leaf + RSA chain (PEM)', ecChain.length, () => check(ecValidator, ecChain)],
  ];
  // Everything once first, so no scenario pays for the JIT or the setup's garbage.
  for (const [, , run] of scenarios) for (let i = 0; i < 300; i++) await run();
  const rows: Row[] = [];
  for (const [name, bytes, run] of scenarios) rows.push(await measure(name, bytes, run));

  const mem = process.memoryUsage();
  process.stdout.write(`\nCertificate validation, one core (node ${process.version}, ${SECONDS}s per scenario, revocation off)\n\n`);
  process.stdout.write('| scenario | input bytes | validations/s (wall) | per CPU-second | mean µs | p99 µs |\n|---|---:|---:|---:|---:|---:|\n');
  for (const r of rows) process.stdout.write(`| ${r.scenario} | ${r.bytes} | ${Math.round(r.ops)} | ${Math.round(r.opsPerCpuSecond)} | ${Math.round(r.meanUs)} | ${Math.round(r.p99Us)} |\n`);
  process.stdout.write(`\nTrust list load (23 CA certificates, fingerprints and chains checked): ${loadMs.toFixed(1)} ms. RSS ${(mem.rss / 1048576).toFixed(0)} MB, heap used ${(mem.heapUsed / 1048576).toFixed(0)} MB.\n`);
  const target = rows[0]!.ops;
  const load = (await import('node:os')).loadavg()[0]!.toFixed(1);
  process.stdout.write(`Target ≥ 1000/s for a leaf with its chain: ${target >= 1000 ? 'met' : 'NOT met'} (${Math.round(target)}/s wall, ${Math.round(rows[0]!.opsPerCpuSecond)} per CPU-second; load average ${load}).\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
