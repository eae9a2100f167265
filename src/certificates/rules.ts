import { isValidOrganizationNumber } from '../domain/organization-number.js';
import { attributeValues, firstAttribute, signedBy, type ParsedCertificate } from './certificate.js';
import { sameBytes } from './der.js';
import { EKU_NAMES, OID, WEAK_HASHES } from './oids.js';
import type { TrustedCa, TrustStore } from './trust-store.js';
import type { Check, CheckId, CheckParams, CheckStatus, Purpose, ValidationRequest } from './types.js';

/**
 * The rules, one pure function each. Every rule looks at the leaf certificate
 * and what the engine found out about its issuer, and returns one check. None of
 * them does I/O; the only time they know is the moment being validated for.
 */

export interface RuleContext {
  leaf: ParsedCertificate;
  /** Everything that came in with the leaf (used only to explain an untrusted issuer). */
  submitted: readonly ParsedCertificate[];
  trust: TrustStore;
  request: ValidationRequest & { at: Date };
  /** The trusted CA (issuing CA or root) whose name is the leaf's issuer and whose key verifies it. */
  signer: TrustedCa | null;
  /** Trusted CAs with the leaf's issuer name (whether or not they verify it). */
  named: readonly TrustedCa[];
}

const check = (id: CheckId, status: CheckStatus, code: string, params: CheckParams = {}): Check => ({ id, status, code, params });

const DAY_MS = 86_400_000;
export const EXPIRY_WARNING_DAYS = 60;

const iso = (d: Date) => d.toISOString();
const validAt = (cert: ParsedCertificate, at: Date) => cert.notBefore <= at && at <= cert.notAfter;
const cnOr = (cert: ParsedCertificate) => firstAttribute(cert.subject, OID.commonName) ?? cert.subject.text;

/** Finds, among the submitted certificates, a path from the leaf's issuer up to something in the trust store. */
function explainUntrustedIssuer(ctx: RuleContext): { ca: string; anchor: string } | null {
  let current: ParsedCertificate = ctx.leaf;
  for (let depth = 0; depth < 5; depth++) {
    const parent = ctx.submitted.find(
      (c) => c !== current && sameBytes(c.subject.der, current.issuer.der) && signedBy(current, c.publicKey),
    );
    if (!parent) return null;
    const anchor = ctx.trust.anyNamed(parent.issuer).find((ca) => signedBy(parent, ca.cert.publicKey));
    if (anchor) return { ca: cnOr(parent), anchor: anchor.name };
    if (parent.selfIssued) return null;
    current = parent;
  }
  return null;
}

export function chainRule(ctx: RuleContext): Check {
  const { leaf, signer, request } = ctx;
  const at = request.at;
  if (signer?.role === 'enterprise-issuing-ca') {
    if (signer.environment !== request.environment) {
      return check('chain', 'fail', 'chain.wrong-environment', { ca: signer.name, caEnvironment: signer.environment, environment: request.environment });
    }
    if (!validAt(signer.cert, at)) return check('chain', 'fail', 'chain.ca-not-valid', { ca: signer.name, notBefore: iso(signer.cert.notBefore), notAfter: iso(signer.cert.notAfter), at: iso(at) });
    const root = signer.roots.find((r) => validAt(r.cert, at));
    if (!root) return check('chain', 'fail', 'chain.root-not-valid', { ca: signer.name, root: signer.roots[0]?.name ?? '', at: iso(at) });
    return check('chain', 'pass', 'chain.ok', { ca: signer.name, root: root.name, environment: signer.environment });
  }
  if (signer?.role === 'root') return check('chain', 'fail', 'chain.issued-by-root', { root: signer.name });
  if (ctx.named.length > 0) return check('chain', 'fail', 'chain.signature-mismatch', { ca: ctx.named[0]!.name });
  const issuerName = firstAttribute(leaf.issuer, OID.commonName) ?? leaf.issuer.text;
  const recognised = ctx.trust.recognised(leaf.issuer);
  if (recognised) return check('chain', 'fail', `chain.not-enterprise-ca.${recognised.kind}`, { ca: issuerName });
  const path = explainUntrustedIssuer(ctx);
  if (path) return check('chain', 'fail', 'chain.untrusted-ca-under-root', path);
  if (leaf.selfIssued && signedBy(leaf, leaf.publicKey)) return check('chain', 'fail', 'chain.self-signed', { issuer: issuerName });
  return check('chain', 'fail', 'chain.unknown-issuer', { issuer: issuerName });
}

