import { Router } from 'express';
import { verifyChain } from '../audit/chain.js';
import { readAuditTrail } from '../audit/event-log.js';
import { tokenMatches } from '../cases/access-token.js';
import { loadCaseForAdmin, loadCaseForToken } from '../cases/case-access.js';
import type { CaseRepository } from '../storage/case-repository.js';
import type { DatabaseHandle } from '../storage/database.js';
import { bearerToken } from './auth.js';

export interface AuditRouterDeps {
  cases: CaseRepository;
  database: DatabaseHandle;
  adminTokenHash: string;
}

/** The tamper-evident trail of a case, for the agency (case token) and servicedesk (admin token). */
export function auditRouter(deps: AuditRouterDeps): Router {
  const router = Router();
  router.get('/api/cases/:id/audit', async (req, res) => {
    const id = String(req.params.id);
    const token = bearerToken(req);
    const isAdmin = token !== undefined && tokenMatches(token, deps.adminTokenHash);
    const record = isAdmin ? await loadCaseForAdmin(deps.cases, id) : await loadCaseForToken(deps.cases, id, token);
    const { entries, head } = await readAuditTrail(deps.database.db, record.id);
    const verdict = verifyChain(entries, head);
    res.setHeader('Cache-Control', 'no-store').json({
      caseId: record.id,
      verified: verdict.ok,
      head: verdict.head,
      problems: verdict.problems,
      entries,
    });
  });
  return router;
}
