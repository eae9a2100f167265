/**
 * npm run bench:render — how fast prefilled PDFs are made, and at what memory.
 *
 * Modes, each for the 2-page DPV terms (nb) of 8 different cases in turn, at concurrency 1, 2 and 4:
 *   launch/doc  a new Chromium for every document (the baseline the pool replaces)
 *   pool        the service's long-lived browser and reused pages, cache bypassed
 *   cache       repeat downloads served from the content-addressed cache
 * Every render goes through the whole pipeline (Handlebars, Chromium, pdf-lib
 * stamping and PDF/A finishing, issued-document record, blob store).
 *
 * Memory: peak PSS of this process plus all its descendants (Chromium's process
 * tree), sampled every 250 ms. PSS splits shared pages fairly; summed RSS would
 * count Chromium's shared memory once per process.
 *
 * Run alone: the machine has 2 cores and the numbers move with other load.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChromiumPool } from '../src/documents/chromium-pool.js';
import { assetsDir, createDocuments, type Documents } from '../src/documents/documents.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/observability/logger.js';
import { createService } from '../src/service.js';
import type { CaseRecord } from '../src/storage/case-repository.js';
import { parseRegistration } from '../src/domain/registration.js';

const TEMPLATE = 'dpv-terms';
const CONCURRENCY = [1, 2, 4];
const COUNTS = { launch: [4, 6, 8], pool: [24, 32, 40], cache: [400, 400, 400] };

interface Row {
  mode: string;
  concurrency: number;
  docs: number;
  p50: number;
  p95: number;
  perSecond: number;
  peakMb: number;
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

/** This process and every descendant (Chromium's tree hangs below us). */
function treePids(): number[] {
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
  const mine = new Set([process.pid]);
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
  return [...mine];
}

/**
 * CPU seconds used so far by this process and its live descendants, including
 * children they have reaped (cutime/cstime): Chromium's processes, even those of
 * browsers already closed, are counted. Unlike wall time this barely moves when
 * other work shares the machine.
 */
