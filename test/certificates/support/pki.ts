import 'reflect-metadata';
import { createPrivateKey, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { toPem } from '../../../src/certificates/pem.js';
import { createTrustStore, type TrustStore } from '../../../src/certificates/trust-store.js';

/**
 * Synthetic PKI for the tests: Buypass-like and Commfides-like hierarchies for
 * production and test, plus the non-enterprise CAs that hang off the same roots.
 * Keys are generated once per test file (vitest runs each file in its own
 * process) and reused, so a file pays for key generation once.
 */

x509.cryptoProvider.set(webcrypto as unknown as Crypto);
const subtle = webcrypto.subtle;

export type KeyKind = 'rsa2048' | 'rsa1024' | 'p256' | 'p384';

const RSA = (bits: number) => ({ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: bits });
const ALGORITHMS: Record<KeyKind, RsaHashedKeyGenParams | EcKeyGenParams> = {
  rsa2048: RSA(2048),
  rsa1024: RSA(1024),
  p256: { name: 'ECDSA', namedCurve: 'P-256' },
  p384: { name: 'ECDSA', namedCurve: 'P-384' },
};

const keyCache = new Map<string, Promise<CryptoKeyPair>>();

/** A key pair of `kind`; the same (kind, slot) gives the same pair within a test file. */
export function keyPair(kind: KeyKind, slot = 0): Promise<CryptoKeyPair> {
  const id = `${kind}:${slot}`;
  let pending = keyCache.get(id);
  if (!pending) {
    pending = subtle.generateKey(ALGORITHMS[kind], true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
    keyCache.set(id, pending);
  }
  return pending;
}

export interface Issued {
  cert: x509.X509Certificate;
  der: Uint8Array;
  pem: string;
  keys: CryptoKeyPair;
}

function issued(cert: x509.X509Certificate, keys: CryptoKeyPair): Issued {
  const der = new Uint8Array(cert.rawData);
  return { cert, der, pem: toPem('CERTIFICATE', der), keys };
}

const DAY = 86_400_000;
export const daysFromNow = (days: number) => new Date(Date.now() + days * DAY);

function signingAlgorithm(keys: CryptoKeyPair, hash = 'SHA-256'): Algorithm {
  return keys.privateKey.algorithm.name === 'ECDSA' ? ({ name: 'ECDSA', hash } as EcdsaParams) : ({ name: 'RSASSA-PKCS1-v1_5', hash } as Algorithm);
}

/** The signing key, re-imported with another hash when the certificate must use e.g. SHA-1. */
async function signingKey(keys: CryptoKeyPair, hash: string): Promise<CryptoKey> {
  if (hash === 'SHA-256' || keys.privateKey.algorithm.name === 'ECDSA') return keys.privateKey;
  const pkcs8 = await subtle.exportKey('pkcs8', keys.privateKey);
  return subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash }, false, ['sign']) as Promise<CryptoKey>;
}

export async function createRoot(name: string, keys: CryptoKeyPair): Promise<Issued> {
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name,
    keys,
    serialNumber: '01',
    notBefore: new Date('2020-01-01T00:00:00Z'),
    notAfter: new Date('2045-01-01T00:00:00Z'),
    signingAlgorithm: signingAlgorithm(keys),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return issued(cert, keys);
}

export async function createCa(name: string, issuer: Issued, keys: CryptoKeyPair, options: { notBefore?: Date; notAfter?: Date } = {}): Promise<Issued> {
  const cert = await x509.X509CertificateGenerator.create({
    subject: name,
    issuer: issuer.cert.subjectName,
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
    signingAlgorithm: signingAlgorithm(issuer.keys),
    serialNumber: '02',
    notBefore: options.notBefore ?? new Date('2020-06-01T00:00:00Z'),
    notAfter: options.notAfter ?? new Date('2040-01-01T00:00:00Z'),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey),
    ],
  });
  return issued(cert, keys);
}

