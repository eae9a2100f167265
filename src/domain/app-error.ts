import type { Localized } from './locale.js';

/**
 * A failure the user can act on. `code` is stable and machine-readable; `title`
 * and `detail` are what the person reads, in every language; `status` is the HTTP
 * status the API answers with. Anything that is not an AppError is a bug and
 * becomes a 500 without internal details.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly title: Localized;
  readonly detail: Localized;
  /** Extra members of the problem document (RFC 9457 extensions). */
  readonly extensions: Readonly<Record<string, unknown>>;
  readonly headers: Readonly<Record<string, string>>;

  constructor(options: {
    code: string;
    status: number;
    title: Localized;
    detail: Localized;
    extensions?: Record<string, unknown>;
    headers?: Record<string, string>;
    cause?: unknown;
  }) {
    super(`${options.code}: ${options.detail.en}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = options.code;
    this.status = options.status;
    this.title = options.title;
    this.detail = options.detail;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }
}

/** "Not found" for anything the caller may not see; never says whether it exists. */
export function notFound(what: Localized = { nb: 'Fant ikke saken.', nn: 'Fann ikkje saka.', en: 'Case not found.' }): AppError {
  return new AppError({
    code: 'not-found',
    status: 404,
    title: { nb: 'Ikke funnet', nn: 'Ikkje funne', en: 'Not found' },
    detail: {
      nb: `${what.nb} Sjekk adressen og tilgangsnøkkelen.`,
      nn: `${what.nn} Sjekk adressa og tilgangsnøkkelen.`,
      en: `${what.en} Check the address and the access token.`,
    },
  });
}