function treeCpuSeconds(): number {
  const ticks = 100; // getconf CLK_TCK on Linux
  let total = 0;
  for (const pid of treePids()) {
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

function memorySampler() {
  let peakKb = 0;
  const sample = () => {
    const total = treePids().reduce((sum, pid) => sum + pssKb(pid), 0);
    if (total > peakKb) peakKb = total;
  };
  sample();
  const timer = setInterval(sample, 250);
  return {
    stop(): number {
      clearInterval(timer);
      sample();
      return Math.round(peakKb / 1024);
    },
  };
}

async function measure(mode: string, concurrency: number, docs: number, once: () => Promise<unknown>): Promise<Row> {
  const latencies: number[] = [];
  let next = 0;
  const sampler = memorySampler();
  const cpuBefore = treeCpuSeconds();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < docs) {
        next++;
        const t0 = performance.now();
        await once();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const wall = (performance.now() - started) / 1000;
  const cpuMsPerDoc = ((treeCpuSeconds() - cpuBefore) * 1000) / docs;
  const peakMb = sampler.stop();
  latencies.sort((a, b) => a - b);
  return { mode, concurrency, docs, p50: percentile(latencies, 50), p95: percentile(latencies, 95), perSecond: docs / wall, peakMb, cpuMsPerDoc };
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

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'efm-bench-'));
  const logger = createLogger({ level: 'silent' });
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ADMIN_TOKEN: 'bench-admin-token-0123456789abcdef',
    RENDER_QUEUE_LIMIT: '64',
    // Steady state: no recycling inside the measured phases (a recycled browser's
    // processes take their CPU time with them, and recycling is measured by the tests).
    RENDER_RECYCLE_AFTER: '0',
    ...(process.env.RENDER_POOL_SIZE ? { RENDER_POOL_SIZE: process.env.RENDER_POOL_SIZE } : {}),
  });
  const service = await createService({ config, logger });
  const rows: Row[] = [];
  try {
    // Several cases, used in turn: concurrent requests for one and the same document
    // would be coalesced into a single render (or a single cache read) and flatter the pool.
    const records: CaseRecord[] = [];
    for (let i = 0; i < 8; i++) {
      const parsed = parseRegistration({
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
      });
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
      const now = new Date().toISOString();
      const id = `3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6${i}`;
      await service.cases.create({ id, registration: parsed.value, tokenHash: '0'.repeat(64), createdAt: now, updatedAt: now }, 'bench');
      records.push((await service.cases.findById(id)) as CaseRecord);
    }
    let turn = 0;
    const nextRecord = () => records[turn++ % records.length]!;

    process.stdout.write(
      `efm-onboarding render benchmark: ${TEMPLATE} (nb), pool size ${config.documents.poolSize}, ${os.availableParallelism()} cores, Node ${process.version}, load average at start ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}\n`,
    );

    // Warm the pool (browser launch, first pages) before timing it.
    // (and every case issued once, so the cache phase has something to serve).
    for (const r of records) await service.documents.render(r, TEMPLATE, 'nb');
    await Promise.all(Array.from({ length: config.documents.poolSize }, () => service.documents.render(nextRecord(), TEMPLATE, 'nb', { cache: false })));
    for (const [i, c] of CONCURRENCY.entries()) {
      rows.push(await measure('pool', c, COUNTS.pool[i]!, () => service.documents.render(nextRecord(), TEMPLATE, 'nb', { cache: false })));
      process.stdout.write('.');
    }
    for (const [i, c] of CONCURRENCY.entries()) {
      rows.push(
        await measure('cache', c, COUNTS.cache[i]!, async () => {
          const rendered = await service.documents.render(nextRecord(), TEMPLATE, 'nb');
          if (!rendered.fromCache) throw new Error('expected a cache hit');
        }),
      );
      process.stdout.write('.');
    }

    // Launch per document: a fresh documents capability (and so a fresh Chromium) per render.
    // Last, so the browsers it starts and the memory it churns do not colour the service's numbers.
    for (const [i, c] of CONCURRENCY.entries()) {
      rows.push(
        await measure('launch/doc', c, COUNTS.launch[i]!, async () => {
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
    const tagging: Row[] = [];
    try {
      await pool.render({ html, tagged: true });
      for (const tagged of [true, false]) tagging.push(await measure(tagged ? 'chromium tagged' : 'chromium untagged', 1, 20, () => pool.render({ html, tagged })));
    } finally {
      await pool.close();
    }
    process.stdout.write('\n\n');

    const header =
      '| mode | concurrency | documents | p50 ms | p95 ms | documents/s | CPU ms/document | documents per CPU-second | peak PSS service + Chromium (MB) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n';
    const line = (r: Row) =>
      `| ${r.mode} | ${r.concurrency} | ${r.docs} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${r.perSecond.toFixed(r.perSecond >= 100 ? 0 : 2)} | ${r.cpuMsPerDoc > 0 ? fmt(r.cpuMsPerDoc) : 'n/a'} | ${r.cpuMsPerDoc > 0 ? (1000 / r.cpuMsPerDoc).toFixed(r.cpuMsPerDoc < 10 ? 0 : 2) : 'n/a'} | ${r.peakMb} |\n`;
    const order = ['launch/doc', 'pool', 'cache'];
    rows.sort((x, y) => order.indexOf(x.mode) - order.indexOf(y.mode) || x.concurrency - y.concurrency);
    process.stdout.write(header + rows.map(line).join(''));
    const at = (mode: string, c: number) => rows.find((r) => r.mode === mode && r.concurrency === c)!;
    process.stdout.write('\n');
    for (const c of CONCURRENCY) {
      const launch = at('launch/doc', c);
      const pooled = at('pool', c);
      process.stdout.write(`launch/doc vs pool at concurrency ${c}: p50 ${(launch.p50 / pooled.p50).toFixed(1)}× slower, throughput ${(pooled.perSecond / launch.perSecond).toFixed(1)}× higher with the pool\n`);
    }
    process.stdout.write('\nChromium page.pdf() alone (setContent + pdf, no pdf-lib), concurrency 1:\n');
    process.stdout.write(header + tagging.map(line).join(''));
    const [withTags, withoutTags] = tagging;
    process.stdout.write(`load average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
    process.stdout.write(`tagging costs ${fmt(withTags!.p50 - withoutTags!.p50)} ms at p50 (${((withTags!.p50 / withoutTags!.p50 - 1) * 100).toFixed(0)} %); output stays byte-identical either way (structure ids renumbered)\n`);
  } finally {
    await service.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