export const KU = x509.KeyUsageFlags;

export interface LeafOptions {
  subject: string;
  keys?: CryptoKeyPair;
  /** A SubjectPublicKeyInfo to certify instead of `keys` (for curves WebCrypto cannot make). */
  publicKeySpki?: Uint8Array<ArrayBuffer>;
  serialNumber?: string;
  notBefore?: Date;
  notAfter?: Date;
  /** Key usage flags (x509.KeyUsageFlags); null leaves the extension out. */
  keyUsage?: number | null;
  keyUsageCritical?: boolean;
  policies?: string[];
  eku?: string[];
  basicConstraints?: { ca: boolean; critical?: boolean } | null;
  extensions?: x509.Extension[];
  hash?: 'SHA-256' | 'SHA-1';
  ocspUrl?: string;
  crlUrl?: string;
  dnsNames?: string[];
}

export async function issueLeaf(issuer: Issued, options: LeafOptions): Promise<Issued> {
  const keys = options.keys ?? (await keyPair('rsa2048', 100));
  const hash = options.hash ?? 'SHA-256';
  const extensions: x509.Extension[] = [];
  if (options.basicConstraints !== null) extensions.push(new x509.BasicConstraintsExtension(options.basicConstraints?.ca ?? false, undefined, options.basicConstraints?.critical ?? false));
  if (options.keyUsage !== null) extensions.push(new x509.KeyUsagesExtension(options.keyUsage ?? KU.digitalSignature | KU.keyEncipherment, options.keyUsageCritical ?? true));
  if (options.policies) extensions.push(new x509.CertificatePolicyExtension(options.policies));
  if (options.eku) extensions.push(new x509.ExtendedKeyUsageExtension(options.eku));
  if (options.ocspUrl) extensions.push(new x509.AuthorityInfoAccessExtension({ ocsp: options.ocspUrl }));
  if (options.crlUrl) extensions.push(new x509.CRLDistributionPointsExtension([options.crlUrl]));
  if (options.dnsNames) extensions.push(new x509.SubjectAlternativeNameExtension(options.dnsNames.map((value) => ({ type: 'dns' as const, value }))));
  extensions.push(await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey));
  extensions.push(...(options.extensions ?? []));
  const cert = await x509.X509CertificateGenerator.create({
    subject: options.subject,
    issuer: issuer.cert.subjectName,
    publicKey: options.publicKeySpki ?? keys.publicKey,
    signingKey: await signingKey(issuer.keys, hash),
    signingAlgorithm: signingAlgorithm(issuer.keys, hash),
    serialNumber: options.serialNumber ?? Buffer.from(webcrypto.getRandomValues(new Uint8Array(9))).toString('hex').replace(/^./, '1'),
    notBefore: options.notBefore ?? daysFromNow(-30),
    notAfter: options.notAfter ?? daysFromNow(3 * 365),
    extensions,
  });
  return issued(cert, keys);
}

/** PKCS#8 PEM of a private key (for openssl in the OCSP test). */
export async function privateKeyPem(keys: CryptoKeyPair): Promise<string> {
  const der = Buffer.from(await subtle.exportKey('pkcs8', keys.privateKey));
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs8' }).toString();
}

export async function createCrl(
  issuer: Issued,
  entries: Array<{ serialNumber: string; revokedAt?: Date; reason?: x509.X509CrlReason }>,
  options: { thisUpdate?: Date; nextUpdate?: Date; signer?: CryptoKeyPair } = {},
): Promise<Uint8Array> {
  const signer = options.signer ?? issuer.keys;
  const crl = await x509.X509CrlGenerator.create({
    issuer: issuer.cert.subjectName,
    thisUpdate: options.thisUpdate ?? daysFromNow(-1),
    nextUpdate: options.nextUpdate ?? daysFromNow(6),
    signingKey: signer.privateKey,
    signingAlgorithm: signingAlgorithm(signer),
    entries: entries.map((e) => ({ serialNumber: e.serialNumber, revocationDate: e.revokedAt ?? daysFromNow(-2), ...(e.reason !== undefined ? { reason: e.reason } : {}) })),
  });
  return new Uint8Array(crl.rawData);
}

