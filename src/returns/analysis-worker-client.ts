import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { InspectResult, PageResult, WorkerRequest, WorkerResponse } from './analysis-worker.js';

/**
 * One long-lived worker thread for the CPU-bound parts of the analysis. A call
 * that takes longer than its timeout (a hostile PDF that sends pdf-lib into a
 * loop, say) terminates the worker; the next call starts a fresh one.
 */
export class WorkerTimeoutError extends Error {}
/** The worker thread died (a crash on hostile input, say); the next call starts a new one. */
export class WorkerFailedError extends Error {}
/** The service is shutting down; no new worker is started. */
export class WorkerClosedError extends Error {}

export interface AnalysisWorker {
  inspect(file: string, maxPages: number): Promise<InspectResult>;
  /** Renders one page (pdftoppm, greyscale) and reads its QR codes. */
  readPage(file: string, page: number, dpi: number): Promise<PageResult>;
  close(): Promise<void>;
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout; target: Worker };
type WorkerCall =
  | { op: 'inspect'; path: string; maxPages: number }
  | { op: 'read-page'; path: string; page: number; dpi: number };

/**
 * From compiled JavaScript the worker is a plain module next to this one. From
 * TypeScript sources (tests, tsx) the worker first registers tsx's loader, which
 * a worker thread does not inherit.
 */
function startWorker(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./analysis-worker.js', here));
  const tsxRoot = path.dirname(createRequire(here).resolve('tsx/package.json'));
  const tsxApi = pathToFileURL(path.join(tsxRoot, 'dist/esm/api/index.mjs')).href;
  const entry = new URL('./analysis-worker.ts', here).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true });
}

export function createAnalysisWorker(options: { inspectTimeoutMs?: number; pageTimeoutMs?: number } = {}): AnalysisWorker {
  const inspectTimeout = options.inspectTimeoutMs ?? 60_000;
  // pdftoppm has 30 s per page (rasterize.ts); decoding gets the rest.
  const pageTimeout = options.pageTimeoutMs ?? 60_000;
  let worker: Worker | undefined;
  let closed = false;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  /** Fails the calls waiting on `target` (all calls when undefined); a dead thread answers nothing. */
  function failAll(error: Error, target?: Worker) {
    for (const [id, call] of pending) {
      if (target && call.target !== target) continue;
      clearTimeout(call.timer);
      call.reject(error);
      pending.delete(id);
    }
  }

  function ensureWorker(): Worker {
    if (worker) return worker;
    const started = startWorker();
    started.on('message', (response: WorkerResponse) => {
      const call = pending.get(response.id);
      if (!call) return;
      pending.delete(response.id);
      clearTimeout(call.timer);
      if (pending.size === 0) started.unref();
      if (response.ok) call.resolve(response.result);
      else call.reject(new WorkerFailedError(response.error));
    });
    started.on('error', (error) => {
      if (worker === started) worker = undefined;
      failAll(new WorkerFailedError(error.message), started);
    });
    started.on('exit', () => {
      if (worker === started) worker = undefined;
      failAll(new WorkerFailedError('analysis worker stopped'), started);
    });
    worker = started;
    return started;
  }

  function call<T>(request: WorkerCall, timeoutMs: number): Promise<T> {
    if (closed) return Promise.reject(new WorkerClosedError('analysis worker is closed'));
    const target = ensureWorker();
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new WorkerTimeoutError(`analysis step took longer than ${timeoutMs} ms`));
        // The only way to stop runaway JS is to end the thread; others waiting on it fail too.
        if (worker === target) worker = undefined;
        void target.terminate();
      }, timeoutMs);
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer, target });
      target.ref();
      target.postMessage({ ...request, id } as WorkerRequest);
    });
  }

  return {
    inspect(file, maxPages) {
      return call<InspectResult>({ op: 'inspect', path: file, maxPages }, inspectTimeout);
    },
    readPage(file, page, dpi) {
      return call<PageResult>({ op: 'read-page', path: file, page, dpi }, pageTimeout);
    },
    async close() {
      closed = true;
      const current = worker;
      worker = undefined;
      failAll(new WorkerClosedError('service is closing'));
      if (current) await current.terminate();
    },
  };
}