export function signatureRule(ctx: RuleContext): Check {
  if (ctx.signer) return check('signature', 'pass', 'signature.ok', { ca: ctx.signer.name, algorithm: ctx.leaf.signatureAlgorithm.name });
  if (ctx.named.length > 0) return check('signature', 'fail', 'signature.invalid', { ca: ctx.named[0]!.name });
  return check('signature', 'skipped', 'signature.no-trusted-issuer');
}

export function validityRule(ctx: RuleContext): Check {
  const { leaf, request } = ctx;
  const params = { notBefore: iso(leaf.notBefore), notAfter: iso(leaf.notAfter), at: iso(request.at) };
  if (request.at < leaf.notBefore) return check('validity', 'fail', 'validity.not-yet-valid', params);
  if (request.at > leaf.notAfter) return check('validity', 'fail', 'validity.expired', params);
  const daysLeft = Math.floor((leaf.notAfter.getTime() - request.at.getTime()) / DAY_MS);
  if (daysLeft < EXPIRY_WARNING_DAYS) return check('validity', 'warn', 'validity.expiring', { ...params, daysLeft });
  return check('validity', 'pass', 'validity.ok', { ...params, daysLeft });
}

// Policies and attributes that mark a certificate as something other than an enterprise certificate.
const PERSON_POLICIES: ReadonlyArray<string | RegExp> = [
  '2.16.578.1.26.1.3.1', // Buypass person
  '2.16.578.1.26.1.3.6', // Buypass person, HSM
  '2.16.578.1.26.1.0.3.1', // Buypass test person
  /^2\.16\.578\.1\.29\.9?12\./, // Commfides person (prod and test)
  '0.4.0.194112.1.0', // QCP-n
  '0.4.0.194112.1.2', // QCP-n-qscd
];
const WEBSITE_POLICIES: ReadonlyArray<string | RegExp> = [
  /^2\.23\.140\.1\./, // CA/Browser Forum EV, DV, OV, IV
  '2.16.578.1.26.1.3.3', // Buypass EV TLS
  /^2\.16\.578\.1\.26\.1\.2\./, // Buypass Class 2 TLS
  '0.4.0.194112.1.4', // QCP-w
  '0.4.0.194112.1.5', // QNCP-w
  '0.4.0.2042.1.4', // EVCP
  '0.4.0.2042.1.6', // DVCP
  '0.4.0.2042.1.7', // OVCP
  '0.4.0.2042.1.8', // IVCP
];
const matches = (list: ReadonlyArray<string | RegExp>, oid: string) => list.some((p) => (typeof p === 'string' ? p === oid : p.test(oid)));

export function certificateTypeRule(ctx: RuleContext): Check {
  const { leaf } = ctx;
  const recognised = ctx.trust.recognised(leaf.issuer);
  const personPolicy = leaf.policies.find((p) => matches(PERSON_POLICIES, p));
  if (personPolicy) return check('certificate-type', 'fail', 'type.personal', { indicator: `policy ${personPolicy}` });
  for (const [type, label] of [
    [OID.givenName, 'givenName'],
    [OID.surname, 'surname'],
    [OID.pseudonym, 'pseudonym'],
  ] as const) {
    if (attributeValues(leaf.subject, type).length > 0) return check('certificate-type', 'fail', 'type.personal', { indicator: `subject ${label}` });
  }
  const serial = firstAttribute(leaf.subject, OID.serialNumber);
  if (serial && /^(UN:NO-|PNONO-|IDCNO-|PASNO-)/i.test(serial)) return check('certificate-type', 'fail', 'type.personal', { indicator: `serialNumber ${serial}` });
  if (leaf.qcStatements.semantics.includes(OID.semanticsNaturalPerson)) return check('certificate-type', 'fail', 'type.personal', { indicator: 'QC statement: natural person' });
  if (recognised?.kind === 'person') return check('certificate-type', 'fail', 'type.personal', { indicator: `issuer ${recognised.commonName}` });

  const websitePolicy = leaf.policies.find((p) => matches(WEBSITE_POLICIES, p));
  if (websitePolicy) return check('certificate-type', 'fail', 'type.website', { indicator: `policy ${websitePolicy}` });
  if (leaf.qcStatements.types.includes(OID.qcTypeWeb)) return check('certificate-type', 'fail', 'type.website', { indicator: 'QC type: website' });
  if (recognised?.kind === 'website') return check('certificate-type', 'fail', 'type.website', { indicator: `issuer ${recognised.commonName}` });
  // Extended Validation TLS subjects carry the jurisdiction of incorporation; SEID subjects never do.
  if (attributeValues(leaf.subject, OID.jurisdictionCountry).length > 0) return check('certificate-type', 'fail', 'type.website', { indicator: 'subject jurisdictionC (EV)' });

  if (attributeValues(leaf.subject, OID.organizationName).length === 0) return check('certificate-type', 'fail', 'type.no-organization');
  return check('certificate-type', 'pass', 'type.enterprise');
}

