import express, { Router } from 'express';
import { loadCaseForAdmin } from '../cases/case-access.js';
import { caseView, checklistOf } from '../cases/case-view.js';
import { closeCase, completeStep, reopenStep, setDpoVerified } from '../cases/servicedesk-actions.js';
import type { CaseRecord, CaseRepository } from '../storage/case-repository.js';
import { requireAdmin } from './auth.js';
import { AdminCaseListQuery, CloseCaseBody, DpoVerificationBody, StepIdParam, StepUpdateBody } from './contracts.js';
import { requireJson } from './errors.js';
import { parseWith } from './parse.js';

export interface AdminRouterDeps {
  cases: CaseRepository;
  clock: () => Date;
  adminTokenHash: string;
}

/** Digdir servicedesk: every case, and the actions only servicedesk may take. */
export function adminRouter(deps: AdminRouterDeps): Router {
  const router = Router();
  const json = express.json({ limit: '100kb', strict: true, inflate: false, type: () => true });
  router.use('/api/admin', requireAdmin(deps.adminTokenHash));

  const detail = async (record: CaseRecord) => ({
    case: caseView(record),
    checklist: checklistOf(record),
    history: await deps.cases.events(record.id),
  });

  router.get('/api/admin/cases', async (req, res) => {
    const query = parseWith(AdminCaseListQuery, req.query);
    const { limit, offset, ...filter } = query;
    const [page, counts] = await Promise.all([deps.cases.list(filter, { limit, offset }), deps.cases.countByStatus()]);
    res.setHeader('Cache-Control', 'no-store').json({
      items: page.items.map((record) => ({ ...caseView(record), checklist: checklistOf(record) })),
      total: page.total,
      limit,
      offset,
      counts,
    });
  });

  router.get('/api/admin/cases/:id', async (req, res) => {
    res.setHeader('Cache-Control', 'no-store').json(await detail(await loadCaseForAdmin(deps.cases, String(req.params.id))));
  });

  router.post('/api/admin/cases/:id/steps/:stepId', requireJson, json, async (req, res) => {
    const step = parseWith(StepIdParam, String(req.params.stepId));
    const body = parseWith(StepUpdateBody, req.body);
    const record =
      body.status === 'done'
        ? await completeStep(deps, String(req.params.id), step, body.note ?? null)
        : await reopenStep(deps, String(req.params.id), step);
    res.json(await detail(record));
  });

  router.post('/api/admin/cases/:id/dpo-verification', requireJson, json, async (req, res) => {
    const body = parseWith(DpoVerificationBody, req.body);
    res.json(await detail(await setDpoVerified(deps, String(req.params.id), body.verified)));
  });

  router.post('/api/admin/cases/:id/close', requireJson, json, async (req, res) => {
    const body = parseWith(CloseCaseBody, req.body);
    res.json(await detail(await closeCase(deps, String(req.params.id), body.reason)));
  });

  return router;
}
