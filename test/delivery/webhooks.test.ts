import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { isPrivateAddress } from '../../src/delivery/address-policy.js';
import { checkWebhookUrl, createWebhookDispatcher } from '../../src/delivery/webhooks.js';
import { validRegistration } from '../support/fixtures.js';
import { ADMIN_TOKEN, startTestService, type TestService } from '../support/service.js';

const SECRET = 'webhook-secret-0123456789';

interface Hit {
  body: string;
  timestamp: string;
  signature: string;
}

async function listener(status: (n: number) => number) {
  const hits: Hit[] = [];
  let n = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      n++;
      const code = status(n);
      if (code === 200) hits.push({ body: Buffer.concat(chunks).toString(), timestamp: String(req.headers['x-efm-timestamp']), signature: String(req.headers['x-efm-signature']) });
      res.statusCode = code;
      res.end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { hits, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, close: () => new Promise<void>((r) => server.close(() => r())), attempts: () => n };
}

describe('address policy', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '224.0.0.1'])('%s is private', (ip) => {
    expect(isPrivateAddress(ip)).toBe(true);
  });
  it.each(['8.8.8.8', '172.32.0.1', '192.0.2.10', '2001:4860:4860::8888', '::ffff:8.8.8.8'])('%s is public', (ip) => {
    expect(isPrivateAddress(ip)).toBe(false);
  });
  it('refuses loopback and private targets unless allowed, and non-http schemes always', () => {
    expect(() => checkWebhookUrl('http://127.0.0.1:9/x', false)).toThrow(/WEBHOOK_ALLOW_PRIVATE/);
    expect(() => checkWebhookUrl('http://localhost/x', false)).toThrow(/private or loopback/);
    expect(() => checkWebhookUrl('http://[::1]/x', false)).toThrow(/private/);
    expect(() => checkWebhookUrl('http://10.0.0.5/x', false)).toThrow(/private/);
    expect(() => checkWebhookUrl('http://127.0.0.1:9/x', true)).not.toThrow();
    expect(() => checkWebhookUrl('file:///etc/passwd', true)).toThrow(/only http/);
    expect(() => checkWebhookUrl('https://user:pw@example.no/x', false)).toThrow(/credentials/);
    expect(() => checkWebhookUrl('https://hooks.example.no/x', false)).not.toThrow();
  });
  it('config refuses a private target and a missing secret', () => {
    expect(() => loadConfig({ WEBHOOK_URLS: 'http://127.0.0.1:8080/x', WEBHOOK_SECRET: SECRET })).toThrow(ConfigError);
    expect(() => loadConfig({ WEBHOOK_URLS: 'https://hooks.example.no/x' })).toThrow(/WEBHOOK_SECRET/);
  });
});

describe('webhook delivery', () => {
  let service: TestService;
  let target: Awaited<ReturnType<typeof listener>>;
  let failing: Awaited<ReturnType<typeof listener>>;

  beforeAll(async () => {
    target = await listener(() => 200);
    failing = await listener((n) => (n <= 2 ? 503 : 200));
    service = await startTestService({
      env: { WEBHOOK_URLS: `${target.url},${failing.url}`, WEBHOOK_SECRET: SECRET, WEBHOOK_ALLOW_PRIVATE: 'true', DELIVERY_BASE_DELAY_MS: '0' },
    });
    await service.webhooks.runOnce(); // register cursors at the current end of the log
  });
  afterAll(async () => {
    await service.dispose();
    await target.close();
    await failing.close();
  });

  it('posts every new case event in order, signed with HMAC-SHA256 over timestamp and body', async () => {
    const created = await request(service.app).post('/api/cases').send(validRegistration());
    await request(service.app).post(`/api/admin/cases/${created.body.id}/steps/digdir-terms`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).send({ status: 'done' });
    await service.webhooks.runOnce();
    const events = target.hits.map((h) => JSON.parse(h.body) as { type: string; caseId: string; seq: number });
    expect(events.map((e) => e.type)).toEqual(['case.created', 'step.completed']);
    expect(events.every((e) => e.caseId === created.body.id)).toBe(true);
    for (const hit of target.hits) {
      const expected = createHmac('sha256', SECRET).update(`${hit.timestamp}.${hit.body}`).digest('hex');
      expect(hit.signature).toBe(`v1=${expected}`);
      expect(Math.abs(Number(hit.timestamp) - Date.now() / 1000)).toBeLessThan(60);
    }
    expect(JSON.stringify(target.hits)).not.toContain(created.body.accessToken);
  });

  it('retries a failing target with backoff and loses nothing', async () => {
    await service.webhooks.runOnce();
    await service.webhooks.runOnce();
    await service.webhooks.runOnce();
    expect(failing.attempts()).toBeGreaterThanOrEqual(3);
    expect(failing.hits.map((h) => JSON.parse(h.body).type)).toEqual(['case.created', 'step.completed']);
  });

  it('a public-looking name that resolves to a private address is refused at connect time', async () => {
    const strict = await startTestService({ env: { WEBHOOK_URLS: `http://hooks.example.test:${new URL(target.url).port}/hook`, WEBHOOK_SECRET: SECRET, DELIVERY_BASE_DELAY_MS: '0' } });
    // DNS answers with loopback (as a rebinding attacker would); the guard must refuse the connection.
    const dispatcher = createWebhookDispatcher({
      db: strict.database.db,
      config: loadConfig({ WEBHOOK_URLS: `http://hooks.example.test:${new URL(target.url).port}/hook`, WEBHOOK_SECRET: SECRET, DELIVERY_BASE_DELAY_MS: '0' }).webhooks,
      clock: () => new Date(),
      logger: strict.logger,
      resolve: (_host, _opts, callback) => callback(null, [{ address: '127.0.0.1', family: 4 }]),
    });
    const before = target.hits.length;
    try {
      await dispatcher.runOnce();
      await request(strict.app).post('/api/cases').send(validRegistration());
      await dispatcher.runOnce();
      const cursor = await strict.database.db.selectFrom('webhook_cursors').selectAll().executeTakeFirstOrThrow();
      expect(cursor.failures).toBe(1);
      expect(cursor.last_error).toMatch(/private address 127\.0\.0\.1/);
      expect(target.hits.length).toBe(before);
    } finally {
      await strict.dispose();
    }
  });
});
