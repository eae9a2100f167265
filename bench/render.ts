/**
 * npm run bench:render — how fast prefilled PDFs are made, and at what memory.
 *
 * Modes, each for the 2-page DPV terms (nb), at concurrency 1, 2 and 4:
 *   pool        the built service (`node dist/src/main.js`) in its own process,
 *               driven over HTTP like a user's download: GET
 *               /api/cases/:id/documents/dpv-terms.pdf for a case not rendered
 *               before, so every request is a render by the long-lived browser
 *   cache       repeat downloads of documents already issued (X-Cache: hit)
 *   pool, full browser  the same on /usr/bin/chromium instead of the headless shell
 *   launch/doc  a new Chromium for every document (the baseline the pool
 *               replaces), in this process through the same pipeline
 * Every render goes through the whole pipeline (Handlebars, Chromium, pdf-lib
 * stamping and PDF/A finishing, issued-document record, blob store).
 *
 * Memory: peak PSS of the service process plus all its descendants (Chromium's
 * process tree), sampled every 250 ms; for launch/doc, of this process and its
 * descendants. PSS splits shared pages fairly; summed RSS would count
 * Chromium's shared memory once per process. The service is measured in its own
 * process so that neither the harness nor tsx is counted.
 *
 * Run alone: the machine has 2 cores and the numbers move with other load.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ChromiumPool } from '../src/documents/chromium-pool.js';
import { assetsDir, createDocuments, type Documents } from '../src/documents/documents.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/observability/logger.js';
import { createService } from '../src/service.js';
import type { CaseRecord } from '../src/storage/case-repository.js';
import { parseRegistration, type RegistrationInput } from '../src/domain/registration.js';

const TEMPLATE = 'dpv-terms';
const CONCURRENCY = [1, 2, 4];
// Cache hits take ~2 ms: 2000 each, after a warm-up, so JIT and sockets are in steady state.
const COUNTS = { launch: [4, 6, 8], pool: [24, 32, 40], cache: [2000, 2000, 2000] };
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';

interface Row {
  mode: string;
  concurrency: number;
  docs: number;
  p50: number;
  p95: number;
  perSecond: number;
  peakMb: number;
  /** The root process's share of peakMb (the service's Node, or this process for launch/doc). */
  rootMb: number;
  cpuMsPerDoc: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** PSS in kB of a process (smaps_rollup), 0 if it is gone. */
function pssKb(pid: number): number {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** A process and every descendant (Chromium's tree hangs below the service). */
function treePids(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone
    }
  }
  const mine = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parent) {
      if (!mine.has(pid) && mine.has(ppid)) {
        mine.add(pid);
        grew = true;
      }
    }
  }
  // tsx's esbuild helper is tooling, not the service.
  return [...mine].filter((pid) => {
    try {
      return !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('esbuild');
    } catch {
      return false;
    }
  });
}

/**
 * CPU seconds used so far by this process and its live descendants, including
 * children they have reaped (cutime/cstime): Chromium's processes, even those of
 * browsers already closed, are counted. Unlike wall time this barely moves when
 * other work shares the machine.
 */
function treeCpuSeconds(root: number): number {
  const ticks = 100; // getconf CLK_TCK on Linux
  let total = 0;
  for (const pid of treePids(root)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields[11..14] = utime, stime, cutime, cstime (stat fields 14–17)
      total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / ticks;
    } catch {
      // gone
    }
  }
  return total;
}

function memorySampler(root: number) {
  let peakKb = 0;
  let rootAtPeakKb = 0;
  const sample = () => {
    const pss = treePids(root).map((pid) => [pid, pssKb(pid)] as const);
    const total = pss.reduce((sum, [, kb]) => sum + kb, 0);
    if (total > peakKb) {
      peakKb = total;
      rootAtPeakKb = pss.find(([pid]) => pid === root)?.[1] ?? 0;
    }
  };
  sample();
  const timer = setInterval(sample, 250);
  return {
    /** Peak of the whole tree, and of the root process (the service's Node) at that moment, in MB. */
    stop(): { peakMb: number; rootMb: number } {
      clearInterval(timer);
      sample();
      return { peakMb: Math.round(peakKb / 1024), rootMb: Math.round(rootAtPeakKb / 1024) };
    },
  };
}

