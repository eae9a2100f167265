import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultChromiumPath } from '../../src/config.js';
import { ChromiumPool, QueueFullError, RenderTimeoutError } from '../../src/documents/chromium-pool.js';
import { assetsDir } from '../../src/documents/documents.js';
import { createLogger } from '../../src/observability/logger.js';
import path from 'node:path';
import { connectionCounter, descendantCommandLines, eventually, pdfText, processesMentioning, zombieChildren } from './helpers.js';

/**
 * The supervised Chromium pool on its own: isolation of the page (no network,
 * no JavaScript), bounded queue, deadlines, crash relaunch, recycling, and that
 * nothing is left running afterwards. One pool for the file, plus two small
 * ones for the queue and recycling cases.
 */
const logger = createLogger({ level: 'silent' });
const fontDir = path.join(assetsDir(), 'fonts');
const html = (body: string) => `<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8"></head><body>${body}</body></html>`;

function makePool(overrides: Partial<ConstructorParameters<typeof ChromiumPool>[0]> = {}): ChromiumPool {
  return new ChromiumPool({ executablePath: defaultChromiumPath(), poolSize: 2, queueLimit: 4, timeoutMs: 20_000, recycleAfter: 0, fontDir, logger, ...overrides });
}

let pool: ChromiumPool;
beforeAll(async () => {
  pool = makePool();
  await pool.render({ html: html('<p>warm</p>'), tagged: true });
});
afterAll(async () => {
  await pool?.close();
});

describe('page isolation', () => {
  it('blocks every request the page makes and runs no script', async () => {
    const listener = await connectionCounter();
    try {
      const url = `http://127.0.0.1:${listener.port}`;
      const pdf = await pool.render({
        html: html(
          `<link rel="stylesheet" href="${url}/style.css"><p id="t">static text</p>` +
            `<img src="${url}/x.png"><iframe src="${url}/frame"></iframe>` +
            `<style>@font-face{font-family:X;src:url(${url}/font.ttf)} p{font-family:X}</style>` +
            `<script>document.getElementById('t').textContent='SCRIPT RAN'; fetch('${url}/js')</script>`,
        ),
        tagged: false,
      });
      const text = await pdfText(pdf);
      expect(text).toContain('static text');
      expect(text).not.toContain('SCRIPT RAN');
      // Give a stray request time to arrive before concluding none came.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(listener.connections()).toBe(0);
    } finally {
      await listener.close();
    }
  });

  it('uses the bundled font for Norwegian and Sámi letters', async () => {
    const pdf = await pool.render({ html: html('<p>æøå ÆØÅ áčđŋšŧž ÁČĐŊŠŦŽ</p>'), tagged: true });
    expect(await pdfText(pdf)).toContain('æøå ÆØÅ áčđŋšŧž ÁČĐŊŠŦŽ');
  });
});

describe('footprint', () => {
  it('runs one renderer per pool page and no other: the headless shell preloads no browser UI', async () => {
    // Both pages busy at once, so both have their renderer.
    await Promise.all([pool.render({ html: html('<p>a</p>'), tagged: true }), pool.render({ html: html('<p>b</p>'), tagged: true })]);
    const [browserPid] = pool.stats().browserPids;
    const renderers = descendantCommandLines(browserPid!).filter((cmdline) => cmdline.includes('--type=renderer'));
    // The full browser in headless mode mostly holds a third: chrome://omnibox-popup (≈ 50 MB).
    expect(renderers).toHaveLength(2);
    expect(renderers.join('\n')).not.toContain('webui');
  });
});

