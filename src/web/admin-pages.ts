import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { generateToken, hashToken, tokenMatches } from '../cases/access-token.js';
import { loadCaseForAdmin } from '../cases/case-access.js';
import { caseView, checklistOf } from '../cases/case-view.js';
import { closeCase, completeStep, reopenStep, setDpoVerified } from '../cases/servicedesk-actions.js';
import { notFound } from '../domain/app-error.js';
import { SERVICES } from '../domain/registration.js';
import { STEP_IDS, type StepId } from '../domain/checklist.js';
import type { AdminSessionRepository } from '../storage/admin-session-repository.js';
import type { CaseRecord, CaseRepository } from '../storage/case-repository.js';
import { AdminCaseListQuery } from '../http/contracts.js';
import { clearCookie, readCookie, setCookie } from './cookies.js';
import { translate } from './i18n.js';
import { caseFacts } from './public-pages.js';
import type { FormBody } from './registration-form.js';
import { pageLocale, renderPage, verifyCsrf, type WebDeps } from './web-context.js';

export interface AdminPagesDeps extends WebDeps {
  cases: CaseRepository;
  clock: () => Date;
  adminTokenHash: string;
  sessions: AdminSessionRepository;
  /** Per case, how many uploads and certificates wait for a servicedesk decision. */
  pendingDecisions?: (caseIds: string[]) => Promise<Map<string, number>>;
  /** Limits login attempts per client address. */
  loginLimiter?: RequestHandler;
  /** Extra servicedesk routes (e.g. upload decisions), behind the session guard; `showCase` renders the case page (with a field error). */
  extraAdminRoutes?: (web: WebDeps, requireSession: RequestHandler, showCase: AdminCaseRenderer) => Router;
  /** Extra sections on the servicedesk case page, contributed by other capabilities. */
  caseSections?: ((record: CaseRecord, req: Request) => Promise<Record<string, unknown>>)[];
}

/** Renders the servicedesk case page, with extra view context (e.g. which form's field has an error) and a status. */
export type AdminCaseRenderer = (req: Request, res: Response, id: string, context?: Record<string, unknown>, status?: number) => Promise<void>;

const SESSION_COOKIE = 'efm_admin';
const SESSION_SECONDS = 8 * 3600;

/**
 * Servicedesk session: a random 256-bit value in an HttpOnly, SameSite=Strict
 * cookie scoped to /admin; the database keeps only its SHA-256, the expiry and the
 * admin token's hash at login. Reading the database gives no way in, logging out
 * ends the session on the server, and changing ADMIN_TOKEN logs every session out.
 */
async function hasSession(deps: AdminPagesDeps, req: Request): Promise<boolean> {
  const value = readCookie(req, SESSION_COOKIE);
  if (!value || !/^[A-Za-z0-9_-]{43}$/.test(value)) return false;
  const session = await deps.sessions.find(hashToken(value));
  if (!session || session.adminTokenHash !== deps.adminTokenHash) return false;
  return Date.parse(session.expiresAt) > deps.clock().getTime();
}

async function startSession(deps: AdminPagesDeps, req: Request, res: Response): Promise<void> {
  const now = deps.clock();
  // Now and then, not on every login: sessions that ran out are of no use to anyone.
  await deps.sessions.removeExpired(now.toISOString());
  const value = generateToken();
  await deps.sessions.create(hashToken(value), { adminTokenHash: deps.adminTokenHash, expiresAt: new Date(now.getTime() + SESSION_SECONDS * 1000).toISOString() }, now.toISOString());
  setCookie(req, res, SESSION_COOKIE, value, { sameSite: 'Strict', path: '/admin', maxAgeSeconds: SESSION_SECONDS });
}

/** Lets a request through only with a valid servicedesk session cookie. */
export function adminSessionGuard(deps: AdminPagesDeps): RequestHandler {
  return async (req, res, next) => {
    if (await hasSession(deps, req)) return next();
    if (req.method === 'GET') return res.redirect(303, '/admin/login');
    renderPage(deps, req, res, 'admin-login', 'admin.login.title', {}, 401);
  };
}

