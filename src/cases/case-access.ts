import { notFound } from '../domain/app-error.js';
import type { CaseRecord, CaseRepository } from '../storage/case-repository.js';
import { tokenMatches } from './access-token.js';

/**
 * Loads a case for a bearer of its access token. A missing case, a wrong token
 * and another case's token all look the same: 404, so ids cannot be probed.
 */
export async function loadCaseForToken(cases: CaseRepository, id: string, token: string | undefined): Promise<CaseRecord> {
  const record = await cases.findById(id);
  if (!record || token === undefined || !tokenMatches(token, record.tokenHash)) throw notFound();
  return record;
}

export async function loadCaseForAdmin(cases: CaseRepository, id: string): Promise<CaseRecord> {
  const record = await cases.findById(id);
  if (!record) throw notFound();
  return record;
}
