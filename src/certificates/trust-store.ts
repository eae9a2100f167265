import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { firstAttribute, parseCertificate, signedBy, type DistinguishedName, type ParsedCertificate } from './certificate.js';
import { OID } from './oids.js';
import { pemBlocks } from './pem.js';

/**
 * The trust list: which CA certificates may issue an accepted enterprise
 * certificate, per environment, with the certificate policies each one uses
 * for enterprise certificates. Roots only anchor the issuing CAs; a certificate
 * issued by anything else under the same root (person CAs, TLS CAs) is rejected.
 */

export type CertificateEnvironment = 'test' | 'production';
export type Vendor = 'buypass' | 'commfides' | string;

export interface TrustedCa {
  cert: ParsedCertificate;
  name: string;
  vendor: Vendor;
  environment: CertificateEnvironment;
  role: 'root' | 'enterprise-issuing-ca';
  seidVersion: 1 | 2 | null;
  enterprisePolicies: ReadonlySet<string>;
  /** For issuing CAs: the roots whose key verifies this certificate. */
  roots: TrustedCa[];
}

export interface RecognisedIssuer {
  commonName: string;
  kind: 'person' | 'website' | 'retired' | 'other';
  environment: CertificateEnvironment;
}

export interface TrustStore {
  issuingCas: readonly TrustedCa[];
  roots: readonly TrustedCa[];
  /** Issuing CAs whose subject is this name (any environment). */
  issuingCasNamed(name: DistinguishedName): TrustedCa[];
  /** Roots and issuing CAs whose subject is this name. */
  anyNamed(name: DistinguishedName): TrustedCa[];
  /** A known CA we do not trust, by the issuer name of a certificate, for explanations only. */
  recognised(name: DistinguishedName): RecognisedIssuer | undefined;
  /** Every enterprise policy of every issuing CA. */
  allEnterprisePolicies: ReadonlySet<string>;
}

export interface TrustStoreEntrySpec {
  der: Uint8Array;
  role: 'root' | 'enterprise-issuing-ca';
  vendor: Vendor;
  environment: CertificateEnvironment;
  name?: string;
  seidVersion?: 1 | 2;
  enterprisePolicies?: readonly string[];
}

export interface TrustStoreSpec {
  certificates: readonly TrustStoreEntrySpec[];
  recognisedOtherIssuers?: readonly RecognisedIssuer[];
}

export class TrustStoreError extends Error {}

const nameKey = (name: DistinguishedName) => Buffer.from(name.der).toString('hex');

/** Builds a trust store from certificates in memory; tests and loadTrustStore both use it. */
export function createTrustStore(spec: TrustStoreSpec): TrustStore {
  const entries: TrustedCa[] = spec.certificates.map((entry) => {
    const cert = parseCertificate(entry.der);
    if (!cert.basicConstraints?.ca) throw new TrustStoreError(`${cert.subject.text} is not a CA certificate`);
    if (entry.role === 'enterprise-issuing-ca' && (!entry.enterprisePolicies || entry.enterprisePolicies.length === 0)) {
      throw new TrustStoreError(`issuing CA ${cert.subject.text} has no enterprise policies`);
    }
    return {
      cert,
      name: entry.name ?? firstAttribute(cert.subject, OID.commonName) ?? cert.subject.text,
      vendor: entry.vendor,
      environment: entry.environment,
      role: entry.role,
      seidVersion: entry.seidVersion ?? null,
      enterprisePolicies: new Set(entry.enterprisePolicies ?? []),
      roots: [],
    };
  });
  const roots = entries.filter((e) => e.role === 'root');
  const issuingCas = entries.filter((e) => e.role === 'enterprise-issuing-ca');
  for (const root of roots) {
    if (!root.cert.selfIssued || !signedBy(root.cert, root.cert.publicKey)) throw new TrustStoreError(`root ${root.name} is not self-signed`);
  }
  for (const ca of issuingCas) {
    // An issuing CA must chain to a root of its own environment; both same-key
    // versions of a re-issued root verify it, and either may be the one in use.
    ca.roots = roots.filter(
      (root) => root.environment === ca.environment && nameKey(root.cert.subject) === nameKey(ca.cert.issuer) && signedBy(ca.cert, root.cert.publicKey),
    );
    if (ca.roots.length === 0) throw new TrustStoreError(`issuing CA ${ca.name} does not chain to a root of its environment in the trust list`);
  }

  const byName = new Map<string, TrustedCa[]>();
  const byCanonical = new Map<string, TrustedCa[]>();
  for (const entry of entries) {
    for (const [map, key] of [
      [byName, nameKey(entry.cert.subject)],
      [byCanonical, entry.cert.subject.canonical],
    ] as const) {
      const list = map.get(key) ?? [];
      list.push(entry);
      map.set(key, list);
    }
  }
  // Exact DER match first; the canonical form catches the same name in another string type.
  const anyNamed = (name: DistinguishedName) => byName.get(nameKey(name)) ?? byCanonical.get(name.canonical) ?? [];
  const recognisedByCn = new Map((spec.recognisedOtherIssuers ?? []).map((r) => [r.commonName.toLowerCase(), r]));
  const allEnterprisePolicies = new Set(issuingCas.flatMap((ca) => [...ca.enterprisePolicies]));

  return {
    issuingCas,
    roots,
    issuingCasNamed: (name) => anyNamed(name).filter((e) => e.role === 'enterprise-issuing-ca'),
    anyNamed,
    recognised(name) {
      const cn = firstAttribute(name, OID.commonName);
      return cn ? recognisedByCn.get(cn.toLowerCase()) : undefined;
    },
    allEnterprisePolicies,
  };
}

