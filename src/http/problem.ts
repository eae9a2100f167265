import type { Request, Response } from 'express';
import { AppError } from '../domain/app-error.js';
import { negotiateLocale, type Locale } from '../domain/locale.js';
import { ValidationFailedError } from '../cases/errors.js';

/** The locale a request's messages are written in (Accept-Language; nb by default). */
export function requestLocale(req: Request): Locale {
  return negotiateLocale(req.get('accept-language'));
}

/** Writes an AppError as RFC 9457 application/problem+json. */
export function sendProblem(req: Request, res: Response, error: AppError): void {
  const locale = requestLocale(req);
  const body: Record<string, unknown> = {
    type: `/problems/${error.code}`,
    title: error.title[locale],
    status: error.status,
    detail: error.detail[locale],
    instance: req.originalUrl.split('?')[0],
    code: error.code,
    requestId: res.locals.requestId,
    ...error.extensions,
  };
  if (error instanceof ValidationFailedError) body.errors = error.localizedErrors(locale);
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.status(error.status).type('application/problem+json').setHeader('Content-Language', locale).send(JSON.stringify(body));
}
