import { createHash } from 'node:crypto';
import { CertificateParseError, formatFingerprint, parseCertificate, signedBy, type ParsedCertificate } from './certificate.js';
import { sameBytes } from './der.js';
import { DEFAULT_SUBMISSION_LIMITS, readSubmission, SubmissionError, type SubmissionLimits } from './input.js';
import type { RevocationChecker, RevocationOutcome } from './revocation/types.js';
import {
  basicConstraintsRule,
  certificateTypeRule,
  chainRule,
  criticalExtensionsRule,
  extendedKeyUsageNames,
  findOrganizationNumber,
  keyStrengthRule,
  keyUsageRule,
  makeCheck,
  organizationNumberRule,
  policyRule,
  seidVersionOf,
  signatureAlgorithmRule,
  signatureRule,
  validityRule,
  type RuleContext,
} from './rules.js';
import type { TrustedCa, TrustStore } from './trust-store.js';
import { verdictOf, type Check, type CertificateResult, type CertificateSummary, type ValidationRequest } from './types.js';

/**
 * The validation engine: one instance serves the HTTP routes, the CLI and the
 * benchmark. Everything it depends on is passed in (trust list, clock,
 * revocation checker), so it is the same code with the same answers everywhere,
 * and tests can pin time and the network.
 */

export interface CertificateValidatorDeps {
  trust: TrustStore;
  clock: () => Date;
  revocation: RevocationChecker;
  limits?: SubmissionLimits;
}

export interface CertificateValidator {
  /** Reads a submission (PEM, DER, PKCS#7, ZIP) and validates every leaf in it. Throws SubmissionError for unusable input. */
  validateSubmission(bytes: Uint8Array, request: ValidationRequest): Promise<CertificateResult[]>;
  /** Validates DER certificates already extracted; leaves are told apart from their chain. */
  validateCertificates(certificates: readonly Uint8Array[], request: ValidationRequest): Promise<CertificateResult[]>;
  readonly trust: TrustStore;
  readonly revocationMode: RevocationChecker['mode'];
}

const MAX_LEAVES = 10;

/**
 * The end-entity certificates of a submission: those that did not issue another
 * certificate in it. Copies of our own CA certificates and self-signed roots that
 * came along are dropped, unless nothing else is there (then they are what the
 * user sent, and get rejected with a reason).
 */
export function selectLeaves(certificates: readonly ParsedCertificate[], trust: TrustStore): ParsedCertificate[] {
  // Names only, no signature check: this only decides which of the sender's own
  // certificates get a verdict, and every verdict checks signatures itself.
  const issuedSomething = (candidate: ParsedCertificate) =>
    certificates.some((other) => other !== candidate && sameBytes(other.issuer.der, candidate.subject.der));
  const leaves = certificates.filter((c) => !issuedSomething(c));
  const known = new Set([...trust.issuingCas, ...trust.roots].map((ca) => ca.cert.sha256));
  const chainOnly = (c: ParsedCertificate) => known.has(c.sha256) || (c.selfIssued && c.basicConstraints?.ca === true);
  const real = leaves.filter((c) => !chainOnly(c));
  return (real.length > 0 ? real : leaves).slice(0, MAX_LEAVES);
}

function summarize(leaf: ParsedCertificate, signer: TrustedCa | null, organizationNumber: string | null, seidVersion: 1 | 2 | null): CertificateSummary {
  const issuing = signer?.role === 'enterprise-issuing-ca' ? signer : null;
  return {
    subject: leaf.subject.text,
    issuer: leaf.issuer.text,
    serialNumber: leaf.serialNumber,
    organizationNumber,
    seidVersion,
    issuingCa: issuing?.name ?? null,
    environment: issuing?.environment ?? null,
    notBefore: leaf.notBefore.toISOString(),
    notAfter: leaf.notAfter.toISOString(),
    keyAlgorithm: leaf.key.algorithm,
    keySize: leaf.key.size,
    keyCurve: leaf.key.curve,
    keyUsage: [...(leaf.keyUsage ?? [])],
    extendedKeyUsage: extendedKeyUsageNames(leaf),
    policies: [...leaf.policies],
    sha256Fingerprint: formatFingerprint(leaf.sha256),
  };
}

