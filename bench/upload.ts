/**
 * npm run bench:upload — signed returns under load.
 *
 * Starts the service in a child process (so its memory is measured alone),
 * makes a ~25 MB print-and-scan of a 10-page issued document (300 dpi, noisy,
 * image-only PDF), and measures:
 *  1. one 25 MB upload: receive MB/s, analysis time per page, peak memory,
 *     longest event-loop stall in the service;
 *  2. 8 concurrent 25 MB uploads: growth of the service's memory (limit 150 MB);
 *  3. the rasteriser choice: pdftoppm per page in a child process against
 *     pdfjs-dist in-process, per page and in event-loop stall.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { promisify } from 'node:util';

const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
const PAGES = 10;
const TARGET_MAX = 26_100_000; // under UPLOAD_MAX_BYTES (25 MiB) with room for the envelope
const TARGET_MIN = 23_500_000;
const run = promisify(execFile);

async function serve(): Promise<void> {
  const dataDir = process.env.BENCH_DATA_DIR!;
  const { loadConfig } = await import('../src/config.js');
  const { createService } = await import('../src/service.js');
  const { registerCase } = await import('../src/cases/register-case.js');
  const { validRegistration } = await import('../test/support/fixtures.js');
  const { issueDocument } = await import('../test/returns/support/documents.js');
  // SQLite in the data dir by default; BENCH_DATABASE_URL=postgres://… to measure PostgreSQL.
  const config = loadConfig({ DATA_DIR: dataDir, ADMIN_TOKEN, LOG_LEVEL: 'silent', DATABASE_URL: process.env.BENCH_DATABASE_URL ?? '' });
  const service = await createService({ config });
  const registered = await registerCase({ cases: service.cases, clock: () => new Date() }, validRegistration());
  const issued = await issueDocument(service, registered.id, { templateId: 'dpv-terms', pageCount: PAGES });
  writeFileSync(path.join(dataDir, 'issued.pdf'), issued.pdf);
  // A clean exit on SIGTERM, so --cpu-prof (BENCH_NODE_ARGS) can write its profile.
  process.on('SIGTERM', () => process.exit(0));
  const server = service.app.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    process.stdout.write(`READY ${JSON.stringify({ port, caseId: registered.id, token: registered.accessToken })}\n`);
  });
}

function memoryOf(pid: number): { rssMb: number; hwmMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

/** Samples RSS every 20 ms until stopped; also resets and reads the kernel's high-water mark. */
function sampleMemory(pid: number) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // not permitted: the sampled peak still holds
  }
  let peak = memoryOf(pid).rssMb;
  const timer = setInterval(() => {
    peak = Math.max(peak, memoryOf(pid).rssMb);
  }, 20);
  return () => {
    clearInterval(timer);
    return Math.max(peak, memoryOf(pid).hwmMb);
  };
}

async function metrics(port: number): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const map = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+(?:\{[^}]*\})?) ([0-9.eE+-]+)$/.exec(line);
    if (match) map.set(match[1]!, Number(match[2]));
  }
  return map;
}

/**
 * One multipart upload on a connection of its own (no keep-alive reuse, so a
 * socket the server is just closing for idleness is never picked up mid-race).
 */
async function post(port: number, caseId: string, token: string, bytes: Uint8Array, name: string) {
  const boundary = `----efmbench${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const started = performance.now();
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/api/cases/${caseId}/uploads`,
        agent: false,
        headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + bytes.length + tail.length },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.write(head);
    req.write(bytes);
    req.end(tail);
  });
  const body = JSON.parse(text) as { status: string; pageCount: number; pagesFound: number[]; code?: string };
  return { status, body, ms: performance.now() - started };
}