async function measure(mode: string, root: number, concurrency: number, docs: number, run: () => Promise<unknown>): Promise<Row> {
  const latencies: number[] = [];
  let next = 0;
  const sampler = memorySampler(root);
  const cpuBefore = treeCpuSeconds(root);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < docs) {
        next++;
        const t0 = performance.now();
        await run();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const wall = (performance.now() - started) / 1000;
  const cpuMsPerDoc = ((treeCpuSeconds(root) - cpuBefore) * 1000) / docs;
  const { peakMb, rootMb } = sampler.stop();
  latencies.sort((a, b) => a - b);
  return { mode, concurrency, docs, p50: percentile(latencies, 50), p95: percentile(latencies, 95), perSecond: docs / wall, peakMb, rootMb, cpuMsPerDoc };
}

/** A valid organisation number (MOD11, weights 3 2 7 6 5 4 3 2) from an 8-digit base, skipping bases with no valid check digit. */
function organizationNumber(base: number): string {
  for (let b = base; ; b++) {
    const digits = String(b).padStart(8, '0').split('').map(Number);
    const sum = digits.reduce((acc, d, i) => acc + d * [3, 2, 7, 6, 5, 4, 3, 2][i]!, 0);
    const check = (11 - (sum % 11)) % 11;
    if (check !== 10) return `${digits.join('')}${check}`;
  }
}

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

