import { AppError } from '../domain/app-error.js';
import type { Locale, Localized } from '../domain/locale.js';

/** Failures of the documents capability that a user (or client) can act on. */

export function documentNotFound(docId: string): AppError {
  return new AppError({
    code: 'document-not-found',
    status: 404,
    title: { nb: 'Dokumentet finnes ikke', nn: 'Dokumentet finst ikkje', en: 'No such document' },
    detail: {
      nb: `Det finnes ikke noe dokument «${docId}». Se GET /api/cases/{id}/documents for dokumentene saken trenger.`,
      nn: `Det finst ikkje noko dokument «${docId}». Sjå GET /api/cases/{id}/documents for dokumenta saka treng.`,
      en: `There is no document "${docId}". See GET /api/cases/{id}/documents for the documents the case needs.`,
    },
  });
}

/** The document exists but the case's checklist does not call for it; says why. */
export function documentNotApplicable(docId: string, title: Localized, reason: Localized): AppError {
  return new AppError({
    code: 'document-not-applicable',
    status: 404,
    title: { nb: 'Dokumentet gjelder ikke denne saken', nn: 'Dokumentet gjeld ikkje denne saka', en: 'Document does not apply to this case' },
    detail: {
      nb: `«${title.nb}» trengs ikke for denne saken: ${reason.nb}`,
      nn: `«${title.nn}» trengst ikkje for denne saka: ${reason.nn}`,
      en: `"${title.en}" is not needed for this case: ${reason.en}`,
    },
    extensions: { document: docId, reason },
  });
}

export function localeUnavailable(docId: string, locales: Locale[]): AppError {
  const list = locales.join(', ');
  return new AppError({
    code: 'document-language-unavailable',
    status: 404,
    title: { nb: 'Språket finnes ikke for dokumentet', nn: 'Språket finst ikkje for dokumentet', en: 'Language not available' },
    detail: {
      nb: `Dokumentet «${docId}» finnes bare på: ${list}. Velg ett av dem med ?lang=.`,
      nn: `Dokumentet «${docId}» finst berre på: ${list}. Vel eitt av dei med ?lang=.`,
      en: `Document "${docId}" exists only in: ${list}. Choose one of them with ?lang=.`,
    },
    extensions: { locales },
  });
}

export function renderQueueFull(retryAfterSeconds: number): AppError {
  return new AppError({
    code: 'render-busy',
    status: 429,
    title: { nb: 'For mange dokumenter lages nå', nn: 'For mange dokument blir laga no', en: 'Too many documents being made' },
    detail: {
      nb: `Køen for å lage PDF-er er full. Prøv igjen om ${retryAfterSeconds} sekunder.`,
      nn: `Køen for å lage PDF-ar er full. Prøv igjen om ${retryAfterSeconds} sekund.`,
      en: `The queue for making PDFs is full. Try again in ${retryAfterSeconds} seconds.`,
    },
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });
}

export function renderTimedOut(timeoutMs: number): AppError {
  return new AppError({
    code: 'render-timeout',
    status: 503,
    title: { nb: 'Dokumentet ble ikke ferdig i tide', nn: 'Dokumentet vart ikkje ferdig i tide', en: 'Document not ready in time' },
    detail: {
      nb: `PDF-en ble ikke laget innen ${timeoutMs} ms. Prøv igjen om litt.`,
      nn: `PDF-en vart ikkje laga innan ${timeoutMs} ms. Prøv igjen om litt.`,
      en: `The PDF was not made within ${timeoutMs} ms. Try again shortly.`,
    },
    headers: { 'Retry-After': '5' },
  });
}

export function rendererUnavailable(): AppError {
  return new AppError({
    code: 'renderer-unavailable',
    status: 503,
    title: { nb: 'PDF-tjenesten er utilgjengelig', nn: 'PDF-tenesta er utilgjengeleg', en: 'PDF renderer unavailable' },
    detail: {
      nb: 'PDF-er kan ikke lages akkurat nå. Prøv igjen om litt; kontakt servicedesk@digdir.no hvis det varer.',
      nn: 'PDF-ar kan ikkje lagast akkurat no. Prøv igjen om litt; kontakt servicedesk@digdir.no om det varer.',
      en: 'PDFs cannot be made right now. Try again shortly; contact servicedesk@digdir.no if it persists.',
    },
    headers: { 'Retry-After': '10' },
  });
}
