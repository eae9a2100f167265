import { createPoller } from './poller.js';
import { createHmac } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { Kysely } from 'kysely';
import type { Logger } from '../observability/logger.js';
import type { Database } from '../storage/schema.js';
import { isPrivateAddress } from './address-policy.js';
import { backoffMs } from './worker.js';

/**
 * Case events POSTed as JSON to configured URLs. Each target reads the committed
 * event log in order from its own cursor, so nothing is lost and nothing is sent
 * for a change that rolled back. Every request carries
 *   X-EFM-Timestamp: <unix seconds>
 *   X-EFM-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>
 * and the receiver should reject timestamps older than a few minutes (replay).
 */
export interface WebhookConfig {
  urls: string[];
  secret: string;
  allowPrivate: boolean;
  timeoutMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  pollIntervalMs: number;
}

export class WebhookTargetRefused extends Error {}

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Rejects URLs that are not http(s) or whose literal host is private (checked again at connect). */
export function checkWebhookUrl(url: string, allowPrivate: boolean): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new WebhookTargetRefused(`not a URL: ${url}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new WebhookTargetRefused(`only http(s) webhooks: ${url}`);
  if (parsed.username || parsed.password) throw new WebhookTargetRefused('credentials in webhook URLs are not allowed; use the HMAC signature');
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && (host === 'localhost' || host.endsWith('.localhost') || isPrivateAddressLiteral(host))) {
    throw new WebhookTargetRefused(`webhook target ${parsed.host} is a private or loopback address; set WEBHOOK_ALLOW_PRIVATE=true to allow it`);
  }
}

function isPrivateAddressLiteral(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':') ? isPrivateAddress(host) : false;
}

/**
 * A DNS lookup that refuses private answers, used as the socket's lookup so the
 * address checked is the address connected to (no DNS rebinding in between).
 */
export type Resolver = (hostname: string, options: { all: true }, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

const systemResolver: Resolver = (hostname, options, callback) => dnsLookup(hostname, options, callback);

function guardedLookup(allowPrivate: boolean, resolve: Resolver) {
  return (hostname: string, options: object, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    resolve(hostname, { all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      const list = addresses as LookupAddress[];
      const bad = list.find((a) => isPrivateAddress(a.address));
      if (bad && !allowPrivate) {
        return callback(Object.assign(new WebhookTargetRefused(`webhook target ${hostname} resolves to private address ${bad.address}`), { code: 'EPRIVATE' }), '');
      }
      if ((options as { all?: boolean }).all) return callback(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

function post(url: string, body: string, headers: Record<string, string>, config: WebhookConfig, resolver: Resolver): Promise<number> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const client = target.protocol === 'https:' ? https : http;
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body).toString(), ...headers },
        lookup: guardedLookup(config.allowPrivate, resolver) as never,
        timeout: config.timeoutMs,
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`timed out after ${config.timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}

export interface WebhookDispatcher {
  runOnce(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

export function createWebhookDispatcher(deps: { db: Kysely<Database>; config: WebhookConfig; clock: () => Date; logger: Logger; resolve?: Resolver }): WebhookDispatcher {
  const resolve = deps.resolve ?? systemResolver;
  const { db, config } = deps;

  async function cursorOf(target: string) {
    const row = await db.selectFrom('webhook_cursors').selectAll().where('target', '=', target).executeTakeFirst();
    if (row) return row;
    // A new target starts at the current end of the log: it gets events from now on.
    const last = await db.selectFrom('case_events').select((eb) => eb.fn.max('id').as('max')).executeTakeFirst();
    const fresh = { target, last_event_id: Number(last?.max ?? 0), failures: 0, next_attempt_at: deps.clock().toISOString(), last_error: null };
    await db.insertInto('webhook_cursors').values(fresh).onConflict((oc) => oc.column('target').doNothing()).execute();
    return fresh;
  }

  async function serve(target: string): Promise<number> {
    const cursor = await cursorOf(target);
    if (cursor.next_attempt_at > deps.clock().toISOString()) return 0;
    const events = await db.selectFrom('case_events').selectAll().where('id', '>', cursor.last_event_id).orderBy('id').limit(50).execute();
    let sent = 0;
    for (const event of events) {
      const body = JSON.stringify({
        id: event.hash,
        type: event.type,
        caseId: event.case_id,
        seq: Number(event.seq),
        actor: event.actor,
        at: event.at,
        artefactSha256: event.artefact_sha256,
        data: JSON.parse(event.data) as unknown,
      });
      const timestamp = Math.floor(deps.clock().getTime() / 1000);
      try {
        const status = await post(target, body, { 'x-efm-timestamp': String(timestamp), 'x-efm-signature': signWebhook(config.secret, timestamp, body), 'x-efm-event': event.type }, config, resolve);
        if (status < 200 || status >= 300) throw new Error(`HTTP ${status}`);
      } catch (error) {
        const failures = Number(cursor.failures) + 1;
        const message = error instanceof Error ? error.message : String(error);
        await db
          .updateTable('webhook_cursors')
          .set({ failures, last_error: message.slice(0, 500), next_attempt_at: new Date(deps.clock().getTime() + backoffMs(failures, config)).toISOString() })
          .where('target', '=', target)
          .execute();
        deps.logger.warn({ target: new URL(target).host, failures, error: message }, 'webhook delivery failed');
        return sent;
      }
      await db.updateTable('webhook_cursors').set({ last_event_id: Number(event.id), failures: 0, last_error: null }).where('target', '=', target).execute();
      cursor.failures = 0;
      sent++;
    }
    return sent;
  }

  async function runOnce(): Promise<number> {
    let total = 0;
    for (const target of config.urls) total += await serve(target);
    return total;
  }

  const poller = createPoller({ intervalMs: config.pollIntervalMs, pass: runOnce, logger: deps.logger, failureMessage: 'webhook pass failed' });

  return {
    runOnce,
    start() {
      if (config.urls.length === 0) return;
      poller.start();
    },
    stop: () => poller.stop(),
  };
}
