import type { CertificateEnvironment } from './trust-store.js';

export const PURPOSES = ['authentication', 'signing', 'encryption', 'any'] as const;
export type Purpose = (typeof PURPOSES)[number];

export const CHECK_STATUSES = ['pass', 'fail', 'warn', 'skipped'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/** Every check, in the order results list them. */
export const CHECK_IDS = [
  'chain',
  'signature',
  'validity',
  'certificate-type',
  'organization-number',
  'policy',
  'key-usage',
  'key-strength',
  'signature-algorithm',
  'basic-constraints',
  'critical-extensions',
  'revocation',
  'case-step',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export type CheckParams = Readonly<Record<string, string | number>>;

/** A check result before it is put into words: `code` picks the message, `params` fill it. */
export interface Check {
  id: CheckId;
  status: CheckStatus;
  code: string;
  params: CheckParams;
}

export interface ValidationRequest {
  organizationNumber: string;
  environment: CertificateEnvironment;
  /** Validate as of this moment; default now. */
  at?: Date;
  purpose: Purpose;
}

export type Verdict = 'accepted' | 'rejected';

/** What the API shows about a certificate (the response's `certificate`). */
export interface CertificateSummary {
  subject: string;
  issuer: string;
  serialNumber: string;
  organizationNumber: string | null;
  seidVersion: 1 | 2 | null;
  issuingCa: string | null;
  environment: CertificateEnvironment | null;
  notBefore: string;
  notAfter: string;
  keyAlgorithm: string;
  keySize: number | null;
  keyCurve: string | null;
  keyUsage: string[];
  extendedKeyUsage: string[];
  policies: string[];
  sha256Fingerprint: string;
}

export interface CertificateResult {
  verdict: Verdict;
  certificate: CertificateSummary;
  checks: Check[];
  /** The DER certificate (never a private key); stored with accepted and rejected submissions. */
  der: Uint8Array;
  /** Lower-case hex SHA-256 of `der`. */
  sha256: string;
  /** The moment validated for. */
  at: Date;
  purpose: Purpose;
}

export function verdictOf(checks: readonly Check[]): Verdict {
  return checks.some((c) => c.status === 'fail') ? 'rejected' : 'accepted';
}