// ---------------------------------------------------------------------------
// The bundled trust list (assets/trust/manifest.json)

const ManifestSchema = z.object({
  version: z.literal(1),
  certificates: z
    .array(
      z.object({
        file: z.string().regex(/^[a-z0-9][a-z0-9./_-]*\.pem$/i, 'a relative .pem path').refine((f) => !f.split('/').includes('..'), 'no ".." in paths'),
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
        name: z.string().min(1),
        vendor: z.string().min(1),
        environment: z.enum(['test', 'production']),
        role: z.enum(['root', 'enterprise-issuing-ca']),
        seidVersion: z.union([z.literal(1), z.literal(2)]).optional(),
        enterprisePolicies: z.array(z.string().regex(/^\d+(\.\d+)+$/, 'an exact OID (no wildcards)')).optional(),
      }),
    )
    .min(1),
  recognisedOtherIssuers: z
    .array(z.object({ commonName: z.string().min(1), kind: z.enum(['person', 'website', 'retired', 'other']), environment: z.enum(['test', 'production']) }))
    .default([]),
});

export type TrustManifest = z.infer<typeof ManifestSchema>;

/** Where assets/trust is, whether we run from src/ (tsx) or dist/src/ (compiled). */
export function bundledTrustDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const up of ['../..', '../../..']) {
    const candidate = path.resolve(here, up, 'assets', 'trust');
    if (existsSync(path.join(candidate, 'manifest.json'))) return candidate;
  }
  throw new TrustStoreError('assets/trust/manifest.json not found next to the application');
}

/**
 * Loads a trust list directory: manifest.json plus the PEM files it names. Each
 * file must have the fingerprint the manifest states, so a swapped file is
 * caught at start rather than trusted.
 */
export function loadTrustStore(dir: string = bundledTrustDir()): TrustStore {
  let manifest: TrustManifest;
  try {
    manifest = ManifestSchema.parse(JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')));
  } catch (error) {
    throw new TrustStoreError(`invalid trust manifest in ${dir}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const certificates = manifest.certificates.map((entry): TrustStoreEntrySpec => {
    const blocks = pemBlocks(readFileSync(path.join(dir, entry.file), 'latin1')).filter((b) => b.label === 'CERTIFICATE');
    if (blocks.length !== 1) throw new TrustStoreError(`${entry.file} must hold exactly one certificate`);
    const der = blocks[0]!.der;
    const sha256 = createHash('sha256').update(der).digest('hex');
    if (sha256 !== entry.sha256) throw new TrustStoreError(`${entry.file} has SHA-256 ${sha256}, the manifest says ${entry.sha256}`);
    return {
      der,
      role: entry.role,
      vendor: entry.vendor,
      environment: entry.environment,
      name: entry.name,
      ...(entry.seidVersion ? { seidVersion: entry.seidVersion } : {}),
      ...(entry.enterprisePolicies ? { enterprisePolicies: entry.enterprisePolicies } : {}),
    };
  });
  return createTrustStore({ certificates, recognisedOtherIssuers: manifest.recognisedOtherIssuers });
}
