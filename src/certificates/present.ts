import type { Locale } from '../domain/locale.js';
import { primaryResult } from './engine.js';
import { checkMessage } from './messages.js';
import type { Check, CertificateResult, CertificateSummary, CheckStatus, Verdict } from './types.js';

/** The API shape of one validated certificate. */
export interface ResultView {
  verdict: Verdict;
  certificate: CertificateSummary;
  checks: Array<{ id: string; status: CheckStatus; code: string; message: string }>;
}

/**
 * The response body: the primary result (first accepted leaf, else the first
 * leaf) at the top, exactly the documented shape, and every leaf of the
 * submission in `results` (one entry in the common case of one certificate).
 */
export interface ValidationView extends ResultView {
  results: ResultView[];
}

export function renderChecks(checks: readonly Check[], locale: Locale): ResultView['checks'] {
  return checks.map((c) => ({ id: c.id, status: c.status, code: c.code, message: checkMessage(c, locale) }));
}

export function renderResult(result: Pick<CertificateResult, 'verdict' | 'certificate' | 'checks'>, locale: Locale): ResultView {
  return { verdict: result.verdict, certificate: result.certificate, checks: renderChecks(result.checks, locale) };
}

export function renderValidation(results: readonly CertificateResult[], locale: Locale): ValidationView {
  return { ...renderResult(primaryResult(results), locale), results: results.map((r) => renderResult(r, locale)) };
}
