import { randomUUID } from 'node:crypto';
import express, { type Express, type RequestHandler, type Router } from 'express';
import helmet from 'helmet';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { errorHandler, routeNotFound } from './errors.js';

export interface AppOptions {
  logger: Logger;
  metrics: Metrics;
  /** Capability routers, mounted in order. */
  routers: Router[];
  trustProxy?: boolean | number | string;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Request id, access log and metrics, keyed by route pattern (never by raw URL). */
function observe(logger: Logger, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      // The route pattern, e.g. /api/cases/:id; raw paths may carry secrets later.
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      metrics.httpDuration.observe({ method: req.method, route }, seconds);
      logger.info({ requestId, method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1000) }, 'request');
    });
    next();
  };
}

export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? false);
  app.set('query parser', 'simple');
  app.use(observe(options.logger, options.metrics));
  app.use(
    helmet({
      // Case links carry secrets: never send them on in a Referer.
      referrerPolicy: { policy: 'no-referrer' },
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          objectSrc: ["'none'"],
        },
      },
    }),
  );
  for (const router of options.routers) app.use(router);
  app.use(routeNotFound);
  app.use(errorHandler(options.logger));
  return app;
}
