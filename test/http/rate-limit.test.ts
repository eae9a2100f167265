import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { errorHandler } from '../../src/http/errors.js';
import { clientKey, createRateLimiter } from '../../src/http/rate-limit.js';
import { createLogger } from '../../src/observability/logger.js';

describe('rate limiter', () => {
  it('allows `limit` requests per window per key, then refills continuously', () => {
    let now = 0;
    const limiter = createRateLimiter({ limit: 3, windowMs: 60_000, now: () => now });
    expect([1, 2, 3].map(() => limiter.consume('a').allowed)).toEqual([true, true, true]);
    const denied = limiter.consume('a');
    expect(denied).toMatchObject({ allowed: false, remaining: 0, retryAfterMs: 20_000 });
    expect(limiter.consume('b').allowed).toBe(true);
    now = 19_999;
    expect(limiter.consume('a').allowed).toBe(false);
    now = 40_000;
    expect(limiter.consume('a').allowed).toBe(true);
    now = 1_000_000;
    expect([1, 2, 3, 4].map(() => limiter.consume('a').allowed)).toEqual([true, true, true, false]);
  });

  it('keeps memory bounded, dropping idle keys first', () => {
    let now = 0;
    const limiter = createRateLimiter({ limit: 1, windowMs: 1000, now: () => now, maxKeys: 3 });
    limiter.consume('busy');
    for (let i = 0; i < 10; i++) {
      now += 2000;
      limiter.consume(`visitor-${i}`);
      limiter.consume('busy');
    }
    // A limited key must not be forgotten while it is still limited.
    expect(limiter.consume('busy').allowed).toBe(false);
  });

  it('is off with limit 0', () => {
    const limiter = createRateLimiter({ limit: 0, windowMs: 1000 });
    expect(Array.from({ length: 100 }, () => limiter.consume('x').allowed).every(Boolean)).toBe(true);
  });

  it('keys IPv4-mapped addresses as IPv4 and IPv6 by /64', () => {
    expect(clientKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(clientKey('192.0.2.7')).toBe('192.0.2.7');
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey(undefined)).toBe('unknown');
  });

  it('answers 429 problem+json with Retry-After as middleware, keyed by the client address', async () => {
    const app = express();
    app.set('trust proxy', true);
    const limiter = createRateLimiter({ limit: 1, windowMs: 60_000 });
    app.get('/x', limiter.middleware(), (_req, res) => res.json({ ok: true }));
    app.use(errorHandler(createLogger({ level: 'silent' })));
    expect((await request(app).get('/x').set('X-Forwarded-For', '198.51.100.1')).status).toBe(200);
    const limited = await request(app).get('/x').set('X-Forwarded-For', '198.51.100.1').set('Accept-Language', 'en');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('60');
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(limited.body).toMatchObject({ code: 'rate-limited', status: 429 });
    expect((await request(app).get('/x').set('X-Forwarded-For', '198.51.100.2')).status).toBe(200);
  });
});
