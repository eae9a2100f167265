import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { loadCaseForToken } from '../cases/case-access.js';
import { caseView, checklistOf } from '../cases/case-view.js';
import { ValidationFailedError } from '../cases/errors.js';
import { registerCase, type RegisterCaseDeps } from '../cases/register-case.js';
import { AppError } from '../domain/app-error.js';
import { ENVIRONMENTS, SECTORS, SERVICES } from '../domain/registration.js';
import type { CaseRecord, CaseRepository } from '../storage/case-repository.js';
import type { Metrics } from '../observability/metrics.js';
import { clearCookie, readCookie, setCookie } from './cookies.js';
import { translate } from './i18n.js';
import { formErrors, formToRegistration, formValues, type FormBody } from './registration-form.js';
import { pageLocale, renderMessage, renderPage, verifyCsrf, type WebDeps } from './web-context.js';

export interface PublicPagesDeps extends WebDeps, RegisterCaseDeps {
  cases: CaseRepository;
  clock: () => Date;
  metrics: Metrics;
  /** Base URL for the secret case link, e.g. https://onboarding.example.no; else taken from the request. */
  publicUrl: string | undefined;
  registrationLimiter?: RequestHandler;
  /** Extra sections of the case page (documents, uploads, certificates). */
  caseSections?: (record: CaseRecord, req: Request) => Promise<Record<string, unknown>>;
}

/** The per-case cookie that replaces the secret link once it has been opened. */
export const caseCookieName = (id: string) => `efm_case_${id.replace(/[^A-Za-z0-9-]/g, '')}`;

export function caseTokenFromCookie(req: Request, id: string): string | undefined {
  return readCookie(req, caseCookieName(id));
}

/** Loads the case for the browser's cookie, or throws the 404 AppError. */
export async function loadCaseForBrowser(deps: { cases: CaseRepository }, req: Request, id: string): Promise<CaseRecord> {
  return loadCaseForToken(deps.cases, id, caseTokenFromCookie(req, id));
}

export function caseFacts(deps: WebDeps, req: Request, record: CaseRecord) {
  const locale = pageLocale(req);
  const view = caseView(record);
  return {
    caseId: record.id,
    caseName: view.names[locale],
    organizationNumber: view.organizationNumber,
    environmentLabel: translate(deps.catalog, locale, `form.environment.${view.environment}`),
    createdLabel: new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'nb-NO', { dateStyle: 'long', timeZone: 'Europe/Oslo' }).format(new Date(view.createdAt)),
    status: view.status,
    closed: view.status === 'closed',
    closeReason: view.closeReason,
    checklist: checklistOf(record),
  };
}

export function publicPages(deps: PublicPagesDeps): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, inflate: false, limit: '100kb', parameterLimit: 200 });
  const formOptions = { sectors: SECTORS, environments: ENVIRONMENTS, services: SERVICES };

  router.get('/', (req, res) => renderPage(deps, req, res, 'home', 'home.title'));

  router.get('/register', (req, res) =>
    renderPage(deps, req, res, 'register', 'form.title', { ...formOptions, values: { sector: 'state', environment: 'test', services: [] } }),
  );

  const limit: RequestHandler = deps.registrationLimiter ?? ((_req, _res, next) => next());
  router.post('/register', limit, form, async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as FormBody;
    verifyCsrf(deps, req, body._csrf);
    const locale = pageLocale(req);
    try {
      const created = await registerCase(deps, formToRegistration(body));
      deps.metrics.casesRegistered.inc({ environment: created.case.environment });
      const base = deps.publicUrl ?? `${req.protocol}://${req.get('host')}`;
      renderPage(deps, req, res, 'created', 'created.title', { caseLink: `${base}/c/${created.id}/${created.accessToken}` }, 201);
    } catch (error) {
      if (error instanceof ValidationFailedError) {
        const { fieldErrors, errorList } = formErrors(error.fieldErrors, locale, (key) => translate(deps.catalog, locale, key));
        return renderPage(deps, req, res, 'register', 'form.title', { ...formOptions, values: formValues(body), fieldErrors, errorList, titlePrefix: true }, 400);
      }
      if (error instanceof AppError && error.code === 'case-exists') {
        const message = error.detail[locale];
        return renderPage(deps, req, res, 'register', 'form.title', {
          ...formOptions,
          values: formValues(body),
          fieldErrors: { organizationNumber: message },
          errorList: [{ field: 'organizationNumber', message }],
        }, 409);
      }
      throw error;
    }
  });

  // The secret link: swap it for an HttpOnly cookie and drop it from the address bar.
  router.get('/c/:id/:token', async (req, res) => {
    const id = String(req.params.id);
    const token = String(req.params.token);
    await loadCaseForToken(deps.cases, id, token);
    // Lax, not Strict: the link is usually opened from an e-mail (a cross-site navigation).
    setCookie(req, res, caseCookieName(id), token, { sameSite: 'Lax', path: `/case/${id}`, maxAgeSeconds: 180 * 24 * 3600 });
    res.setHeader('Cache-Control', 'no-store').redirect(303, `/case/${id}`);
  });

  router.get('/case/:id', async (req, res) => {
    const record = await loadCaseForBrowser(deps, req, String(req.params.id));
    const [history, sections] = await Promise.all([deps.cases.events(record.id), deps.caseSections?.(record, req) ?? {}]);
    const facts = caseFacts(deps, req, record);
    renderPage(deps, req, res, 'case', 'case.title', { ...facts, ...sections, history, titleParams: { name: facts.caseName } });
  });

  router.post('/case/:id/forget', form, (req, res) => {
    verifyCsrf(deps, req, (req.body as FormBody)?._csrf);
    const id = String(req.params.id);
    clearCookie(req, res, caseCookieName(id), `/case/${id}`);
    res.redirect(303, '/');
  });

  return router;
}

export { renderMessage };