/** SEID generation: the issuing CA's when known, otherwise from the subject's shape. */
export function seidVersionOf(leaf: ParsedCertificate, signer: TrustedCa | null): 1 | 2 | null {
  if (signer?.role === 'enterprise-issuing-ca' && signer.seidVersion) return signer.seidVersion;
  if (attributeValues(leaf.subject, OID.organizationIdentifier).length > 0) return 2;
  if (attributeValues(leaf.subject, OID.serialNumber).length > 0) return 1;
  return null;
}

export interface OrganizationNumberFinding {
  number: string | null;
  source: 'organizationIdentifier' | 'serialNumber' | null;
  problem: Check | null;
}

/**
 * The organisation number, from organizationIdentifier "NTRNO-<9 digits>"
 * (SEID 2) or serialNumber "<9 digits>" (SEID 1), never from O, OU, L or CN.
 * When both are present they must agree.
 */
export function findOrganizationNumber(leaf: ParsedCertificate, seid: 1 | 2 | null): OrganizationNumberFinding {
  const orgIds = attributeValues(leaf.subject, OID.organizationIdentifier);
  const serials = attributeValues(leaf.subject, OID.serialNumber);
  const fail = (code: string, params: CheckParams = {}): OrganizationNumberFinding => ({ number: null, source: null, problem: check('organization-number', 'fail', code, params) });
  if (orgIds.length > 1 || serials.length > 1) return fail('org.ambiguous');
  const orgId = orgIds[0];
  const serial = serials[0];
  const ntrno = orgId !== undefined ? /^NTRNO-(\d{9})$/.exec(orgId)?.[1] : undefined;
  const serialNumber = serial !== undefined && /^\d{9}$/.test(serial) ? serial : undefined;
  if (orgId !== undefined && ntrno === undefined && (seid === 2 || serialNumber === undefined)) return fail('org.not-ntrno', { value: orgId });
  if (ntrno && serialNumber && ntrno !== serialNumber) return fail('org.conflict', { organizationIdentifier: ntrno, serialNumber });
  if (seid === 2 && !ntrno) return fail('org.missing-ntrno');
  const number = ntrno ?? serialNumber;
  if (!number) return fail('org.missing');
  return { number, source: ntrno ? 'organizationIdentifier' : 'serialNumber', problem: null };
}

export function organizationNumberRule(ctx: RuleContext, finding: OrganizationNumberFinding): Check {
  if (finding.problem) return finding.problem;
  const number = finding.number!;
  if (!isValidOrganizationNumber(number)) return check('organization-number', 'fail', 'org.invalid', { number, source: finding.source! });
  if (number !== ctx.request.organizationNumber) return check('organization-number', 'fail', 'org.mismatch', { number, expected: ctx.request.organizationNumber, source: finding.source! });
  return check('organization-number', 'pass', 'org.ok', { number, source: finding.source! });
}

export function policyRule(ctx: RuleContext): Check {
  const { leaf, signer } = ctx;
  if (leaf.policies.length === 0) return check('policy', 'fail', 'policy.none');
  const policies = leaf.policies.join(', ');
  if (signer?.role === 'enterprise-issuing-ca') {
    const match = leaf.policies.find((p) => signer.enterprisePolicies.has(p));
    if (match) return check('policy', 'pass', 'policy.ok', { policy: match, ca: signer.name });
    return check('policy', 'fail', 'policy.not-enterprise', { policies, ca: signer.name });
  }
  if (!leaf.policies.some((p) => ctx.trust.allEnterprisePolicies.has(p))) return check('policy', 'fail', 'policy.not-enterprise-any', { policies });
  return check('policy', 'skipped', 'policy.untrusted-issuer', { policies });
}

const PURPOSE_USAGES: Record<Purpose, readonly string[]> = {
  authentication: ['digitalSignature'],
  signing: ['nonRepudiation'],
  encryption: ['keyEncipherment', 'keyAgreement'],
  any: ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'keyAgreement', 'dataEncipherment'],
};