function registration(i: number): RegistrationInput {
  return {
    organizationNumber: organizationNumber(91_000_000 + i * 7919),
    names: { nb: `Digitaliseringsdirektoratet ${i}`, nn: `Digitaliseringsdirektoratet ${i}`, en: `Norwegian Digitalisation Agency ${i}`, acronym: 'DIGDIR' },
    sector: 'state',
    environment: 'test',
    services: ['DPO', 'DPV', 'DPF'],
    technicalContact: { name: 'Kari Nordmann', email: 'kari@digdir.no', mobile: '+4791234567' },
    archiveContact: { name: 'Ola Nordmann', email: 'ola@digdir.no', mobile: '41234567' },
    notificationContact: { name: 'Varsling Digdir', email: 'varsling@digdir.no', mobile: '91234568' },
    invoice: { reference: 'EFM-2026', email: 'faktura@digdir.no' },
    caseArchiveSystem: { product: 'Public 360' },
    dpvIpAddresses: ['192.0.2.10'],
  };
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One HTTP exchange over a keep-alive agent (node:http is lighter than fetch, so the client adds little to the latency). */
function exchange(agent: http.Agent, port: number, method: string, pathname: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ agent, host: '127.0.0.1', port, method, path: pathname, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface ServiceProcess {
  child: ChildProcess;
  port: number;
  stop(): Promise<void>;
}

/** The built service as an operator runs it (`npm start` runs the same file), in its own process. */
async function startService(dataDir: string, poolSize: number, chromiumPath?: string): Promise<ServiceProcess> {
  const main = path.join(import.meta.dirname, '..', 'dist', 'src', 'main.js');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...(chromiumPath ? { CHROMIUM_PATH: chromiumPath } : process.env.CHROMIUM_PATH ? { CHROMIUM_PATH: process.env.CHROMIUM_PATH } : {}),
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ADMIN_TOKEN,
    REGISTRATION_RATE_LIMIT: '0',
    RENDER_POOL_SIZE: String(poolSize),
    RENDER_QUEUE_LIMIT: '64',
    // Steady state: no recycling inside the measured phases (a recycled browser's
    // processes take their CPU time with them, and recycling is measured by the tests).
    RENDER_RECYCLE_AFTER: '0',
    // The order form queued for the servicedesk at each registration would otherwise be
    // rendered by the delivery worker in the middle of the measurement.
    DELIVERY_POLL_MS: '600000',
  };
  const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on http:\/\/localhost:(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`the service exited with ${code} before listening (did \`npm run build\` run?):\n${output}`)));
  });
  return {
    child,
    port,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** PSS of the service's Node process alone and of everything below it (Chromium), at the moment the tree peaked. */
function splitPss(root: number): { nodeMb: number; chromiumMb: number } {
  const node = pssKb(root);
  const all = treePids(root).reduce((sum, pid) => sum + pssKb(pid), 0);
  return { nodeMb: Math.round(node / 1024), chromiumMb: Math.round((all - node) / 1024) };
}

async function measureService(
  poolSize: number,
  variant: { label?: string; chromiumPath?: string; cache?: boolean } = {},
): Promise<{ rows: Row[]; idle: { nodeMb: number; chromiumMb: number } }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'efm-bench-service-'));
  const service = await startService(dataDir, poolSize, variant.chromiumPath);
  const poolLabel = variant.label ?? 'pool';
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const rows: Row[] = [];
  try {
    const root = service.child.pid!;
    const fresh = COUNTS.pool.reduce((a, b) => a + b, 0) + poolSize;
    const cases: { id: string; token: string }[] = [];
    for (let i = 0; i < 8 + fresh; i++) {
      const reply = await exchange(agent, service.port, 'POST', '/api/cases', { 'content-type': 'application/json' }, JSON.stringify(registration(i)));
      if (reply.status !== 201) throw new Error(`registration answered ${reply.status}: ${reply.body.toString()}`);
      const created = JSON.parse(reply.body.toString()) as { id: string; accessToken: string };
      cases.push({ id: created.id, token: created.accessToken });
    }
    const download = async (c: { id: string; token: string }, expectCache: 'hit' | 'miss') => {
      const reply = await exchange(agent, service.port, 'GET', `/api/cases/${c.id}/documents/${TEMPLATE}.pdf?lang=nb`, { authorization: `Bearer ${c.token}` });
      if (reply.status !== 200 || reply.headers['content-type'] !== 'application/pdf' || reply.body.subarray(0, 5).toString() !== '%PDF-') {
        throw new Error(`download answered ${reply.status}: ${reply.body.subarray(0, 300).toString()}`);
      }
      if (reply.headers['x-cache'] !== expectCache) throw new Error(`expected X-Cache ${expectCache}, got ${String(reply.headers['x-cache'])}`);
    };
    const cached = cases.slice(0, 8);
    const unrendered = cases.slice(8);
    const nextFresh = () => {
      const c = unrendered.shift();
      if (!c) throw new Error('ran out of unrendered cases');
      return c;
    };
    let turn = 0;

    // Warm the service (browser launch, first pages) before timing it, and issue the
    // documents the cache phase serves.
    for (const c of cached) await download(c, 'miss');
    await Promise.all(Array.from({ length: poolSize }, () => download(nextFresh(), 'miss')));
    for (const [i, c] of CONCURRENCY.entries()) {
      rows.push(await measure(poolLabel, root, c, COUNTS.pool[i]!, () => download(nextFresh(), 'miss')));
      process.stdout.write('.');
    }
    if (variant.cache !== false) for (let i = 0; i < 300; i++) await download(cached[turn++ % cached.length]!, 'hit');
    for (const [i, c] of variant.cache === false ? [] : CONCURRENCY.entries()) {
      rows.push(await measure('cache', root, c, COUNTS.cache[i]!, () => download(cached[turn++ % cached.length]!, 'hit')));
      process.stdout.write('.');
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    return { rows, idle: splitPss(root) };
  } finally {
    agent.destroy();
    await service.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const poolSize = Number(process.env.RENDER_POOL_SIZE ?? os.availableParallelism());
  process.stdout.write(
    `efm-onboarding render benchmark: ${TEMPLATE} (nb), ${loadConfig({}).documents.chromiumPath}, pool size ${poolSize}, ${os.availableParallelism()} cores, Node ${process.version}, load average at start ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}\n`,
  );
  const { rows, idle } = await measureService(poolSize);
  // The measured reason for rendering with the headless shell: the same service on the full browser.
  const fullBrowser = '/usr/bin/chromium';
  if (loadConfig({}).documents.chromiumPath !== fullBrowser && existsSync(fullBrowser)) {
    rows.push(...(await measureService(poolSize, { label: 'pool, full browser', chromiumPath: fullBrowser, cache: false })).rows);
  }

  // The baseline and the tagging comparison run in this process, with no service process alive.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'efm-bench-'));
  const logger = createLogger({ level: 'silent' });
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', ADMIN_TOKEN, RENDER_POOL_SIZE: '1', RENDER_RECYCLE_AFTER: '0' });
  const service = await createService({ config, logger });
  const tagging: Row[] = [];
  try {
    const records: CaseRecord[] = [];
    for (let i = 0; i < 8; i++) {
      const parsed = parseRegistration(registration(i));
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
      const now = new Date().toISOString();
      const id = `3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6${i}`;
      await service.cases.create({ id, registration: parsed.value, tokenHash: '0'.repeat(64), createdAt: now, updatedAt: now }, 'bench');
      records.push((await service.cases.findById(id)) as CaseRecord);
    }
    let turn = 0;
    const nextRecord = () => records[turn++ % records.length]!;

    // Launch per document: a fresh documents capability (and so a fresh Chromium) per render.
    for (const [i, c] of CONCURRENCY.entries()) {
      rows.push(
        await measure('launch/doc', process.pid, c, COUNTS.launch[i]!, async () => {
          const documents: Documents = createDocuments({
            templatesDir: config.documents.templatesDir,
            issued: service.issuedDocuments,
            blobs: service.blobs,
            macKey: service.documentKey,
            logger,
            clock: () => new Date(),
            producer: 'efm-onboarding',
            chromium: { ...config.documents, executablePath: config.documents.chromiumPath, poolSize: 1, queueLimit: 0 },
          });
          try {
            await documents.render(nextRecord(), TEMPLATE, 'nb', { cache: false });
          } finally {
            await documents.close();
          }
        }),
      );
      process.stdout.write('.');
    }

    // The price of tagging (structure tree for screen readers), Chromium alone.
    const pool = new ChromiumPool({ executablePath: config.documents.chromiumPath, poolSize: 1, queueLimit: 4, timeoutMs: 30_000, recycleAfter: 0, fontDir: path.join(assetsDir(), 'fonts'), logger });
    const html = `<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8"><style>html{font-family:'DejaVu Sans'}</style></head><body>${'<h2>Avsnitt</h2><p>Bruksvilkår for Altinn DPV æøå áčđŋšŧž. '.repeat(3)}</p>'.repeat(25)}</body></html>`;
    try {
      await pool.render({ html, tagged: true });
      for (const tagged of [true, false]) tagging.push(await measure(tagged ? 'chromium tagged' : 'chromium untagged', process.pid, 1, 20, () => pool.render({ html, tagged })));
    } finally {
      await pool.close();
    }
  } finally {
    await service.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.stdout.write('\n\n');

  const header =
    '| mode | concurrency | documents | p50 ms | p95 ms | documents/s | CPU ms/document | documents per CPU-second | peak PSS service + Chromium (MB) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n';
  const line = (r: Row) =>
    `| ${r.mode} | ${r.concurrency} | ${r.docs} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${r.perSecond.toFixed(r.perSecond >= 100 ? 0 : 2)} | ${r.cpuMsPerDoc > 0 ? fmt(r.cpuMsPerDoc) : 'n/a'} | ${r.cpuMsPerDoc > 0 ? (1000 / r.cpuMsPerDoc).toFixed(r.cpuMsPerDoc < 10 ? 0 : 2) : 'n/a'} | ${r.peakMb} |\n`;
  const order = ['launch/doc', 'pool', 'cache', 'pool, full browser'];
  rows.sort((x, y) => order.indexOf(x.mode) - order.indexOf(y.mode) || x.concurrency - y.concurrency);
  process.stdout.write(header + rows.map(line).join(''));
  const at = (mode: string, c: number) => rows.find((r) => r.mode === mode && r.concurrency === c)!;
  process.stdout.write('\n');
  for (const c of CONCURRENCY) {
    const launch = at('launch/doc', c);
    const pooled = at('pool', c);
    process.stdout.write(`launch/doc vs pool at concurrency ${c}: p50 ${(launch.p50 / pooled.p50).toFixed(1)}× slower, throughput ${(pooled.perSecond / launch.perSecond).toFixed(1)}× higher with the pool\n`);
  }
  const peak = rows.filter((r) => r.mode === 'pool' || r.mode === 'cache').reduce((a, b) => (b.peakMb > a.peakMb ? b : a));
  process.stdout.write(
    `service + Chromium: peak ${peak.peakMb} MB PSS (Node ${peak.rootMb}, Chromium ${peak.peakMb - peak.rootMb}) in ${peak.mode} at concurrency ${peak.concurrency}; 1 s after the last request ${idle.nodeMb + idle.chromiumMb} MB (Node ${idle.nodeMb}, Chromium ${idle.chromiumMb})\n`,
  );
  process.stdout.write('\nChromium page.pdf() alone (setContent + pdf, no pdf-lib), concurrency 1:\n');
  process.stdout.write(header + tagging.map(line).join(''));
  const [withTags, withoutTags] = tagging;
  process.stdout.write(`load average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  process.stdout.write(`tagging costs ${fmt(withTags!.p50 - withoutTags!.p50)} ms at p50 (${((withTags!.p50 / withoutTags!.p50 - 1) * 100).toFixed(0)} %); output stays byte-identical either way (structure ids renumbered)\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
