import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { launch, type Browser, type Page } from 'puppeteer-core';
import type { Logger } from '../observability/logger.js';

/**
 * One long-lived headless Chromium and a small pool of reused pages, modelled on
 * Gotenberg's process supervisor:
 * - at most `poolSize` renders at once; up to `queueLimit` more wait, the rest are
 *   refused at once (QueueFullError → 429 with Retry-After);
 * - every render has a deadline covering queueing, launch and rendering
 *   (RenderTimeoutError → 503). A page that timed out mid-render is closed, never
 *   reused; a browser that will not close is killed with its process group;
 * - the browser is started on the first render (so services that never render
 *   never start one), relaunched after a crash, and recycled after
 *   `recycleAfter` renders: a successor is launched while the old one keeps
 *   serving, then new renders go to the fresh browser while the old one
 *   finishes (drains) what it has and is then closed;
 * - pages run with JavaScript off and abort every network request: the HTML is
 *   self-contained and fonts come from a private fontconfig that lists only the
 *   bundled fonts, so output never depends on what the host has installed.
 */

export interface ChromiumPoolOptions {
  executablePath: string;
  poolSize: number;
  queueLimit: number;
  /** Default deadline of one render, from the call until the PDF bytes are back. */
  timeoutMs: number;
  /** Renders per browser before it is replaced (0 = never). */
  recycleAfter: number;
  /** Directory with the fonts Chromium may use (and nothing else). */
  fontDir: string;
  logger: Logger;
}

export interface RenderRequest {
  html: string;
  /** Tagged (accessible) PDF with a structure tree. */
  tagged: boolean;
  timeoutMs?: number;
}

export interface PoolStats {
  launches: number;
  crashes: number;
  recycles: number;
  timeouts: number;
  rejected: number;
  active: number;
  queued: number;
  /** Main process ids of browsers still running (current and draining). */
  browserPids: number[];
}

export class QueueFullError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('render queue is full');
    this.name = 'QueueFullError';
  }
}

export class RenderTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`render did not finish within ${timeoutMs} ms`);
    this.name = 'RenderTimeoutError';
  }
}

export class RendererUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RendererUnavailableError';
  }
}

/** Flags that keep Chromium offline and quiet on a closed network, as root. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  // No SwiftShader in the GPU process: printing to PDF rasterises nothing (-15 MB PSS).
  '--disable-software-rasterizer',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--disable-extensions',
  '--disable-default-apps',
  '--mute-audio',
  '--hide-scrollbars',
  '--font-render-hinting=none',
  // No crash reporter: its handler is a separate daemon that could outlive the browser.
  '--disable-crash-reporter',
  '--disable-breakpad',
  // Frames stay in the page's process, so its request interception sees their requests too.
  '--disable-features=IsolateOrigins,site-per-process,SpareRendererForSitePerProcess',
  '--disable-site-isolation-trials',
  // Belt and braces behind request interception: Chromium opens a speculative
  // connection for a frame navigation before interception can abort it. Route every
  // connection, loopback included, to a proxy that does not exist.
  '--proxy-server=socks5://127.0.0.1:1',
  '--proxy-bypass-list=<-loopback>',
];

/**
 * Debian's chromium-headless-shell (or Google's chrome-headless-shell): Blink
 * without the browser UI. The full browser in headless mode still builds a
 * window with an address bar, whose popup it preloads in a renderer of its own.
 */
export function isHeadlessShell(executablePath: string): boolean {
  return /headless[-_]shell/.test(path.basename(executablePath));
}

const CLOSE_GRACE_MS = 3_000;
const PAGE_CLOSE_GRACE_MS = 2_000;

