import { Router } from 'express';
import { AppError } from '../domain/app-error.js';
import type { Metrics } from '../observability/metrics.js';
import { buildOpenApiDocument } from './openapi.js';

export interface OpsRouterDeps {
  metrics: Metrics;
  /** Each check throws when its dependency is not usable. */
  readinessChecks: Record<string, () => Promise<void>>;
  version: string;
}

export function opsRouter(deps: OpsRouterDeps): Router {
  const router = Router();
  const openapi = JSON.stringify(buildOpenApiDocument(deps.version));

  router.get('/healthz', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store').json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const results: Record<string, string> = {};
    let ready = true;
    for (const [name, check] of Object.entries(deps.readinessChecks)) {
      try {
        await check();
        results[name] = 'ok';
      } catch {
        results[name] = 'unavailable';
        ready = false;
      }
    }
    if (!ready) {
      throw new AppError({
        code: 'not-ready',
        status: 503,
        title: { nb: 'Ikke klar', nn: 'Ikkje klar', en: 'Not ready' },
        detail: {
          nb: `Tjenesten er ikke klar: ${JSON.stringify(results)}`,
          nn: `Tenesta er ikkje klar: ${JSON.stringify(results)}`,
          en: `The service is not ready: ${JSON.stringify(results)}`,
        },
        extensions: { checks: results },
        headers: { 'Retry-After': '5' },
      });
    }
    res.setHeader('Cache-Control', 'no-store').json({ status: 'ready', checks: results });
  });

  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(openapi);
  });

  return router;
}