function table(headers: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

const f1 = (n: number) => n.toFixed(1);

async function rasteriserComparison(pdfPath: string, pages: number): Promise<string> {
  const rows: Array<Array<string | number>> = [];
  const { renderPageGray } = await import('../src/returns/rasterize.js');
  const loop = monitorEventLoopDelay({ resolution: 5 });
  // pdftoppm: one child process per page.
  loop.enable();
  let started = performance.now();
  for (let page = 1; page <= pages; page++) await renderPageGray(pdfPath, page, { dpi: 150 });
  const popplerMs = (performance.now() - started) / pages;
  loop.disable();
  const popplerStall = loop.max / 1e6;
  // GNU time reports the child's peak RSS; without it (package "time") the column stays empty.
  const peak = await run('/usr/bin/time', ['-f', '%M', 'pdftoppm', '-f', '1', '-l', '1', '-r', '300', '-gray', pdfPath, path.join(os.tmpdir(), 'efm-bench-page')]).then(
    ({ stderr }) => `${f1(Number(stderr.trim().split('\n').pop()) / 1024)} (child, 300 dpi)`,
    () => 'n/a (no /usr/bin/time)',
  );
  for (const name of ['efm-bench-page-1.pgm', 'efm-bench-page-01.pgm']) rmSync(path.join(os.tmpdir(), name), { force: true });
  rows.push(['pdftoppm, child process per page', f1(popplerMs), f1(popplerStall), peak]);

  // pdfjs-dist in this process, canvas from its own bundled @napi-rs/canvas.
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const rssBefore = process.memoryUsage.rss();
  const doc = await pdfjs.getDocument({ data: new Uint8Array(readFileSync(pdfPath)), isEvalSupported: false }).promise;
  loop.reset();
  loop.enable();
  started = performance.now();
  let rssPeak = rssBefore;
  for (let page = 1; page <= pages; page++) {
    const p = await doc.getPage(page);
    const viewport = p.getViewport({ scale: 150 / 72 });
    const factory = doc.canvasFactory as { create(w: number, h: number): { canvas: unknown; context: unknown } };
    const canvas = factory.create(Math.ceil(viewport.width), Math.ceil(viewport.height));
    await p.render({ canvas: canvas.canvas as never, canvasContext: canvas.context as never, viewport }).promise;
    p.cleanup();
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  }
  const pdfjsMs = (performance.now() - started) / pages;
  loop.disable();
  rows.push(['pdfjs-dist, in process', f1(pdfjsMs), f1(loop.max / 1e6), `+${f1((rssPeak - rssBefore) / 1048576)} (service heap)`]);
  await doc.destroy();
  return table(['rasteriser (150 dpi, scanned pages)', 'ms per page', 'longest event-loop stall, ms', 'memory, MB'], rows);
}

async function drive(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'efm-bench-'));
  let child: ChildProcess | undefined;
  try {
    const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
    child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', new URL(import.meta.url).pathname, '--serve'], {
      env: { ...process.env, BENCH_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const ready = await new Promise<{ port: number; caseId: string; token: string }>((resolve, reject) => {
      let out = '';
      child!.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /READY (\{.*\})/.exec(out);
        if (match) resolve(JSON.parse(match[1]!));
      });
      child!.on('exit', (code, signal) => reject(new Error(`service exited (${code ?? signal})`)));
    });
    const pid = child.pid!;
    const { port, caseId, token } = ready;

    process.stderr.write('making the 25 MB scan…\n');
    const { scanPdf, toImagePdf } = await import('../test/returns/support/scan.js');
    const issued = readFileSync(path.join(dataDir, 'issued.pdf'));
    const pages = await scanPdf(issued, { dpi: 300, angle: 1, noise: 20 }, 42);
    let quality = 88;
    let scan = await toImagePdf(pages, quality);
    while (scan.length > TARGET_MAX && quality > 40) scan = await toImagePdf(pages, (quality -= 3));
    if (scan.length < TARGET_MIN) process.stderr.write(`note: scan is only ${scan.length} bytes\n`);
    const scanPath = path.join(dataDir, 'scan.pdf');
    writeFileSync(scanPath, scan);
    const variant = (i: number) => Buffer.concat([scan, Buffer.from(`%bench variant ${i}\n`)]);

    // Warm-up: the worker thread, zxing's wasm, the database.
    const warm = await post(port, caseId, token, issued, 'issued.pdf');
    if (warm.status !== 201) throw new Error(`warm-up failed: ${JSON.stringify(warm.body)}`);
    await metrics(port);
    const idle = memoryOf(pid).rssMb;

    process.stderr.write('8 concurrent 25 MB uploads…\n');
    const baseline = idle;
    const stopMany = sampleMemory(pid);
    const started = performance.now();
    const many = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        post(port, caseId, token, variant(i), `scan-${i}.pdf`).catch((error: unknown) => {
          throw new Error(`upload ${i} failed after ${f1((performance.now() - started) / 1000)} s: ${String((error as Error).cause ?? error)}`);
        }),
      ),
    );
    const wall = performance.now() - started;
    const manyPeak = stopMany();
    const manyAfter = await metrics(port);
    const statuses = many.map((m) => `${m.status}/${m.body.status}`);
    const growth = manyPeak - baseline;

    process.stderr.write('one 25 MB upload…\n');
    await new Promise((r) => setTimeout(r, 1500));
    const before = await metrics(port);
    const stopSingle = sampleMemory(pid);
    const single = await post(port, caseId, token, scan, 'scan.pdf');
    const singlePeak = stopSingle();
    const after = await metrics(port);
    if (single.status !== 201 || single.body.status !== 'complete') throw new Error(`single upload: ${single.status} ${JSON.stringify(single.body)}`);
    const delta = (name: string) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
    const receiveS = delta('efm_upload_receive_seconds_sum');
    const analysisS = delta('efm_upload_analysis_seconds_sum');
    const stallMs = (after.get('efm_nodejs_eventloop_lag_max_seconds') ?? 0) * 1000;
    const mb = scan.length / 1e6;

    process.stderr.write('rasteriser comparison…\n');
    const rasteriser = await rasteriserComparison(scanPath, 5);

    const out: string[] = [];
    const database = process.env.BENCH_DATABASE_URL ? 'PostgreSQL' : 'SQLite';
    out.push(`\n## bench:upload — ${new Date().toISOString()} — ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)}, Node ${process.version}, ${database}\n`);
    out.push(`Scan: ${PAGES}-page issued document, 300 dpi grey, rotated 1°, noise σ20, JPEG q${quality}, image-only PDF, ${mb.toFixed(1)} MB.\n`);
    out.push(
      table(
        ['one 25 MB upload', 'value'],
        [
          ['receive (stream → temp file, SHA-256, fsync, rename)', `${f1(receiveS * 1000)} ms = ${f1(mb / receiveS)} MB/s`],
          ['whole request as the client sees it', `${f1(single.ms)} ms`],
          ['analysis (type, safety, 2 parsers, rasterise + QR per page)', `${f1(analysisS * 1000)} ms = ${f1((analysisS * 1000) / single.body.pageCount)} ms per page`],
          ['result', `${single.body.status}, pages ${single.body.pagesFound.join(',')}`],
          ['service RSS peak during the upload', `${f1(singlePeak)} MB`],
          ['longest event-loop stall in the service', `${f1(stallMs)} ms`],
        ],
      ),
    );
    out.push('');
    out.push(
      table(
        ['8 concurrent 25 MB uploads', 'value'],
        [
          ['results', statuses.join(' ')],
          ['wall time', `${f1(wall / 1000)} s (analyses queued, UPLOAD_ANALYSIS_CONCURRENCY=1)`],
          ['slowest / fastest response', `${f1(Math.max(...many.map((m) => m.ms)) / 1000)} s / ${f1(Math.min(...many.map((m) => m.ms)) / 1000)} s`],
          ['service RSS before (idle, after a small warm-up upload)', `${f1(baseline)} MB`],
          ['service RSS peak', `${f1(manyPeak)} MB`],
          ['growth (limit 150 MB)', `${f1(growth)} MB — ${growth <= 150 ? 'PASS' : 'FAIL'}`],
          ['longest event-loop stall', `${f1((manyAfter.get('efm_nodejs_eventloop_lag_max_seconds') ?? 0) * 1000)} ms`],
        ],
      ),
    );
    out.push('');
    out.push(rasteriser);
    process.stdout.write(`${out.join('\n')}\n`);
    if (growth > 150) process.exitCode = 1;
  } finally {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 3000));
      child.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--serve')) await serve();
else await drive();