interface Instance {
  generation: number;
  browser: Browser;
  pid: number | undefined;
  dir: string;
  idle: Page[];
  inFlight: number;
  renders: number;
  retiring: boolean;
  dead: boolean;
  closing: Promise<void> | undefined;
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves with the promise, or rejects with `onTimeout()` once `ms` has passed. */
function within<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  if (ms <= 0) {
    promise.catch(() => undefined);
    return Promise.reject(onTimeout());
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Kills a browser's whole process group (Chromium is launched detached, as its leader). */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function fontConfig(fontDir: string, cacheDir: string): string {
  const escape = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>${escape(fontDir)}</dir>
  <cachedir>${escape(cacheDir)}</cachedir>
  <config><rescan><int>0</int></rescan></config>
</fontconfig>
`;
}

export class ChromiumPool {
  private readonly options: ChromiumPoolOptions;
  private current: Instance | undefined;
  private launching: Promise<Instance> | undefined;
  private readonly instances = new Set<Instance>();
  private readonly waiters: Waiter[] = [];
  private active = 0;
  private closed = false;
  private generation = 0;
  private readonly counters = { launches: 0, crashes: 0, recycles: 0, timeouts: 0, rejected: 0 };
  /** Moving average of render time, for Retry-After. */
  private averageMs = 500;
  /** Temporary directory with the fontconfig file and every browser profile; made at first launch. */
  private homeDirPath: string | undefined;

  constructor(options: ChromiumPoolOptions) {
    if (options.poolSize < 1) throw new Error('poolSize must be at least 1');
    this.options = options;
  }

  private get homeDir(): string {
    if (!this.homeDirPath) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'efm-chromium-'));
      writeFileSync(path.join(dir, 'fonts.conf'), fontConfig(path.resolve(this.options.fontDir), path.join(dir, 'fontconfig-cache')));
      this.homeDirPath = dir;
    }
    return this.homeDirPath;
  }

  /** The temporary directory under which every browser profile of this pool lives (undefined before the first launch). */
  get profileRoot(): string | undefined {
    return this.homeDirPath;
  }

  stats(): PoolStats {
    return {
      ...this.counters,
      active: this.active,
      queued: this.waiters.length,
      browserPids: [...this.instances].map((i) => i.pid).filter((pid): pid is number => pid !== undefined),
    };
  }

  async render(request: RenderRequest): Promise<Uint8Array> {
    if (this.closed) throw new RendererUnavailableError('the renderer is shut down');
    const timeoutMs = request.timeoutMs ?? this.options.timeoutMs;
    const deadline = Date.now() + timeoutMs;
    const timedOut = () => {
      this.counters.timeouts++;
      return new RenderTimeoutError(timeoutMs);
    };
    await this.acquireSlot(deadline, timedOut);
    const started = Date.now();
    // The slot is normally released when render() returns; after a time-out it is
    // handed to the background disposal of the abandoned page instead.
    let handedOff = false;
    const handOff = () => {
      handedOff = true;
      return () => this.releaseSlot();
    };
    try {
      // One retry when the browser died under us (crash): the next one is fresh.
      for (let attempt = 0; ; attempt++) {
        const instance = await within(this.instance(), deadline - Date.now(), timedOut);
        const outcome = await this.renderOn(instance, request, deadline, timedOut, handOff);
        if (outcome.ok) {
          this.averageMs = this.averageMs * 0.8 + (Date.now() - started) * 0.2;
          return outcome.pdf;
        }
        if (!outcome.crashed || attempt >= 1 || Date.now() >= deadline) throw this.asRenderError(outcome.error);
        this.options.logger.warn({ generation: instance.generation }, 'browser died during a render; retrying on a new one');
      }
    } finally {
      if (!handedOff) this.releaseSlot();
    }
  }

  private async renderOn(
    instance: Instance,
    request: RenderRequest,
    deadline: number,
    timedOut: () => Error,
    handOff: () => () => void,
  ): Promise<{ ok: true; pdf: Uint8Array } | { ok: false; crashed: boolean; error: unknown }> {
    instance.inFlight++;
    instance.renders++;
    if (this.options.recycleAfter > 0 && instance.renders >= this.options.recycleAfter && !instance.retiring) {
      this.startSuccessor(instance);
    }
    let page: Page | undefined;
    let abandoned = false;
    const work = (async () => {
      page = instance.idle.pop() ?? (await this.newPage(instance));
      if (abandoned) {
        // Missed the deadline before using the page: it is clean, keep it for the next render.
        if (!instance.retiring && !instance.dead) instance.idle.push(page);
        else void this.closePage(instance, page);
        page = undefined;
        throw new Error('render abandoned');
      }
      await page.setContent(request.html, { waitUntil: 'load', timeout: 0 });
      if (abandoned) throw new Error('render abandoned');
      return page.pdf({
        format: 'A4',
        printBackground: true,
        preferCSSPageSize: true,
        tagged: request.tagged,
        outline: false,
        // Fonts are local (fontconfig), never downloaded: no need to await document.fonts.
        waitForFonts: false,
        timeout: 0,
      });
    })();
    let pdf: Uint8Array;
    try {
      pdf = await within(work, deadline - Date.now(), timedOut);
    } catch (error) {
      if (instance.dead) {
        this.settle(instance);
        return { ok: false, crashed: true, error };
      }
      // The page is mid-render or broken: never reuse it. Close it now (which aborts
      // the print) and hold the pool slot until it is gone, so a burst of time-outs
      // cannot pile up half-dead pages beyond the pool size.
      abandoned = true;
      const release = handOff();
      if (page) void this.closePage(instance, page);
      const disposal = work.then(
        () => (page ? this.closePage(instance, page) : undefined),
        () => (page ? this.closePage(instance, page) : undefined),
      );
      void within(disposal, PAGE_CLOSE_GRACE_MS, () => new Error('page close timed out'))
        .catch(() => {
          // A page that cannot be closed means a wedged browser: kill it.
          this.options.logger.warn({ generation: instance.generation }, 'page did not close; killing the browser');
          this.retire(instance, 'wedged');
          killGroup(instance.pid);
        })
        .finally(() => {
          this.settle(instance);
          release();
        });
      return { ok: false, crashed: false, error };
    }
    if (page && !instance.retiring && !instance.dead) instance.idle.push(page);
    else if (page) void this.closePage(instance, page);
    this.settle(instance);
    return { ok: true, pdf };
  }

  /** Time-outs stay time-outs; anything else from the browser (shut down, crashed twice, protocol errors) is "unavailable". */
  private asRenderError(error: unknown): Error {
    if (error instanceof RenderTimeoutError || error instanceof RendererUnavailableError) return error;
    return new RendererUnavailableError(this.closed ? 'the renderer is shut down' : 'Chromium failed to render the page', { cause: error });
  }

  private settle(instance: Instance): void {
    instance.inFlight--;
    if (instance.retiring && instance.inFlight === 0) void this.closeInstance(instance);
  }

  private async newPage(instance: Instance): Promise<Page> {
    const page = await instance.browser.newPage();
    await this.preparePage(page);
    return page;
  }

  private async preparePage(page: Page): Promise<void> {
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      // Nothing leaves the page: the document itself is written by setContent and
      // needs no request. Everything else (images, CSS, fonts, frames) is refused.
      void request.abort('blockedbyclient').catch(() => undefined);
    });
  }

  private async closePage(instance: Instance, page: Page): Promise<void> {
    const index = instance.idle.indexOf(page);
    if (index >= 0) instance.idle.splice(index, 1);
    if (instance.dead) return;
    await page.close().catch(() => undefined);
  }

  /** The browser new renders go to; launches one when there is none. */
  private instance(): Promise<Instance> {
    if (this.current && !this.current.dead && !this.current.retiring) return Promise.resolve(this.current);
    if (!this.launching) {
      this.launching = this.launchInstance().finally(() => {
        this.launching = undefined;
      });
    }
    return this.launching;
  }

  private async launchInstance(): Promise<Instance> {
    const generation = ++this.generation;
    const dir = path.join(this.homeDir, `profile-${generation}`);
    await mkdir(dir, { recursive: true });
    let browser: Browser;
    try {
      browser = await launch({
        executablePath: this.options.executablePath,
        // The headless shell takes plain --headless; the full browser its new headless mode.
        headless: isHeadlessShell(this.options.executablePath) ? 'shell' : true,
        pipe: true,
        userDataDir: dir,
        args: CHROMIUM_ARGS,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: this.homeDir,
          FONTCONFIG_FILE: path.join(this.homeDir, 'fonts.conf'),
          TZ: 'UTC',
          LANG: 'C.UTF-8',
        },
        protocolTimeout: Math.max(30_000, this.options.timeoutMs * 2),
        timeout: 30_000,
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
        defaultViewport: null,
      });
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw new RendererUnavailableError(`Chromium did not start (${this.options.executablePath})`, { cause: error });
    }
    this.counters.launches++;
    const instance: Instance = {
      generation,
      browser,
      pid: browser.process()?.pid,
      dir,
      idle: [],
      inFlight: 0,
      renders: 0,
      retiring: false,
      dead: false,
      closing: undefined,
    };
    this.instances.add(instance);
    // The tab Chromium opens at start becomes the first pool page instead of idling in its own renderer.
    for (const initial of await browser.pages().catch(() => [])) {
      try {
        await this.preparePage(initial);
        instance.idle.push(initial);
      } catch {
        await initial.close().catch(() => undefined);
      }
    }
    browser.on('disconnected', () => {
      if (instance.closing) return;
      instance.dead = true;
      this.counters.crashes++;
      this.options.logger.warn({ generation, pid: instance.pid }, 'Chromium disconnected; the next render starts a new one');
      if (this.current === instance) this.current = undefined;
      void this.closeInstance(instance);
    });
    if (this.closed) {
      await this.closeInstance(instance);
      throw new RendererUnavailableError('the renderer is shut down');
    }
    this.current = instance;
    this.options.logger.info({ generation, pid: instance.pid }, 'Chromium started');
    return instance;
  }

  /**
   * Recycling without a pause: the successor is launched while the old browser
   * keeps serving; once it is up it takes new renders and the old one drains
   * (finishes what it has) and is closed. If the launch fails, the old browser
   * stays and the next render tries again.
   */
  private startSuccessor(old: Instance): void {
    if (this.launching || this.closed || this.current !== old) return;
    const launching = this.launchInstance().then((successor) => {
      this.retire(old, 'recycle');
      return successor;
    });
    this.launching = launching.finally(() => {
      this.launching = undefined;
    });
    this.launching.catch((error: unknown) => this.options.logger.warn({ err: error }, 'could not launch the successor browser; keeping the current one'));
  }

  private retire(instance: Instance, why: 'recycle' | 'wedged'): void {
    if (instance.retiring) return;
    instance.retiring = true;
    if (why === 'recycle') this.counters.recycles++;
    if (this.current === instance) this.current = undefined;
    for (const page of instance.idle.splice(0)) void page.close().catch(() => undefined);
    if (instance.inFlight === 0) void this.closeInstance(instance);
  }

  /** Closes a browser, killing its process group if it does not close in time, and removes its profile. */
  private closeInstance(instance: Instance): Promise<void> {
    if (instance.closing) return instance.closing;
    instance.closing = (async () => {
      if (this.current === instance) this.current = undefined;
      if (!instance.dead) {
        try {
          await within(instance.browser.close(), CLOSE_GRACE_MS, () => new Error('browser close timed out'));
        } catch {
          // fall through to the kill
        }
      }
      killGroup(instance.pid);
      await this.waitForExit(instance);
      instance.dead = true;
      this.instances.delete(instance);
      rmSync(instance.dir, { recursive: true, force: true });
    })();
    return instance.closing;
  }

  private async waitForExit(instance: Instance): Promise<void> {
    const child = instance.browser.process();
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await within(
      new Promise<void>((resolve) => child.once('exit', () => resolve())),
      CLOSE_GRACE_MS,
      () => new Error('browser did not exit'),
    ).catch(() => undefined);
  }

  private acquireSlot(deadline: number, timedOut: () => Error): Promise<void> {
    if (this.active < this.options.poolSize && this.waiters.length === 0) {
      this.active++;
      return Promise.resolve();
    }
    if (this.waiters.length >= this.options.queueLimit) {
      this.counters.rejected++;
      // Roughly when a slot frees up for a newcomer: the queue ahead, spread over the pool.
      const seconds = Math.ceil(((this.waiters.length + 1) * this.averageMs) / this.options.poolSize / 1000);
      return Promise.reject(new QueueFullError(Math.max(1, seconds)));
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(timedOut());
      }, Math.max(0, deadline - Date.now()));
      this.waiters.push(waiter);
    });
  }

  private releaseSlot(): void {
    const next = this.waiters.shift();
    if (next) next.resolve();
    else this.active--;
  }

  /** Launches the browser now instead of on the first render. */
  async warmUp(): Promise<void> {
    await this.instance();
  }

  /** Stops accepting renders, closes every browser (killing what will not close) and removes all profiles. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new RendererUnavailableError('the renderer is shut down'));
    if (this.launching) await this.launching.catch(() => undefined);
    await Promise.all([...this.instances].map((instance) => this.closeInstance(instance)));
    // Give killed processes a moment to be reaped before the profile root goes.
    await sleep(0);
    if (this.homeDirPath) rmSync(this.homeDirPath, { recursive: true, force: true });
  }
}