export function adminPages(deps: AdminPagesDeps): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, inflate: false, limit: '20kb', parameterLimit: 50 });
  const requireSession = adminSessionGuard(deps);

  router.get('/admin/login', async (req, res) => {
    if (await hasSession(deps, req)) return res.redirect(303, '/admin');
    renderPage(deps, req, res, 'admin-login', 'admin.login.title');
  });

  const limitLogins: RequestHandler = deps.loginLimiter ?? ((_req, _res, next) => next());
  router.post('/admin/login', limitLogins, form, async (req, res) => {
    const body = (req.body ?? {}) as FormBody;
    verifyCsrf(deps, req, body._csrf);
    const token = typeof body.token === 'string' ? body.token.trim() : '';
    if (!token || !tokenMatches(token, deps.adminTokenHash)) {
      const message = translate(deps.catalog, pageLocale(req), 'admin.login.invalid');
      return renderPage(deps, req, res, 'admin-login', 'admin.login.title', { fieldErrors: { token: message }, errorList: [{ field: 'token', message }] }, 401);
    }
    await startSession(deps, req, res);
    res.redirect(303, '/admin');
  });

  if (deps.extraAdminRoutes) router.use(deps.extraAdminRoutes(deps, requireSession, (req, res, id, context, status) => showCase(req, res, id, context, status)));

  router.post('/admin/logout', form, async (req, res) => {
    verifyCsrf(deps, req, (req.body as FormBody)?._csrf);
    const value = readCookie(req, SESSION_COOKIE);
    if (value) await deps.sessions.remove(hashToken(value));
    clearCookie(req, res, SESSION_COOKIE, '/admin');
    res.redirect(303, '/admin/login');
  });

  router.get('/admin', requireSession, async (req, res) => {
    const raw = Object.fromEntries(Object.entries(req.query).filter(([, v]) => v !== ''));
    const parsed = AdminCaseListQuery.safeParse(raw);
    const query = parsed.success ? parsed.data : AdminCaseListQuery.parse({});
    const { limit, offset, ...filter } = query;
    const [page, counts] = await Promise.all([deps.cases.list(filter, { limit, offset }), deps.cases.countByStatus()]);
    const pending = (await deps.pendingDecisions?.(page.items.map((record) => record.id))) ?? new Map<string, number>();
    const locale = pageLocale(req);
    const rows = page.items.map((record) => {
      const checklist = checklistOf(record);
      const applicable = checklist.filter((s) => s.status !== 'not-applicable');
      return {
        ...caseView(record),
        name: record.registration.names[locale],
        done: applicable.filter((s) => s.status === 'done').length,
        total: applicable.length,
        pending: pending.get(record.id) ?? 0,
      };
    });
    const link = (newOffset: number) => {
      const params = new URLSearchParams({ ...Object.fromEntries(Object.entries(filter).filter(([, v]) => v)), offset: String(newOffset), limit: String(limit) } as Record<string, string>);
      return `/admin?${params.toString()}`;
    };
    renderPage(deps, req, res, 'admin-cases', 'admin.cases', {
      rows,
      counts,
      filter,
      serviceOptions: SERVICES,
      prevHref: offset > 0 ? link(Math.max(0, offset - limit)) : undefined,
      nextHref: offset + limit < page.total ? link(offset + limit) : undefined,
    });
  });

  async function showCase(req: Request, res: Response, id: string, context: Record<string, unknown> = {}, status = 200) {
    const record = await loadCaseForAdmin(deps.cases, id);
    const locale = pageLocale(req);
    const view = caseView(record);
    const t = (key: string) => translate(deps.catalog, locale, key);
    const contact = (c: { name: string; email: string; mobile: string }) => `${c.name}, ${c.email}, ${c.mobile}`;
    const facts = [
      { label: t('form.names.nb'), value: view.names.nb },
      { label: t('form.names.nn'), value: view.names.nn },
      { label: t('form.names.en'), value: view.names.en },
      { label: t('form.names.acronym'), value: view.names.acronym },
      { label: t('form.sector'), value: t(`form.sector.${view.sector}`) },
      { label: t('admin.table.services'), value: view.services.join(', ') },
      { label: t('form.altinnServiceOwner'), value: t(view.altinnServiceOwner ? 'field.yes' : 'field.no') },
      { label: t('form.usesEInnsyn'), value: t(view.usesEInnsyn ? 'field.yes' : 'field.no') },
      { label: t('form.technicalContact'), value: contact(view.technicalContact) },
      { label: t('form.archiveContact'), value: contact(view.archiveContact) },
      { label: t('form.notificationContact'), value: contact(view.notificationContact) },
      { label: t('form.invoice'), value: [view.invoice.organizationNumber, view.invoice.reference, view.invoice.email, view.invoice.address && `${view.invoice.address.line1}, ${view.invoice.address.postalCode} ${view.invoice.address.city}`].filter(Boolean).join(' · ') },
      { label: t('form.archive'), value: [view.caseArchiveSystem.product, view.caseArchiveSystem.module].filter(Boolean).join(' – ') },
      { label: t('form.dpvIpAddresses'), value: view.dpvIpAddresses.join(', ') || '–' },
    ];
    const extra = Object.assign({}, ...(await Promise.all((deps.caseSections ?? []).map((section) => section(record, req)))));
    const base = caseFacts(deps, req, record);
    renderPage(deps, req, res, 'admin-case', 'case.title', {
      ...base,
      ...extra,
      admin: true,
      facts,
      dpoVerified: record.progress.dpoVerifiedAt !== null,
      history: await deps.cases.events(record.id),
      titleParams: { name: base.caseName },
      // Also when a form on it was answered with an error: switch languages on the case page.
      languagePath: `/admin/cases/${record.id}`,
      ...context,
    }, status);
  }

  router.get('/admin/cases/:id', requireSession, async (req, res) => {
    await showCase(req, res, String(req.params.id));
  });

  router.post('/admin/cases/:id/steps/:stepId', requireSession, form, async (req, res) => {
    const body = (req.body ?? {}) as FormBody;
    verifyCsrf(deps, req, body._csrf);
    const id = String(req.params.id);
    const step = String(req.params.stepId);
    // A step that does not exist is a broken form or link, not something to ignore quietly.
    if (!(STEP_IDS as readonly string[]).includes(step)) throw notFound({ nb: 'Steget finnes ikke.', nn: 'Steget finst ikkje.', en: 'No such step.' });
    const note = typeof body.note === 'string' && body.note.trim() ? body.note.trim().slice(0, 1000) : null;
    if (body.status === 'todo') await reopenStep(deps, id, step as StepId);
    else await completeStep(deps, id, step as StepId, note);
    res.redirect(303, `/admin/cases/${id}`);
  });

  router.post('/admin/cases/:id/dpo-verification', requireSession, form, async (req, res) => {
    const body = (req.body ?? {}) as FormBody;
    verifyCsrf(deps, req, body._csrf);
    await setDpoVerified(deps, String(req.params.id), body.verified === 'true');
    res.redirect(303, `/admin/cases/${String(req.params.id)}`);
  });

  router.post('/admin/cases/:id/close', requireSession, form, async (req, res) => {
    const body = (req.body ?? {}) as FormBody;
    verifyCsrf(deps, req, body._csrf);
    const id = String(req.params.id);
    const reason = typeof body.reason === 'string' ? body.reason.trim().slice(0, 1000) : '';
    if (!reason) {
      const message = translate(deps.catalog, pageLocale(req), 'admin.close.required');
      return showCase(req, res, id, { fieldErrors: { reason: message }, errorList: [{ field: 'reason', message }] }, 400);
    }
    await closeCase(deps, id, reason);
    res.redirect(303, `/admin/cases/${id}`);
  });

  return router;
}

export const ADMIN_SESSION_COOKIE = SESSION_COOKIE;
export { clearCookie };
