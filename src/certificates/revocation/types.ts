import type { ParsedCertificate } from '../certificate.js';

/**
 * Revocation behind two small seams: a checker the engine calls (so the engine
 * stays pure and tests can inject one), and a transport the checkers use for
 * the network (so OCSP and CRL logic is tested against real responders and
 * files, and timeouts live in one place).
 */

export type RevocationMode = 'off' | 'ocsp' | 'crl';

/** Why a revocation answer could not be had; every one of these fails closed. */
export type RevocationProblem =
  | 'no-url'
  | 'unreachable'
  | 'timeout'
  | 'http-status'
  | 'too-large'
  | 'malformed'
  | 'bad-signature'
  | 'unauthorized-responder'
  | 'stale'
  | 'not-yet-valid'
  | 'wrong-certificate'
  | 'nonce-mismatch'
  | 'responder-error'
  | 'wrong-issuer'
  | 'unsupported';

export type RevocationOutcome =
  | { status: 'good'; source: 'ocsp' | 'crl'; url: string; checkedAt: Date }
  | { status: 'revoked'; source: 'ocsp' | 'crl'; url: string; revokedAt: Date; reason: string | null }
  | { status: 'unknown'; source: 'ocsp' | 'crl'; url: string }
  | { status: 'error'; source: 'ocsp' | 'crl'; url: string | null; problem: RevocationProblem; detail: string };

export interface RevocationSubject {
  leaf: ParsedCertificate;
  issuer: ParsedCertificate;
}

export interface RevocationChecker {
  readonly mode: RevocationMode;
  /** `now` is the real time: revocation data must be fresh now, whatever moment the certificate is validated for. */
  check(subject: RevocationSubject, now: Date): Promise<RevocationOutcome>;
}

export interface TransportRequest {
  url: string;
  method: 'GET' | 'POST';
  body?: Uint8Array;
  contentType?: string;
  accept: string;
  timeoutMs: number;
  maxBytes: number;
}

export class TransportError extends Error {
  constructor(
    readonly problem: Extract<RevocationProblem, 'unreachable' | 'timeout' | 'http-status' | 'too-large' | 'unsupported'>,
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export interface RevocationTransport {
  /** The response body of a 200 answer; anything else throws TransportError. */
  fetch(request: TransportRequest): Promise<Uint8Array>;
}

/** The checker for CERT_REVOCATION=off: never called for a verdict, but honest if it is. */
export const revocationOff: RevocationChecker = {
  mode: 'off',
  async check() {
    throw new Error('revocation checking is off');
  },
};
