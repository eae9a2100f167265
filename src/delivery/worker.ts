import { createPoller } from './poller.js';
import type { Kysely } from 'kysely';
import type { Logger } from '../observability/logger.js';
import type { Database } from '../storage/schema.js';
import type { Mailer } from './mailer.js';
import { messageIdOf, type AttachmentSource, type OutboxRecord, type OutboxRepository } from './outbox.js';

export interface DeliveryPolicy {
  from: string;
  messageIdDomain: string;
  maxAttempts: number;
  /** First retry delay; doubles each attempt up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  pollIntervalMs: number;
  leaseMs: number;
}

export interface DeliveryWorkerDeps {
  outbox: OutboxRepository;
  mailer: Mailer;
  /** Bytes of an attachment, from the blob store or a rendered document. */
  resolveAttachment(caseId: string, source: AttachmentSource): Promise<Buffer>;
  /** Runs in the transaction that marks a message sent (e.g. order form step done). */
  onSent?(record: OutboxRecord, trx: Kysely<Database>): Promise<void>;
  clock: () => Date;
  logger: Logger;
  policy: DeliveryPolicy;
  onParked?(record: OutboxRecord): void;
  onSentMetric?(record: OutboxRecord): void;
}

/** Delay before attempt n+1 after n failures: base·2^(n-1), capped. */
export function backoffMs(failures: number, policy: Pick<DeliveryPolicy, 'baseDelayMs' | 'maxDelayMs'>): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failures - 1));
}

export interface DeliveryWorker {
  /** Sends every due message once; returns how many were attempted. */
  runOnce(): Promise<number>;
  start(): void;
  /** Stops polling and waits for the send in progress. */
  stop(): Promise<void>;
}

export function createDeliveryWorker(deps: DeliveryWorkerDeps): DeliveryWorker {

  async function deliver(record: OutboxRecord): Promise<void> {
    const now = deps.clock();
    try {
      const attachments = await Promise.all(
        record.message.attachments.map(async (a) => ({
          filename: a.fileName,
          contentType: a.contentType,
          content: await deps.resolveAttachment(record.caseId, a.source),
        })),
      );
      await deps.mailer.send({
        messageId: messageIdOf(record.id, deps.policy.messageIdDomain),
        from: deps.policy.from,
        to: record.message.to,
        cc: record.message.cc,
        subject: record.message.subject,
        text: record.message.text,
        date: new Date(record.createdAt),
        attachments,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const failures = record.attempts + 1;
      const park = failures >= deps.policy.maxAttempts;
      await deps.outbox.markAttemptFailed(
        record,
        message,
        now.toISOString(),
        park ? 'park' : { retryAt: new Date(now.getTime() + backoffMs(failures, deps.policy)).toISOString() },
      );
      deps.logger.warn({ outboxId: record.id, kind: record.kind, attempt: failures, parked: park, error: message }, 'delivery attempt failed');
      if (park) deps.onParked?.(record);
      return;
    }
    await deps.outbox.markSent(record, deps.clock().toISOString(), deps.onSent ? (trx) => deps.onSent!(record, trx) : undefined);
    deps.onSentMetric?.(record);
    deps.logger.info({ outboxId: record.id, kind: record.kind, attempt: record.attempts + 1 }, 'message sent');
  }

  async function runOnce(): Promise<number> {
    const due = await deps.outbox.claimDue(deps.clock(), 10, deps.policy.leaseMs);
    for (const record of due) await deliver(record);
    return due.length;
  }

  const poller = createPoller({ intervalMs: deps.policy.pollIntervalMs, pass: runOnce, logger: deps.logger, failureMessage: 'delivery worker pass failed' });

  return {
    runOnce,
    start: () => poller.start(),
    stop: () => poller.stop(),
  };
}