/** Which certificate of a supplier's set this looks like, to tell the user which file to send instead. */
function roleOf(usages: readonly string[]): 'authentication' | 'signing' | 'encryption' | 'unknown' {
  if (usages.includes('digitalSignature')) return 'authentication';
  if (usages.includes('nonRepudiation')) return 'signing';
  if (usages.includes('keyEncipherment') || usages.includes('keyAgreement') || usages.includes('dataEncipherment')) return 'encryption';
  return 'unknown';
}

export function keyUsageRule(ctx: RuleContext): Check {
  const { leaf, request } = ctx;
  const usages = leaf.keyUsage;
  if (!usages) return check('key-usage', 'fail', 'ku.missing');
  const keyUsageExtension = leaf.extensions.find((e) => e.oid === OID.keyUsage);
  // Digdir's validators require keyUsage to be critical; every Buypass and Commfides certificate has it so.
  if (!keyUsageExtension?.critical) return check('key-usage', 'fail', 'ku.not-critical', { usages: usages.join(', ') });
  const required = PURPOSE_USAGES[request.purpose];
  const params = { purpose: request.purpose, usages: usages.join(', ') || '-', required: required.join(' / ') };
  if (usages.some((u) => required.includes(u))) return check('key-usage', 'pass', 'ku.ok', params);
  return check('key-usage', 'fail', 'ku.mismatch', { ...params, role: roleOf(usages) });
}

const STRONG_CURVES = new Set(['P-256', 'P-384', 'P-521']);

export function keyStrengthRule(ctx: RuleContext): Check {
  const { key } = ctx.leaf;
  if (key.algorithm === 'RSA' || key.algorithm === 'RSA-PSS') {
    if (key.size !== null && key.size >= 2048) return check('key-strength', 'pass', 'key.ok', { algorithm: key.algorithm, size: key.size });
    return check('key-strength', 'fail', 'key.rsa-too-small', { size: key.size ?? 0 });
  }
  if (key.algorithm === 'EC') {
    if (key.curve && STRONG_CURVES.has(key.curve)) return check('key-strength', 'pass', 'key.ok', { algorithm: `EC ${key.curve}`, size: key.size ?? 0 });
    return check('key-strength', 'fail', 'key.ec-curve', { curve: key.curve ?? 'unknown' });
  }
  return check('key-strength', 'fail', 'key.unsupported', { algorithm: key.algorithm });
}

export function signatureAlgorithmRule(ctx: RuleContext): Check {
  const alg = ctx.leaf.signatureAlgorithm;
  if (WEAK_HASHES.has(alg.hash)) return check('signature-algorithm', 'fail', 'sigalg.weak', { algorithm: alg.name });
  if (alg.hash === 'unknown') return check('signature-algorithm', 'fail', 'sigalg.unknown', { algorithm: alg.name });
  return check('signature-algorithm', 'pass', 'sigalg.ok', { algorithm: alg.name });
}

export function basicConstraintsRule(ctx: RuleContext): Check {
  const { leaf } = ctx;
  if (leaf.basicConstraints?.ca) return check('basic-constraints', 'fail', 'bc.ca');
  const signing = (leaf.keyUsage ?? []).filter((u) => u === 'keyCertSign' || u === 'cRLSign');
  if (signing.length > 0) return check('basic-constraints', 'fail', 'bc.cert-sign', { usages: signing.join(', ') });
  return check('basic-constraints', 'pass', 'bc.ok');
}

/** Critical extensions the rules above actually process. */
export const RECOGNISED_CRITICAL_EXTENSIONS: ReadonlySet<string> = new Set([OID.keyUsage, OID.basicConstraints, OID.certificatePolicies, OID.extKeyUsage, OID.subjectAltName]);

export function criticalExtensionsRule(ctx: RuleContext): Check {
  const unknown = ctx.leaf.extensions.filter((e) => e.critical && !RECOGNISED_CRITICAL_EXTENSIONS.has(e.oid)).map((e) => e.oid);
  if (unknown.length > 0) return check('critical-extensions', 'fail', 'crit.unknown', { oids: unknown.join(', ') });
  return check('critical-extensions', 'pass', 'crit.ok');
}

export function extendedKeyUsageNames(leaf: ParsedCertificate): string[] {
  return (leaf.extendedKeyUsage ?? []).map((oid) => EKU_NAMES[oid] ?? oid);
}

export { check as makeCheck };
