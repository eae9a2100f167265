import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '../domain/app-error.js';
import type { Logger } from '../observability/logger.js';
import { sendProblem } from './problem.js';

/** Errors raised by Express's body parsers, keyed by their `type`. */
const BODY_PARSER_ERRORS: Record<string, () => AppError> = {
  'entity.too.large': () =>
    new AppError({
      code: 'payload-too-large',
      status: 413,
      title: { nb: 'For stor forespørsel', nn: 'For stor førespurnad', en: 'Payload too large' },
      detail: {
        nb: 'Forespørselen er større enn 100 kB. Send bare registreringsopplysningene.',
        nn: 'Førespurnaden er større enn 100 kB. Send berre registreringsopplysningane.',
        en: 'The request body is larger than 100 kB. Send only the registration details.',
      },
    }),
  'entity.parse.failed': () =>
    new AppError({
      code: 'malformed-json',
      status: 400,
      title: { nb: 'Ugyldig JSON', nn: 'Ugyldig JSON', en: 'Malformed JSON' },
      detail: {
        nb: 'Innholdet kunne ikke leses som et JSON-objekt. Sjekk kommaer, anførselstegn og klammer.',
        nn: 'Innhaldet kunne ikkje lesast som eit JSON-objekt. Sjekk komma, hermeteikn og klammer.',
        en: 'The body could not be read as a JSON object. Check commas, quotes and brackets.',
      },
    }),
  'encoding.unsupported': () => unsupportedEncoding(),
  'charset.unsupported': () => unsupportedEncoding(),
  'request.aborted': () =>
    new AppError({
      code: 'request-aborted',
      status: 400,
      title: { nb: 'Forespørselen ble avbrutt', nn: 'Førespurnaden vart avbroten', en: 'Request aborted' },
      detail: { nb: 'Forespørselen ble avbrutt før hele innholdet kom fram. Prøv igjen.', nn: 'Førespurnaden vart avbroten før heile innhaldet kom fram. Prøv igjen.', en: 'The request was aborted before the whole body arrived. Try again.' },
    }),
};

function malformedAddress(): AppError {
  return new AppError({
    code: 'malformed-address',
    status: 400,
    title: { nb: 'Ugyldig adresse', nn: 'Ugyldig adresse', en: 'Malformed address' },
    detail: {
      nb: 'Adressen inneholder en ugyldig %-koding. Kopier lenken på nytt eller se /openapi.json.',
      nn: 'Adressa inneheld ei ugyldig %-koding. Kopier lenka på nytt eller sjå /openapi.json.',
      en: 'The address contains a malformed %-escape. Copy the link again or see /openapi.json.',
    },
  });
}

function unsupportedEncoding(): AppError {
  return new AppError({
    code: 'unsupported-encoding',
    status: 415,
    title: { nb: 'Ukjent tegnsett eller koding', nn: 'Ukjent teiknsett eller koding', en: 'Unsupported encoding' },
    detail: { nb: 'Send innholdet som UTF-8 uten komprimering.', nn: 'Send innhaldet som UTF-8 utan komprimering.', en: 'Send the body as UTF-8 without compression.' },
  });
}

export function unsupportedMediaType(expected: string): AppError {
  return new AppError({
    code: 'unsupported-media-type',
    status: 415,
    title: { nb: 'Feil innholdstype', nn: 'Feil innhaldstype', en: 'Unsupported media type' },
    detail: {
      nb: `Send innholdet med Content-Type: ${expected}.`,
      nn: `Send innhaldet med Content-Type: ${expected}.`,
      en: `Send the body with Content-Type: ${expected}.`,
    },
  });
}

/** Rejects anything but JSON before the parser runs. */
export const requireJson: RequestHandler = (req, _res, next) => {
  if (req.is(['application/json', 'application/*+json'])) return next();
  next(unsupportedMediaType('application/json'));
};

export const routeNotFound: RequestHandler = (_req, _res, next) => {
  next(
    new AppError({
      code: 'not-found',
      status: 404,
      title: { nb: 'Ikke funnet', nn: 'Ikkje funne', en: 'Not found' },
      detail: { nb: 'Adressen finnes ikke. Se /openapi.json for API-et.', nn: 'Adressa finst ikkje. Sjå /openapi.json for API-et.', en: 'No such address. See /openapi.json for the API.' },
    }),
  );
};

/** The one place where failures become HTTP answers. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    let appError: AppError | undefined;
    if (error instanceof AppError) appError = error;
    else if (typeof error === 'object' && error !== null && 'type' in error) {
      const make = BODY_PARSER_ERRORS[String((error as { type: unknown }).type)];
      appError = make?.();
    }
    // The router's "Failed to decode param" for a path like /api/cases/%ZZ.
    // (The router marks it with status 400; a URIError of our own stays a logged 500.)
    if (!appError && error instanceof URIError && (error as URIError & { status?: number }).status === 400) appError = malformedAddress();
    if (!appError) {
      logger.error({ err: error, requestId: res.locals.requestId }, 'unhandled error');
      appError = new AppError({
        code: 'internal-error',
        status: 500,
        title: { nb: 'Intern feil', nn: 'Intern feil', en: 'Internal error' },
        detail: {
          nb: 'Noe gikk galt hos oss. Prøv igjen om litt; oppgi forespørsels-ID-en hvis du kontakter servicedesk.',
          nn: 'Noko gjekk gale hos oss. Prøv igjen om litt; oppgi førespurnads-ID-en om du kontaktar servicedesk.',
          en: 'Something went wrong on our side. Try again shortly; quote the request id if you contact servicedesk.',
        },
      });
    } else if (appError.status >= 500) {
      logger.error({ err: error, requestId: res.locals.requestId, code: appError.code }, 'request failed');
    }
    sendProblem(req, res, appError);
  };
}