// ---------------------------------------------------------------------------
// The standard synthetic hierarchy

export const POLICY = {
  buypassEnterprise: '2.16.578.1.26.1.3.2',
  buypassPerson: '2.16.578.1.26.1.3.1',
  buypassEvTls: '2.16.578.1.26.1.3.3',
  buypassSeid1Test: '2.16.578.1.26.1.0.3.2',
  commfidesAuthProd: '2.16.578.1.29.13.210.1.1',
  commfidesAuthTest: '2.16.578.1.29.913.210.1.0',
  ncp: '0.4.0.2042.1.1',
  qcpLegal: '0.4.0.194112.1.1',
  evTls: '2.23.140.1.1',
} as const;

export interface Hierarchy {
  buypassProdRoot: Issued;
  buypassProdCa: Issued;
  buypassProdSeid1Ca: Issued;
  buypassTestRoot: Issued;
  buypassTestCa: Issued;
  commfidesProdRoot: Issued;
  commfidesProdCa: Issued;
  commfidesTestRoot: Issued;
  commfidesTestCa: Issued;
  /** Under buypassProdRoot, like "Buypass Class 3 CA G2 HT Person"; not trusted. */
  personCa: Issued;
  /** Under buypassProdRoot, like "Buypass Class 3 CA 2" (EV TLS); not trusted. */
  tlsCa: Issued;
  trust: TrustStore;
}

let hierarchy: Promise<Hierarchy> | undefined;

