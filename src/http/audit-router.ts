import { Router, type Request } from 'express';
import { verifyChain } from '../audit/chain.js';
import { readAuditTrail } from '../audit/event-log.js';
import { tokenMatches } from '../cases/access-token.js';
import { loadCaseForAdmin, loadCaseForToken } from '../cases/case-access.js';
import type { CaseRecord, CaseRepository } from '../storage/case-repository.js';
import type { DatabaseHandle } from '../storage/database.js';
import { bearerToken } from './auth.js';

export interface AuditRouterDeps {
  cases: CaseRepository;
  database: DatabaseHandle;
  adminTokenHash: string;
  /** Builds the sealed receipt PDF of a case. */
  receipt: (record: CaseRecord) => Promise<Buffer>;
}

/** The tamper-evident trail of a case, for the agency (case token) and servicedesk (admin token). */
export function auditRouter(deps: AuditRouterDeps): Router {
  const router = Router();
  /** The agency with its case token, or servicedesk with the admin token. */
  const caseFor = async (req: Request) => {
    const id = String(req.params.id);
    const token = bearerToken(req);
    const isAdmin = token !== undefined && tokenMatches(token, deps.adminTokenHash);
    return isAdmin ? loadCaseForAdmin(deps.cases, id) : loadCaseForToken(deps.cases, id, token);
  };

  router.get('/api/cases/:id/receipt.pdf', async (req, res) => {
    const record = await caseFor(req);
    const pdf = await deps.receipt(record);
    res
      .type('application/pdf')
      .setHeader('Content-Disposition', `attachment; filename="kvittering-${record.registration.organizationNumber}.pdf"`)
      .setHeader('Cache-Control', 'private, no-store')
      .send(pdf);
  });

  router.get('/api/cases/:id/audit', async (req, res) => {
    const record = await caseFor(req);
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
