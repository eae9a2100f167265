import { existsSync } from 'node:fs';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { validRegistration } from '../support/fixtures.js';
import { startTestService, type TestService } from '../support/service.js';
import { binary, descendantCommandLines, eventually, processesMentioning, zombieChildren } from './helpers.js';

/**
 * Back-pressure over HTTP: a full render queue answers 429 with Retry-After, a
 * render past its deadline answers 503, and after shutdown no Chromium process
 * of the service is left. Two small services, one browser each.
 */
const services: TestService[] = [];
afterAll(async () => {
  for (const s of services) await s.dispose().catch(() => undefined);
});

async function serviceWithCase(env: Record<string, string>) {
  const service = await startTestService({ env });
  services.push(service);
  const created = await request(service.app).post('/api/cases').send(validRegistration());
  expect(created.status).toBe(201);
  return { service, id: created.body.id as string, auth: `Bearer ${created.body.accessToken as string}` };
}

describe('render back-pressure', () => {
  it('answers 429 with Retry-After when the queue is full', async () => {
    const { service, id, auth } = await serviceWithCase({ RENDER_POOL_SIZE: '1', RENDER_QUEUE_LIMIT: '1' });
    // Four different documents at once: one renders, one waits, two are refused.
    const urls = ['order-form.pdf?lang=nb', 'order-form.pdf?lang=nn', 'dpv-terms.pdf?lang=nb', 'ks-cover-letter.pdf?lang=en'];
    const responses = await Promise.all(urls.map((u) => request(service.app).get(`/api/cases/${id}/documents/${u}`).set('Authorization', auth).buffer(true).parse(binary)));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 429, 429]);
    for (const refused of responses.filter((r) => r.status === 429)) {
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(JSON.parse((refused.body as Buffer).toString()).code).toBe('render-busy');
    }
    // Nothing was recorded for the refused ones: a retry renders them normally.
    expect(await service.issuedDocuments.listForCase(id)).toHaveLength(2);
  });

  it('answers 503 when a render misses its deadline, and leaves no Chromium process after shutdown', async () => {
    const { service, id, auth } = await serviceWithCase({ RENDER_TIMEOUT_MS: '50', RENDER_POOL_SIZE: '1' });
    for (const lang of ['nb', 'nn', 'en']) {
      const res = await request(service.app).get(`/api/cases/${id}/documents/dpv-terms.pdf?lang=${lang}`).set('Authorization', auth);
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('render-timeout');
      expect(res.headers['retry-after']).toBeDefined();
    }
    expect(await service.issuedDocuments.listForCase(id)).toHaveLength(0);
    // The browser was launched (lazily) even though every render timed out.
    const root = await eventually(() => service.documents.rendererRoot(), (r) => r !== undefined, 10_000);
    expect(root).toBeDefined();
    await eventually(() => service.documents.poolStats().launches, (n) => n >= 1, 15_000);
    // While the service runs: the timed-out pages are closed, not left rendering in
    // renderers of their own, and no Chromium process is left unreaped.
    const stats = await eventually(() => service.documents.poolStats(), (s) => s.active === 0 && s.browserPids.length === 1, 15_000);
    expect(stats).toMatchObject({ active: 0, queued: 0 });
    const renderers = await eventually(() => descendantCommandLines(stats.browserPids[0]!).filter((c) => c.includes('--type=renderer')).length, (n) => n <= 1, 15_000);
    expect(renderers, 'renderer processes for a pool of one page: ' + descendantCommandLines(stats.browserPids[0]!).filter((c) => c.includes('--type=renderer')).map((c) => c.slice(-300)).join('\n')).toBeLessThanOrEqual(1);
    expect(zombieChildren()).toEqual([]);
    services.splice(services.indexOf(service), 1);
    await service.dispose();
    expect(processesMentioning(root!)).toEqual([]);
    expect(existsSync(root!)).toBe(false);
    expect(zombieChildren()).toEqual([]);
  });
});
