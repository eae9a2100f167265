import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Response } from 'supertest';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';

const run = promisify(execFile);

/** supertest: collect the body as a Buffer whatever the content type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function binary(res: any, callback: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  (res as NodeJS.ReadableStream).on('data', (chunk: Buffer) => chunks.push(chunk));
  (res as NodeJS.ReadableStream).on('end', () => callback(null, Buffer.concat(chunks)));
}

export function bodyOf(res: Response): Buffer {
  return res.body as Buffer;
}

async function withTempFile<T>(bytes: Uint8Array, fn: (file: string, dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'efm-pdftest-'));
  const file = path.join(dir, 'doc.pdf');
  writeFileSync(file, bytes);
  try {
    return await fn(file, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Text of a PDF (poppler's pdftotext), with all white space (line wraps too) folded to single spaces. */
export function pdfText(bytes: Uint8Array): Promise<string> {
  return withTempFile(bytes, async (file) => (await run('pdftotext', ['-enc', 'UTF-8', file, '-'], { maxBuffer: 10 << 20 })).stdout.replace(/\s+/g, ' '));
}

export function pdfInfo(bytes: Uint8Array): Promise<Record<string, string>> {
  return withTempFile(bytes, async (file) => {
    const { stdout } = await run('pdfinfo', ['-enc', 'UTF-8', file]);
    const info: Record<string, string> = {};
    for (const line of stdout.split('\n')) {
      const match = /^([^:]+):\s*(.*)$/.exec(line);
      if (match) info[match[1]!.trim()] = match[2]!.trim();
    }
    return info;
  });
}

export function pdfFonts(bytes: Uint8Array): Promise<string> {
  return withTempFile(bytes, async (file) => (await run('pdffonts', [file])).stdout);
}

export function qpdfCheck(bytes: Uint8Array): Promise<string> {
  return withTempFile(bytes, async (file) => {
    try {
      return (await run('qpdf', ['--check', file])).stdout;
    } catch (error) {
      return `FAILED ${(error as { stdout?: string }).stdout ?? ''} ${(error as Error).message}`;
    }
  });
}

/** Uncompressed view of the PDF's objects (qpdf --qdf), for structure checks. */
export function qdf(bytes: Uint8Array): Promise<string> {
  return withTempFile(bytes, async (file, dir) => {
    const out = path.join(dir, 'q.pdf');
    await run('qpdf', ['--qdf', '--object-streams=disable', file, out]).catch(() => undefined);
    return readFileSync(out).toString('latin1');
  });
}

let zxingReady: Promise<unknown> | undefined;
function zxing(): Promise<unknown> {
  // The .wasm ships in the npm package; without this override it is fetched from a CDN.
  zxingReady ??= prepareZXingModule({
    overrides: { wasmBinary: readFileSync(createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm')).buffer as ArrayBuffer },
    fireImmediately: true,
  });
  return zxingReady;
}

/** Rasterises one page (pdftoppm, greyscale, like a scan) and reads every QR code on it. */
export async function readQrCodes(bytes: Uint8Array, page: number, dpi = 150): Promise<string[]> {
  await zxing();
  return withTempFile(bytes, async (file, dir) => {
    await run('pdftoppm', ['-gray', '-r', String(dpi), '-f', String(page), '-l', String(page), '-png', file, path.join(dir, 'page')]);
    const png = readdirSync(dir).find((name) => name.startsWith('page') && name.endsWith('.png'));
    if (!png) throw new Error('pdftoppm produced no image');
    const results = await readBarcodes(new Uint8Array(readFileSync(path.join(dir, png))), { formats: ['QRCode'], tryHarder: true });
    return results.filter((r) => r.isValid).map((r) => r.text);
  });
}

/** A TCP listener that counts connections: nothing from a rendered page may reach it. */
export async function connectionCounter(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server: Server = createServer((socket) => {
    count++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { port: address.port, connections: () => count, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

interface Proc {
  pid: number;
  ppid: number;
  state: string;
  cmdline: string;
}

function processes(): Proc[] {
  const list: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may contain spaces and parentheses.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
      list.push({ pid: Number(name), ppid: Number(rest[1]), state: rest[0]!, cmdline });
    } catch {
      // process ended while listing
    }
  }
  return list;
}

/** Live processes whose command line mentions `marker` (a pool's private temp directory). */
export function processesMentioning(marker: string): number[] {
  return processes()
    .filter((p) => p.cmdline.includes(marker) && p.state !== 'Z')
    .map((p) => p.pid);
}

/** Command lines of the live descendants of `root` (a browser's helpers: zygotes, renderers, utilities). */
export function descendantCommandLines(root: number): string[] {
  const all = processes().filter((p) => p.state !== 'Z');
  const mine = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (!mine.has(p.pid) && mine.has(p.ppid)) {
        mine.add(p.pid);
        grew = true;
      }
    }
  }
  return all.filter((p) => p.pid !== root && mine.has(p.pid)).map((p) => p.cmdline);
}

/** Zombie children of this test process (Chromium main processes it failed to reap). */
export function zombieChildren(): number[] {
  return processes()
    .filter((p) => p.state === 'Z' && p.ppid === process.pid)
    .map((p) => p.pid);
}

/** Polls until `check` holds or `ms` passes; returns the last value. */
export async function eventually<T>(read: () => T, check: (value: T) => boolean, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  let value = read();
  while (!check(value) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = read();
  }
  return value;
}
