import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../domain/app-error.js';
import { isLocale, negotiateLocale, type Locale } from '../domain/locale.js';
import { randomId, readCookie, safeEqual, setCookie, sign } from './cookies.js';
import { translate, type Catalog } from './i18n.js';
import type { PageContext, RenderPage } from './views.js';

/** What every web page handler needs. */
export interface WebDeps {
  render: RenderPage;
  catalog: Catalog;
  /** Key for CSRF tokens and the servicedesk session cookie. */
  secret: Buffer;
}

const LANG_COOKIE = 'efm_lang';
const CSRF_COOKIE = 'efm_csrf';

/** Locale: an explicit choice (cookie) wins over the browser's Accept-Language. */
export function pageLocale(req: Request): Locale {
  const chosen = readCookie(req, LANG_COOKIE);
  return isLocale(chosen) ? chosen : negotiateLocale(req.get('accept-language'));
}

/** `?lang=nn` on any page stores the choice and reloads the page without the parameter. */
export const languageSwitch: RequestHandler = (req, res, next) => {
  const lang = req.query.lang;
  if (req.method !== 'GET' || lang === undefined) return next();
  // On a document download ?lang= is the document's language, not the site's.
  if (DOCUMENT_DOWNLOAD.test(req.path)) return next();
  if (isLocale(lang)) setCookie(req, res, LANG_COOKIE, lang, { sameSite: 'Lax', maxAgeSeconds: 365 * 24 * 3600 });
  res.redirect(303, sameSiteTarget(req.originalUrl));
};

// Case-insensitive like Express's routing: /CASE/… reaches the same download.
const DOCUMENT_DOWNLOAD = /^\/case\/[^/]+\/documents\/[^/]+\.pdf$/i;

/**
 * Where the language switch sends the browser back to: the same page with its other
 * query parameters (filters), and never another site. A path starting with // or /\
 * would be read by browsers as a host ("//evil.example/"), so leading slashes and
 * backslashes collapse to one.
 */
export function sameSiteTarget(originalUrl: string): string {
  const questionMark = originalUrl.indexOf('?');
  const rawPath = questionMark < 0 ? originalUrl : originalUrl.slice(0, questionMark);
  const query = new URLSearchParams(questionMark < 0 ? '' : originalUrl.slice(questionMark + 1));
  query.delete('lang');
  const pathPart = `/${rawPath.replace(/^[\/\\]+/, '').replace(/[\\]/g, '/')}`;
  const search = query.toString();
  return search ? `${pathPart}?${search}` : pathPart;
}

/**
 * CSRF: a random HttpOnly cookie, and every form carries HMAC(secret, cookie). A
 * cross-site form cannot read the cookie, so it cannot produce the field.
 */
export function csrfToken(deps: WebDeps, req: Request, res: Response): string {
  let value = (res.locals.csrfCookie as string | undefined) ?? readCookie(req, CSRF_COOKIE);
  if (!value || !/^[A-Za-z0-9_-]{20,64}$/.test(value)) {
    value = randomId();
    setCookie(req, res, CSRF_COOKIE, value, { sameSite: 'Strict' });
  }
  res.locals.csrfCookie = value;
  return sign(deps.secret, `csrf:${value}`);
}

export function csrfRejected(): AppError {
  return new AppError({
    code: 'csrf-rejected',
    status: 403,
    title: { nb: 'Skjemaet er utløpt', nn: 'Skjemaet har gått ut', en: 'The form has expired' },
    detail: {
      nb: 'Skjemaet kunne ikke bekreftes. Last siden på nytt og send skjemaet igjen.',
      nn: 'Skjemaet kunne ikkje stadfestast. Last sida på nytt og send skjemaet igjen.',
      en: 'The form could not be verified. Reload the page and send the form again.',
    },
  });
}

export function verifyCsrf(deps: WebDeps, req: Request, submitted: unknown): void {
  const cookie = readCookie(req, CSRF_COOKIE);
  if (!cookie || typeof submitted !== 'string' || !safeEqual(submitted, sign(deps.secret, `csrf:${cookie}`))) throw csrfRejected();
}

/** Renders a page with the common context filled in. */
export function renderPage(deps: WebDeps, req: Request, res: Response, view: string, titleKey: string, context: Record<string, unknown> = {}, status = 200): void {
  const locale = pageLocale(req);
  const page: PageContext = {
    locale,
    title: translate(deps.catalog, locale, titleKey, (context.titleParams ?? {}) as Record<string, string>),
    // A GET page switches to itself with its filters kept; a form answered with errors
    // (a POST) switches to the page the form is on, which the caller names as languagePath.
    path: typeof context.languagePath === 'string' ? context.languagePath : req.method === 'GET' ? sameSiteTarget(req.originalUrl) : req.path,
    csrf: csrfToken(deps, req, res),
    ...context,
  };
  res
    .status(status)
    .setHeader('Cache-Control', 'no-store')
    .setHeader('Content-Language', locale)
    .type('html')
    .send(deps.render(view, page));
}

/** A page with a heading and one message, for errors and not-found. */
export function renderMessage(deps: WebDeps, req: Request, res: Response, status: number, heading: string, text: string): void {
  renderPage(deps, req, res, 'message', 'error.title', { heading, text, title: heading }, status);
}
