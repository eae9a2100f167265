import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.js';
import { entryHash, GENESIS, type AuditEntry } from './chain.js';

export interface NewCaseEvent {
  caseId: string;
  type: string;
  actor: string;
  at: string;
  data?: Record<string, unknown>;
  artefactSha256?: string | null;
}

/**
 * Appends an entry to a case's audit trail. Call it inside the transaction that
 * makes the state change, so the change and its record commit together.
 *
 * The first statement touches the case row: in PostgreSQL that takes the row lock,
 * in SQLite the write lock, so two appends to one case cannot both read the same
 * head. The UNIQUE (case_id, seq) index is the backstop.
 */
export async function appendCaseEvent(trx: Kysely<Database>, event: NewCaseEvent): Promise<AuditEntry> {
  await trx.updateTable('cases').set((eb) => ({ audit_head: eb.ref('audit_head') })).where('id', '=', event.caseId).execute();
  const last = await trx
    .selectFrom('case_events')
    .select(['seq', 'hash'])
    .where('case_id', '=', event.caseId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const content = {
    caseId: event.caseId,
    seq: last ? Number(last.seq) + 1 : 1,
    type: event.type,
    actor: event.actor,
    at: event.at,
    data: event.data ?? {},
    artefactSha256: event.artefactSha256 ?? null,
    prevHash: last?.hash ?? GENESIS,
  };
  const hash = entryHash(content);
  await trx
    .insertInto('case_events')
    .values({
      case_id: content.caseId,
      seq: content.seq,
      type: content.type,
      actor: content.actor,
      at: content.at,
      data: JSON.stringify(content.data),
      artefact_sha256: content.artefactSha256,
      prev_hash: content.prevHash,
      hash,
    })
    .execute();
  await trx.updateTable('cases').set({ audit_head: hash }).where('id', '=', event.caseId).execute();
  return { ...content, hash };
}

type Row = Database['case_events'];

export function toAuditEntry(row: Pick<Row, 'case_id' | 'seq' | 'type' | 'actor' | 'at' | 'data' | 'artefact_sha256' | 'prev_hash' | 'hash'>): AuditEntry {
  return {
    caseId: row.case_id,
    seq: Number(row.seq),
    type: row.type,
    actor: row.actor,
    at: row.at,
    data: JSON.parse(row.data) as Record<string, unknown>,
    artefactSha256: row.artefact_sha256,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** A case's whole trail in order, and the head hash stored on the case. */
export async function readAuditTrail(db: Kysely<Database>, caseId: string): Promise<{ entries: AuditEntry[]; head: string | null }> {
  const [rows, head] = await Promise.all([
    db.selectFrom('case_events').selectAll().where('case_id', '=', caseId).orderBy('seq').execute(),
    db.selectFrom('cases').select('audit_head').where('id', '=', caseId).executeTakeFirst(),
  ]);
  return { entries: rows.map(toAuditEntry), head: head?.audit_head ?? null };
}
