import express, { Router, type RequestHandler } from 'express';
import { loadCaseForToken } from '../cases/case-access.js';
import { caseView, checklistOf } from '../cases/case-view.js';
import { registerCase, type RegisterCaseDeps } from '../cases/register-case.js';
import type { OutboxRepository } from '../delivery/outbox.js';
import { deliveryView } from './delivery-router.js';
import type { CaseRepository } from '../storage/case-repository.js';
import type { Metrics } from '../observability/metrics.js';
import { bearerToken } from './auth.js';
import { requireJson } from './errors.js';

export interface CasesRouterDeps extends RegisterCaseDeps {
  cases: CaseRepository;
  clock: () => Date;
  metrics: Metrics;
  outbox: OutboxRepository;
  /** Limits registrations per client address (shared with the web form). */
  registrationLimiter?: RequestHandler;
}

/** The agency's side: register a case, then read it with its access token. */
export function casesRouter(deps: CasesRouterDeps): Router {
  const router = Router();
  const json = express.json({ limit: '100kb', strict: true, inflate: false, type: () => true });

  const limit: RequestHandler = deps.registrationLimiter ?? ((_req, _res, next) => next());
  router.post('/api/cases', limit, requireJson, json, async (req, res) => {
    const result = await registerCase(deps, req.body);
    deps.metrics.casesRegistered.inc({ environment: result.case.environment });
    res
      .status(201)
      .location(`/api/cases/${result.id}`)
      .setHeader('Cache-Control', 'no-store')
      .json(result);
  });

  router.get('/api/cases/:id', async (req, res) => {
    const record = await loadCaseForToken(deps.cases, String(req.params.id), bearerToken(req));
    const [history, deliveries] = await Promise.all([deps.cases.events(record.id), deps.outbox.listForCase(record.id)]);
    res.setHeader('Cache-Control', 'no-store').json({ case: caseView(record), checklist: checklistOf(record), history, deliveries: deliveries.map(deliveryView) });
  });

  return router;
}
