import { createCrlChecker } from './crl.js';
import { createHttpTransport } from './http-transport.js';
import { createOcspChecker } from './ocsp.js';
import { revocationOff, type RevocationChecker, type RevocationMode, type RevocationTransport } from './types.js';

export * from './types.js';
export { createCrlChecker, parseCrl } from './crl.js';
export { buildOcspRequest, createOcspChecker, evaluateOcspResponse, parseOcspResponse } from './ocsp.js';
export { createHttpTransport } from './http-transport.js';

export interface RevocationSettings {
  mode: RevocationMode;
  timeoutMs: number;
  crlMaxBytes: number;
  transport?: RevocationTransport;
}

/** The checker for a configured mode (CERT_REVOCATION). */
export function createRevocationChecker(settings: RevocationSettings): RevocationChecker {
  if (settings.mode === 'off') return revocationOff;
  const transport = settings.transport ?? createHttpTransport();
  if (settings.mode === 'ocsp') return createOcspChecker({ transport, timeoutMs: settings.timeoutMs });
  return createCrlChecker({ transport, timeoutMs: settings.timeoutMs, maxBytes: settings.crlMaxBytes });
}
