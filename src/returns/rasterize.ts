import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';

/**
 * Renders one PDF page to a greyscale PGM with poppler's pdftoppm, in a child
 * process: a hostile or huge page costs a process that is killed on timeout and
 * capped in address space, not the service's heap or event loop.
 */
export class RenderError extends Error {}

export interface RenderOptions {
  dpi: number;
  timeoutMs?: number;
  /** Address-space cap for pdftoppm (bytes), applied with prlimit when present. */
  memoryLimitBytes?: number;
}

const PRLIMIT = '/usr/bin/prlimit';
let prlimitAvailable: boolean | undefined;

async function hasPrlimit(): Promise<boolean> {
  if (prlimitAvailable === undefined) {
    const { access } = await import('node:fs/promises');
    prlimitAvailable = await access(PRLIMIT).then(
      () => true,
      () => false,
    );
  }
  return prlimitAvailable;
}

export async function renderPageGray(pdfPath: string, page: number, options: RenderOptions): Promise<Buffer> {
  const args = ['-f', String(page), '-l', String(page), '-r', String(options.dpi), '-gray', '-q', pdfPath];
  const limit = options.memoryLimitBytes ?? 1536 * 1024 * 1024;
  const [command, commandArgs] = (await hasPrlimit()) ? [PRLIMIT, [`--as=${limit}`, 'pdftoppm', ...args]] : ['pdftoppm', args];
  return new Promise<Buffer>((resolve, reject) => {
    const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'ignore'] });
    // Rendering yields the CPU to the service's own threads on a busy machine.
    if (child.pid) {
      try {
        setPriority(child.pid, 10);
      } catch {
        // already gone, or not permitted: it runs at normal priority
      }
    }
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (error: Error | null, value?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(value!);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(new RenderError(`page ${page} took longer than ${options.timeoutMs ?? 30_000} ms to render`));
    }, options.timeoutMs ?? 30_000);
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', (error) => finish(new RenderError(`pdftoppm could not run: ${error.message}`)));
    child.on('close', (code, signal) => {
      const image = Buffer.concat(chunks);
      if (code === 0 && image.length > 0) finish(null, image);
      else finish(new RenderError(`pdftoppm failed on page ${page} (${signal ?? `exit ${code}`})`));
    });
  });
}

/** pdfinfo's page count, or null when poppler cannot open the file. */
export async function popplerPageCount(pdfPath: string, timeoutMs = 20_000): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn('pdfinfo', [pdfPath], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.setEncoding('latin1');
    child.stdout.on('data', (chunk: string) => {
      if (out.length < 64 * 1024) out += chunk;
    });
    child.on('error', () => resolve(null));
    child.on('close', (code) => {
      clearTimeout(timer);
      const match = /^Pages:\s+(\d+)/m.exec(out);
      resolve(code === 0 && match ? Number(match[1]) : null);
    });
  });
}
