import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Per case, how many artefacts wait for servicedesk: uploads nobody has decided on
 * that the analysis did not already reject, and certificates that passed every
 * check and are not yet approved or rejected. The same rule as the decision forms
 * on the case page, so the list and the page agree.
 */
export async function pendingDecisionCounts(db: Kysely<Database>, caseIds: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (caseIds.length === 0) return counts;
  const [uploads, certificates] = await Promise.all([
    db
      .selectFrom('uploads')
      .select(['case_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('case_id', 'in', caseIds)
      .where('decision', 'is', null)
      .where('status', '!=', 'rejected')
      .groupBy('case_id')
      .execute(),
    db
      .selectFrom('certificate_submissions')
      .select(['case_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('case_id', 'in', caseIds)
      .where('verdict', '=', 'accepted')
      .where('decision', 'is', null)
      .groupBy('case_id')
      .execute(),
  ]);
  for (const row of [...uploads, ...certificates]) counts.set(row.case_id, (counts.get(row.case_id) ?? 0) + Number(row.n));
  return counts;
}