/** Names are Buypass- and Commfides-like, with "Synthetic" so nobody mistakes them for the real CAs. */
export function syntheticHierarchy(): Promise<Hierarchy> {
  hierarchy ??= (async () => {
    const [rsaA, rsaB, rsaC, rsaD, rsaE] = await Promise.all([0, 1, 2, 3, 4].map((slot) => keyPair('rsa2048', slot)));
    const [ecA, ecB, ecC, ecD, ecE, ecF] = await Promise.all([0, 1, 2, 3, 4, 5].map((slot) => keyPair('p384', slot)));
    const buypassProdRoot = await createRoot('CN=Synthetic Buypass Class 3 Root CA G2 ST, O=Buypass AS, 2.5.4.97=NTRNO-983163327, C=NO', rsaA!);
    const buypassProdCa = await createCa('CN=Synthetic Buypass Class 3 CA G2 ST Business, O=Buypass AS, 2.5.4.97=NTRNO-983163327, C=NO', buypassProdRoot, rsaB!);
    const buypassProdSeid1Ca = await createCa('CN=Synthetic Buypass Class 3 CA 3, O=Buypass AS-983163327, C=NO', buypassProdRoot, ecE!);
    const buypassTestRoot = await createRoot('CN=Synthetic Buypass Class 3 Test4 Root CA G2 ST, O=Buypass AS, 2.5.4.97=NTRNO-983163327, C=NO', rsaC!);
    const buypassTestCa = await createCa('CN=Synthetic Buypass Class 3 Test4 CA G2 ST Business, O=Buypass AS, 2.5.4.97=NTRNO-983163327, C=NO', buypassTestRoot, rsaD!);
    const commfidesProdRoot = await createRoot('CN=Synthetic Commfides Root CA - G3, 2.5.4.97=NTRNO-988312495, O=Commfides Norge AS, C=NO', ecA!);
    const commfidesProdCa = await createCa('CN=Synthetic Commfides Legal Person - G3, 2.5.4.97=NTRNO-988312495, O=Commfides Norge AS, C=NO', commfidesProdRoot, ecB!);
    const commfidesTestRoot = await createRoot('CN=Synthetic Commfides Root CA - G3 - TEST, 2.5.4.97=NTRNO-988312495, O=Commfides Norge AS, C=NO', ecC!);
    const commfidesTestCa = await createCa('CN=Synthetic Commfides Legal Person - G3 - TEST, 2.5.4.97=NTRNO-988312495, O=Commfides Norge AS, C=NO', commfidesTestRoot, ecD!);
    const personCa = await createCa('CN=Synthetic Buypass Class 3 CA G2 HT Person, O=Buypass AS, 2.5.4.97=NTRNO-983163327, C=NO', buypassProdRoot, ecF!);
    const tlsCa = await createCa('CN=Synthetic Buypass Class 3 CA 2, O=Buypass AS-983163327, C=NO', buypassProdRoot, rsaE!);
    const entry = (i: Issued, role: 'root' | 'enterprise-issuing-ca', vendor: string, environment: 'test' | 'production', extra: { seidVersion?: 1 | 2; enterprisePolicies?: string[] } = {}) => ({
      der: i.der,
      role,
      vendor,
      environment,
      ...extra,
    });
    const trust = createTrustStore({
      certificates: [
        entry(buypassProdRoot, 'root', 'buypass', 'production'),
        entry(buypassProdCa, 'enterprise-issuing-ca', 'buypass', 'production', { seidVersion: 2, enterprisePolicies: [POLICY.buypassEnterprise] }),
        entry(buypassProdSeid1Ca, 'enterprise-issuing-ca', 'buypass', 'production', { seidVersion: 1, enterprisePolicies: [POLICY.buypassEnterprise] }),
        entry(buypassTestRoot, 'root', 'buypass', 'test'),
        // The Buypass trap: the test CA issues certificates with the production policy OID.
        entry(buypassTestCa, 'enterprise-issuing-ca', 'buypass', 'test', { seidVersion: 2, enterprisePolicies: [POLICY.buypassEnterprise] }),
        entry(commfidesProdRoot, 'root', 'commfides', 'production'),
        entry(commfidesProdCa, 'enterprise-issuing-ca', 'commfides', 'production', { seidVersion: 2, enterprisePolicies: [POLICY.commfidesAuthProd] }),
        entry(commfidesTestRoot, 'root', 'commfides', 'test'),
        entry(commfidesTestCa, 'enterprise-issuing-ca', 'commfides', 'test', { seidVersion: 2, enterprisePolicies: [POLICY.commfidesAuthTest] }),
      ],
      recognisedOtherIssuers: [{ commonName: 'Synthetic Buypass Class 3 CA 2', kind: 'website', environment: 'production' }],
    });
    return { buypassProdRoot, buypassProdCa, buypassProdSeid1Ca, buypassTestRoot, buypassTestCa, commfidesProdRoot, commfidesProdCa, commfidesTestRoot, commfidesTestCa, personCa, tlsCa, trust };
  })();
  return hierarchy;
}

export const DIGDIR = '991825827';

/** A Buypass-style SEID 2 subject: organizationIdentifier only. */
export const seid2Subject = (org = DIGDIR, name = 'DIGITALISERINGSDIREKTORATET') => `2.5.4.97=NTRNO-${org}, CN=${name} TEST, O=${name}, C=NO`;
/** A Commfides-style SEID 2 subject: organizationIdentifier and serialNumber. */
export const commfidesSubject = (org = DIGDIR) => `CN=Digitaliseringsdirektoratet, 2.5.4.5=${org}, OU=Test, 2.5.4.97=NTRNO-${org}, O=Digitaliseringsdirektoratet, L=Oslo, C=NO`;
/** A Buypass SEID 1 subject: serialNumber only. */
export const seid1Subject = (org = DIGDIR) => `2.5.4.5=${org}, CN=Digitaliseringsdirektoratet, OU=ID-porten, O=DIGITALISERINGSDIREKTORATET, C=NO`;
