import express, { Router, type ErrorRequestHandler } from 'express';
import path from 'node:path';
import { AppError } from '../domain/app-error.js';
import type { Logger } from '../observability/logger.js';
import { adminPages, type AdminPagesDeps } from './admin-pages.js';
import { loadCatalog } from './i18n.js';
import { projectRoot } from './project-path.js';
import { publicPages, type PublicPagesDeps } from './public-pages.js';
import { createViews } from './views.js';
import { languageSwitch, pageLocale, renderMessage, type WebDeps } from './web-context.js';
import { translate } from './i18n.js';

export interface WebOptions extends Omit<PublicPagesDeps & AdminPagesDeps, keyof WebDeps | 'caseSections'> {
  caseSections?: PublicPagesDeps['caseSections'];
  adminCaseSections?: AdminPagesDeps['caseSections'];
  secret: Buffer;
  logger: Logger;
  /** Extra page routers from other capabilities (documents, uploads, certificates). */
  extraRouters?: ((deps: WebDeps) => Router)[];
}

/** Paths that belong to the API and operations, never to the web pages. */
const NOT_WEB = /^\/(api|healthz|readyz|metrics|openapi\.json)(\/|$)/;

export function webRouter(options: WebOptions): { router: Router; deps: WebDeps } {
  const root = projectRoot();
  const catalog = loadCatalog(root);
  const deps: WebDeps = { render: createViews(root, catalog), catalog, secret: options.secret };
  const router = Router();
  router.use('/static', express.static(path.join(root, 'src/web/static'), { maxAge: '1h', index: false, fallthrough: false }));
  router.use((req, res, next) => (NOT_WEB.test(req.path) ? next('router') : next()));
  router.use(languageSwitch);
  router.use(publicPages({ ...options, ...deps, caseSections: options.caseSections }));
  router.use(adminPages({ ...options, ...deps, caseSections: options.adminCaseSections }));
  for (const extra of options.extraRouters ?? []) router.use(extra(deps));
  router.use((req, res) => {
    const locale = pageLocale(req);
    renderMessage(deps, req, res, 404, translate(catalog, locale, 'notfound.title'), translate(catalog, locale, 'notfound.text'));
  });
  const onError: ErrorRequestHandler = (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const locale = pageLocale(req);
    if (error instanceof AppError) {
      if (error.status >= 500) options.logger.error({ err: error, requestId: res.locals.requestId }, 'page failed');
      if (error.status === 404) {
        return renderMessage(deps, req, res, 404, translate(catalog, locale, 'notfound.title'), translate(catalog, locale, 'notfound.text'));
      }
      for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
      return renderMessage(deps, req, res, error.status, error.title[locale], error.detail[locale]);
    }
    const parserStatus = typeof error === 'object' && error !== null && 'status' in error ? Number((error as { status: unknown }).status) : 0;
    if (parserStatus >= 400 && parserStatus < 500) {
      return renderMessage(deps, req, res, parserStatus, translate(catalog, locale, 'error.title'), translate(catalog, locale, 'error.bad_request'));
    }
    options.logger.error({ err: error, requestId: res.locals.requestId }, 'page failed');
    renderMessage(deps, req, res, 500, translate(catalog, locale, 'error.title'), translate(catalog, locale, 'error.internal'));
  };
  router.use(onError);
  return { router, deps };
}
