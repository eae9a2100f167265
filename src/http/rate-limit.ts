import { isIPv6 } from 'node:net';
import type { Request, RequestHandler } from 'express';
import { AppError } from '../domain/app-error.js';

/**
 * A small in-memory rate limiter keyed by client address (a token bucket per
 * key: `limit` requests per `windowMs`, refilled continuously, so there is no
 * double burst at a window edge). Meant for unauthenticated endpoints: the
 * stateless certificate validator today, registration and admin login later.
 *
 * In memory means per process: behind several instances each has its own
 * budget. Memory is bounded by `maxKeys`; idle buckets are the first to go.
 */

export interface RateLimitOptions {
  /** Requests allowed per window; 0 switches limiting off. */
  limit: number;
  windowMs: number;
  /** Milliseconds; injectable for tests. */
  now?: () => number;
  maxKeys?: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  remaining: number;
  /** When a request will be allowed again (0 when allowed now). */
  retryAfterMs: number;
}

export interface RateLimiter {
  readonly limit: number;
  readonly windowMs: number;
  consume(key: string): RateLimitDecision;
  /** Express middleware keyed by clientKey(req.ip). */
  middleware(): RequestHandler;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * The key for a client address: IPv4-mapped IPv6 is the IPv4 address, and IPv6
 * is its /64 (one subscriber usually has a whole /64, so per-address limits
 * would be trivial to dodge).
 */
export function clientKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => (g || '0').toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

export function rateLimited(retryAfterSeconds: number): AppError {
  return new AppError({
    code: 'rate-limited',
    status: 429,
    title: { nb: 'For mange forespørsler', nn: 'For mange førespurnader', en: 'Too many requests' },
    detail: {
      nb: `Du har sendt for mange forespørsler. Vent ${retryAfterSeconds} sekunder og prøv igjen.`,
      nn: `Du har sendt for mange førespurnader. Vent ${retryAfterSeconds} sekund og prøv att.`,
      en: `You have sent too many requests. Wait ${retryAfterSeconds} seconds and try again.`,
    },
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });
}

export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const { limit, windowMs } = options;
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 10_000;
  const refillPerMs = limit / windowMs;
  const buckets = new Map<string, Bucket>();

  function refill(bucket: Bucket, t: number): void {
    bucket.tokens = Math.min(limit, bucket.tokens + (t - bucket.updatedAt) * refillPerMs);
    bucket.updatedAt = t;
  }

  function evict(t: number): void {
    // Full buckets carry no state worth keeping; then the least recently used keys go.
    for (const [key, bucket] of buckets) {
      refill(bucket, t);
      if (bucket.tokens >= limit) buckets.delete(key);
    }
    for (const key of buckets.keys()) {
      if (buckets.size < maxKeys) break;
      buckets.delete(key);
    }
  }

  function consume(key: string): RateLimitDecision {
    if (limit <= 0) return { allowed: true, remaining: Number.POSITIVE_INFINITY, retryAfterMs: 0 };
    const t = now();
    let bucket = buckets.get(key);
    if (!bucket) {
      if (buckets.size >= maxKeys) evict(t);
      bucket = { tokens: limit, updatedAt: t };
      buckets.set(key, bucket);
    } else {
      refill(bucket, t);
      // Most recently used last, so eviction drops the least recently used keys.
      buckets.delete(key);
      buckets.set(key, bucket);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens), retryAfterMs: 0 };
    }
    return { allowed: false, remaining: 0, retryAfterMs: Math.ceil((1 - bucket.tokens) / refillPerMs) };
  }

  return {
    limit,
    windowMs,
    consume,
    middleware(): RequestHandler {
      return (req: Request, res, next) => {
        if (limit <= 0) return next();
        const decision = consume(clientKey(req.ip ?? req.socket.remoteAddress));
        res.setHeader('RateLimit-Limit', String(limit));
        res.setHeader('RateLimit-Remaining', String(decision.remaining));
        if (decision.allowed) return next();
        next(rateLimited(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))));
      };
    },
  };
}
