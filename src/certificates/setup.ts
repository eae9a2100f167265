import type { CertificateConfig } from '../config.js';
import { createCertificateValidator, type CertificateValidator } from './engine.js';
import { createRevocationChecker, type RevocationChecker, type RevocationTransport } from './revocation/index.js';
import { loadTrustStore, type TrustStore } from './trust-store.js';

export interface ValidatorOverrides {
  clock: () => Date;
  trust?: TrustStore;
  revocation?: RevocationChecker;
  transport?: RevocationTransport;
}

/** The validator as configured (CERT_* variables); the service and the CLI both build it here. */
export function createConfiguredValidator(config: CertificateConfig, overrides: ValidatorOverrides): CertificateValidator {
  const trust = overrides.trust ?? loadTrustStore(config.trustDir);
  const revocation =
    overrides.revocation ??
    createRevocationChecker({
      mode: config.revocation,
      timeoutMs: config.revocationTimeoutMs,
      crlMaxBytes: config.crlMaxBytes,
      ...(overrides.transport ? { transport: overrides.transport } : {}),
    });
  return createCertificateValidator({ trust, clock: overrides.clock, revocation });
}