describe('deadlines', () => {
  it('times out renders, and 50 forced time-outs leave no extra Chromium process and no zombie', async () => {
    const root = pool.profileRoot!;
    // Baseline with every page of the pool open (pool size 2), as after any busy moment.
    await Promise.all([pool.render({ html: html('<p>a</p>'), tagged: true }), pool.render({ html: html('<p>b</p>'), tagged: true })]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const baseline = processesMentioning(root).length;
    expect(baseline).toBeGreaterThan(0);
    // In batches that fit the pool and its queue; deadlines from 1 to 81 ms hit every
    // stage: waiting for a slot, opening a page, setContent and printing.
    const outcomes: PromiseSettledResult<Uint8Array>[] = [];
    for (let batch = 0; batch < 10; batch++) {
      // Timed-out pages hold their slot until closed; start each batch on an idle pool.
      const idle = await eventually(() => pool.stats(), (s) => s.active === 0 && s.queued === 0, 30_000);
      expect(idle, `pool idle before batch ${batch}`).toMatchObject({ active: 0, queued: 0 });
      outcomes.push(
        ...(await Promise.allSettled(
          // About 60 pages: well beyond 81 ms even for the headless shell.
          Array.from({ length: 5 }, (_, i) => pool.render({ html: html(`<p>${'x '.repeat(200)} ${i}</p>`.repeat(300)), tagged: true, timeoutMs: 1 + ((batch + i) % 5) * 20 })),
        )),
      );
    }
    expect(outcomes).toHaveLength(50);
    for (const [i, outcome] of outcomes.entries()) {
      expect(outcome.status, `render ${i}`).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason, `render ${i}`).toBeInstanceOf(RenderTimeoutError);
    }
    // The pool still works afterwards.
    const pdf = await pool.render({ html: html('<p>after time-outs</p>'), tagged: true });
    expect(await pdfText(pdf)).toContain('after time-outs');
    const after = await eventually(() => processesMentioning(root).length, (n) => n <= baseline, 20_000);
    expect(after, `Chromium processes after the time-outs (before: ${baseline})`).toBeLessThanOrEqual(baseline);
    expect(zombieChildren()).toEqual([]);
    expect(pool.stats().timeouts).toBeGreaterThanOrEqual(50);
    // Every slot comes back once the abandoned pages are closed.
    expect(await eventually(() => pool.stats().active, (n) => n === 0, 10_000)).toBe(0);
  });
});

describe('supervision', () => {
  it('relaunches the browser after a crash', async () => {
    const [pid] = pool.stats().browserPids;
    expect(pid).toBeDefined();
    process.kill(pid!, 'SIGKILL');
    await eventually(() => pool.stats().crashes, (n) => n >= 1, 5000);
    const pdf = await pool.render({ html: html('<p>after a crash</p>'), tagged: true });
    expect(await pdfText(pdf)).toContain('after a crash');
    const pids = pool.stats().browserPids;
    expect(pids).not.toContain(pid);
    expect(pids).toHaveLength(1);
  });

  it('refuses renders beyond the queue with a Retry-After estimate', async () => {
    const small = makePool({ poolSize: 1, queueLimit: 1 });
    try {
      const results = await Promise.allSettled(Array.from({ length: 4 }, (_, i) => small.render({ html: html(`<p>${i}</p>`), tagged: false })));
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
      expect(rejected).toHaveLength(2);
      for (const r of rejected) {
        expect(r.reason).toBeInstanceOf(QueueFullError);
        expect((r.reason as QueueFullError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
      }
    } finally {
      await small.close();
    }
  });

  it('recycles the browser after N renders: the successor starts while the old one serves, then the old one drains and closes', async () => {
    const recycling = makePool({ poolSize: 2, recycleAfter: 2 });
    try {
      await recycling.render({ html: html('<p>first</p>'), tagged: false });
      for (let round = 0; round < 2; round++) {
        const before = recycling.stats().browserPids;
        const pdfs = await Promise.all([recycling.render({ html: html(`<p>a${round}</p>`), tagged: false }), recycling.render({ html: html(`<p>b${round}</p>`), tagged: false })]);
        expect(await pdfText(pdfs[1]!)).toContain(`b${round}`);
        // The successor comes up in the background; then the old browser drains and closes.
        const after = await eventually(() => recycling.stats().browserPids, (p) => p.length === 1 && !before.includes(p[0]!), 20_000);
        expect(after, `round ${round}`).toHaveLength(1);
        expect(before, `round ${round}`).not.toContain(after[0]);
      }
      expect(await pdfText(await recycling.render({ html: html('<p>last</p>'), tagged: false }))).toContain('last');
      const stats = recycling.stats();
      expect(stats.recycles).toBeGreaterThanOrEqual(2);
      expect(stats.launches).toBeGreaterThanOrEqual(3);
      // Drained browsers are closed: only the current one is left.
      const pids = await eventually(() => recycling.stats().browserPids, (p) => p.length === 1, 10_000);
      expect(pids).toHaveLength(1);
    } finally {
      const root = recycling.profileRoot!;
      await recycling.close();
      expect(processesMentioning(root)).toEqual([]);
      expect(existsSync(root)).toBe(false);
      expect(zombieChildren()).toEqual([]);
    }
  }, 120_000);
});
