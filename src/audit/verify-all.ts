import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.js';
import { verifyChain, type ChainVerdict } from './chain.js';
import { readAuditTrail } from './event-log.js';

export interface CaseAuditResult extends ChainVerdict {
  caseId: string;
}

/**
 * Verifies the audit trail of every case (or the given ones). Events whose case id
 * matches no case are reported too: an inserted row for a deleted case is tampering.
 */
export async function verifyAuditTrails(db: Kysely<Database>, caseIds?: string[]): Promise<{ results: CaseAuditResult[]; orphanEvents: number }> {
  const ids = caseIds ?? (await db.selectFrom('cases').select('id').orderBy('created_at').execute()).map((row) => row.id);
  const results: CaseAuditResult[] = [];
  for (const caseId of ids) {
    const { entries, head } = await readAuditTrail(db, caseId);
    results.push({ caseId, ...verifyChain(entries, head) });
  }
  const orphans = await db
    .selectFrom('case_events')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('case_id', 'not in', db.selectFrom('cases').select('id'))
    .executeTakeFirst();
  return { results, orphanEvents: Number(orphans?.n ?? 0) };
}
