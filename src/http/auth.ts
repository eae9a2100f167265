import type { Request, RequestHandler } from 'express';
import { AppError } from '../domain/app-error.js';
import { tokenMatches } from '../cases/access-token.js';

/** The token from `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(req: Request): string | undefined {
  const header = req.get('authorization');
  if (!header) return undefined;
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]{1,512})\s*$/i.exec(header);
  return match?.[1];
}

export function unauthorized(): AppError {
  return new AppError({
    code: 'unauthorized',
    status: 401,
    title: { nb: 'Mangler tilgang', nn: 'Manglar tilgang', en: 'Unauthorized' },
    detail: {
      nb: 'Denne adressen krever servicedesk-nøkkelen i Authorization: Bearer <nøkkel>.',
      nn: 'Denne adressa krev servicedesk-nøkkelen i Authorization: Bearer <nøkkel>.',
      en: 'This address needs the servicedesk token in Authorization: Bearer <token>.',
    },
    headers: { 'WWW-Authenticate': 'Bearer realm="efm-onboarding-admin"' },
  });
}

export function requireAdmin(adminTokenHash: string): RequestHandler {
  return (req, res, next) => {
    const token = bearerToken(req);
    if (token === undefined || !tokenMatches(token, adminTokenHash)) return next(unauthorized());
    res.locals.actor = 'servicedesk';
    next();
  };
}