function revocationCheck(outcome: RevocationOutcome, at: Date): Check {
  const id = 'revocation';
  switch (outcome.status) {
    case 'good':
      return makeCheck(id, 'pass', `rev.good.${outcome.source}`, { url: outcome.url });
    case 'revoked': {
      const params = { revokedAt: outcome.revokedAt.toISOString(), reason: outcome.reason ?? 'unspecified', url: outcome.url };
      // Validating "as of" a moment before the revocation: it was valid then, but say so.
      if (outcome.revokedAt > at) return makeCheck(id, 'warn', `rev.revoked-later.${outcome.source}`, params);
      return makeCheck(id, 'fail', `rev.revoked.${outcome.source}`, params);
    }
    case 'unknown':
      return makeCheck(id, 'fail', `rev.unknown.${outcome.source}`, { url: outcome.url });
    case 'error':
      return makeCheck(id, 'fail', `rev.error.${outcome.source}`, { problem: outcome.problem, detail: outcome.detail, url: outcome.url ?? '-' });
  }
}

export function createCertificateValidator(deps: CertificateValidatorDeps): CertificateValidator {
  const { trust, clock, revocation } = deps;

  async function validateLeaf(leaf: ParsedCertificate, submitted: readonly ParsedCertificate[], request: ValidationRequest): Promise<CertificateResult> {
    const at = request.at ?? clock();
    const named = trust.anyNamed(leaf.issuer);
    // Prefer an issuing CA of the requested environment when names repeat across environments.
    const verifying = named.filter((ca) => signedBy(leaf, ca.cert.publicKey));
    const signer =
      verifying.find((ca) => ca.role === 'enterprise-issuing-ca' && ca.environment === request.environment) ??
      verifying.find((ca) => ca.role === 'enterprise-issuing-ca') ??
      verifying[0] ??
      null;
    const ctx: RuleContext = { leaf, submitted, trust, request: { ...request, at }, signer, named };
    const seidVersion = seidVersionOf(leaf, signer);
    const organization = findOrganizationNumber(leaf, seidVersion);
    const checks: Check[] = [
      chainRule(ctx),
      signatureRule(ctx),
      validityRule(ctx),
      certificateTypeRule(ctx),
      organizationNumberRule(ctx, organization),
      policyRule(ctx),
      keyUsageRule(ctx),
      keyStrengthRule(ctx),
      signatureAlgorithmRule(ctx),
      basicConstraintsRule(ctx),
      criticalExtensionsRule(ctx),
    ];
    if (revocation.mode === 'off') checks.push(makeCheck('revocation', 'skipped', 'rev.off'));
    else if (checks.some((c) => c.status === 'fail')) checks.push(makeCheck('revocation', 'skipped', 'rev.not-needed', { mode: revocation.mode }));
    else checks.push(revocationCheck(await revocation.check({ leaf, issuer: signer!.cert }, clock()), at));

    return {
      verdict: verdictOf(checks),
      certificate: summarize(leaf, signer, organization.number ?? null, seidVersion),
      checks,
      der: leaf.der,
      sha256: leaf.sha256,
      at,
      purpose: request.purpose,
    };
  }

  // CA certificates that come along with a leaf are usually our own; parsing X.509 is
  // the expensive part of a validation, so those are taken from the trust list.
  const known = new Map([...trust.issuingCas, ...trust.roots].map((ca) => [ca.cert.sha256, ca.cert]));

  async function validateCertificates(certificates: readonly Uint8Array[], request: ValidationRequest): Promise<CertificateResult[]> {
    const parsed = certificates.map((der, index) => {
      const cached = known.size > 0 ? known.get(createHash('sha256').update(der).digest('hex')) : undefined;
      if (cached) return cached;
      try {
        return parseCertificate(der);
      } catch (error) {
        if (error instanceof CertificateParseError) throw new SubmissionError({ kind: 'unreadable-certificate', index: index + 1 });
        throw error;
      }
    });
    const leaves = selectLeaves(parsed, trust);
    return Promise.all(leaves.map((leaf) => validateLeaf(leaf, parsed, request)));
  }

  return {
    trust,
    revocationMode: revocation.mode,
    validateCertificates,
    async validateSubmission(bytes, request) {
      return validateCertificates(readSubmission(bytes, deps.limits ?? DEFAULT_SUBMISSION_LIMITS), request);
    },
  };
}

/** The result the caller should act on: the first accepted leaf, or else the first one. */
export function primaryResult(results: readonly CertificateResult[]): CertificateResult {
  const first = results.find((r) => r.verdict === 'accepted') ?? results[0];
  if (!first) throw new Error('no results');
  return first;
}
