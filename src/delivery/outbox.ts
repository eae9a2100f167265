import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { appendCaseEvent } from '../audit/event-log.js';
import type { Database } from '../storage/schema.js';

/**
 * The transactional outbox. A message is written in the same database transaction
 * as the state change that calls for it (case registered, return received,
 * certificate accepted), so a message is never lost and never sent for a change
 * that rolled back. A worker delivers it later, with retries.
 */
export type MessageKind = 'order-form' | 'dpv-terms' | 'ks-agreement' | 'certificate';
export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed';

/** Where an attachment's bytes come from when the message is sent. */
export type AttachmentSource =
  | { blob: string }
  | { document: { templateId: string; locale: 'nb' | 'nn' | 'en' } }
  | { zipOfCertificate: { submissionId: string; entryName: string } };

export interface OutboxMessage {
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  attachments: { fileName: string; contentType: string; source: AttachmentSource }[];
}

export interface OutboxRecord {
  id: string;
  eventKey: string;
  caseId: string;
  kind: MessageKind;
  message: OutboxMessage;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** A stable id from the event key: the same event always yields the same message id. */
export function outboxId(eventKey: string): string {
  return createHash('sha256').update(eventKey).digest('hex').slice(0, 32);
}

/** The RFC 5322 Message-ID, derived from the event, so a retry is recognisably the same letter. */
export function messageIdOf(id: string, domain: string): string {
  return `<${id}@${domain}>`;
}

/**
 * Queues a message inside the caller's transaction. A second call for the same
 * event key is ignored (the first message stands).
 */
export async function enqueueMessage(
  trx: Kysely<Database>,
  entry: { eventKey: string; caseId: string; kind: MessageKind; message: OutboxMessage; at: string },
): Promise<string> {
  const id = outboxId(entry.eventKey);
  await trx
    .insertInto('outbox_messages')
    .values({
      id,
      event_key: entry.eventKey,
      case_id: entry.caseId,
      kind: entry.kind,
      message: JSON.stringify(entry.message),
      status: 'pending',
      attempts: 0,
      next_attempt_at: entry.at,
      claimed_until: null,
      last_error: null,
      created_at: entry.at,
      sent_at: null,
    })
    .onConflict((oc) => oc.column('event_key').doNothing())
    .execute();
  return id;
}

type Row = Database['outbox_messages'];

function toRecord(row: Row): OutboxRecord {
  return {
    id: row.id,
    eventKey: row.event_key,
    caseId: row.case_id,
    kind: row.kind as MessageKind,
    message: JSON.parse(row.message) as OutboxMessage,
    status: row.status as DeliveryStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    createdAt: row.created_at,
    sentAt: row.sent_at,
  };
}

export interface OutboxRepository {
  /**
   * Claims up to `limit` due messages for `leaseMs`. A claim is a conditional
   * update, so two workers never send the same message at once; a worker that
   * dies leaves a lease that simply expires.
   */
  claimDue(now: Date, limit: number, leaseMs: number): Promise<OutboxRecord[]>;
  markSent(record: OutboxRecord, at: string, onSent?: (trx: Kysely<Database>) => Promise<void>): Promise<void>;
  markAttemptFailed(record: OutboxRecord, error: string, at: string, next: { retryAt: string } | 'park'): Promise<void>;
  /** Puts a failed message back in the queue; any other message is returned unchanged with retried: false. */
  retry(id: string, at: string, actor: string): Promise<{ record: OutboxRecord; retried: boolean } | undefined>;
  findById(id: string): Promise<OutboxRecord | undefined>;
  listForCase(caseId: string): Promise<OutboxRecord[]>;
  list(filter: { status?: DeliveryStatus | undefined }): Promise<OutboxRecord[]>;
}

export function createOutboxRepository(db: Kysely<Database>): OutboxRepository {
  return {
    async claimDue(now, limit, leaseMs) {
      const nowIso = now.toISOString();
      const candidates = await db
        .selectFrom('outbox_messages')
        .selectAll()
        .where((eb) =>
          eb.or([
            eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', nowIso)]),
            // A send whose worker died: its lease ran out.
            eb.and([eb('status', '=', 'sending'), eb('claimed_until', '<', nowIso)]),
          ]),
        )
        .orderBy('next_attempt_at')
        .limit(limit)
        .execute();
      const claimed: OutboxRecord[] = [];
      const until = new Date(now.getTime() + leaseMs).toISOString();
      for (const row of candidates) {
        const result = await db
          .updateTable('outbox_messages')
          .set({ status: 'sending', claimed_until: until })
          .where('id', '=', row.id)
          .where('status', '=', row.status)
          .where((eb) => (row.claimed_until === null ? eb('claimed_until', 'is', null) : eb('claimed_until', '=', row.claimed_until)))
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 1) claimed.push(toRecord({ ...row, status: 'sending', claimed_until: until }));
      }
      return claimed;
    },

    async markSent(record, at, onSent) {
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('outbox_messages')
          .set({ status: 'sent', attempts: record.attempts + 1, sent_at: at, claimed_until: null, last_error: null })
          .where('id', '=', record.id)
          .execute();
        await appendCaseEvent(trx, {
          caseId: record.caseId,
          type: 'message.sent',
          actor: 'system',
          at,
          data: { kind: record.kind, to: record.message.to, cc: record.message.cc, outboxId: record.id, attempts: record.attempts + 1 },
        });
        await onSent?.(trx);
      });
    },

    async markAttemptFailed(record, error, at, next) {
      await db.transaction().execute(async (trx) => {
        const parked = next === 'park';
        await trx
          .updateTable('outbox_messages')
          .set({
            status: parked ? 'failed' : 'pending',
            attempts: record.attempts + 1,
            next_attempt_at: parked ? record.nextAttemptAt : next.retryAt,
            claimed_until: null,
            last_error: error.slice(0, 1000),
          })
          .where('id', '=', record.id)
          .execute();
        if (parked) {
          await appendCaseEvent(trx, {
            caseId: record.caseId,
            type: 'message.failed',
            actor: 'system',
            at,
            data: { kind: record.kind, outboxId: record.id, attempts: record.attempts + 1, error: error.slice(0, 300) },
          });
        }
      });
    },

    async retry(id, at, actor) {
      return db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('outbox_messages').selectAll().where('id', '=', id).executeTakeFirst();
        if (!row) return undefined;
        if (row.status !== 'failed') return { record: toRecord(row), retried: false };
        await trx
          .updateTable('outbox_messages')
          .set({ status: 'pending', attempts: 0, next_attempt_at: at, last_error: null })
          .where('id', '=', id)
          .execute();
        await appendCaseEvent(trx, { caseId: row.case_id, type: 'message.retried', actor, at, data: { kind: row.kind, outboxId: id } });
        const updated = await trx.selectFrom('outbox_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        return { record: toRecord(updated), retried: true };
      });
    },

    async findById(id) {
      const row = await db.selectFrom('outbox_messages').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },

    async listForCase(caseId) {
      const rows = await db.selectFrom('outbox_messages').selectAll().where('case_id', '=', caseId).orderBy('created_at').execute();
      return rows.map(toRecord);
    },

    async list(filter) {
      let query = db.selectFrom('outbox_messages').selectAll();
      if (filter.status) query = query.where('status', '=', filter.status);
      return (await query.orderBy('created_at', 'desc').limit(500).execute()).map(toRecord);
    },
  };
}
