import { createHash, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import {
  bitSet,
  bitString,
  children,
  decodeBoolean,
  decodeOid,
  decodeString,
  decodeTime,
  DerError,
  encoded,
  expectTag,
  integerHex,
  readRoot,
  smallInteger,
  TAG,
  value,
  type Tlv,
} from './der.js';
import { ATTRIBUTE_NAMES, HASH_ALGORITHMS, KEY_USAGE_NAMES, OID, SIGNATURE_ALGORITHMS, type KeyUsageName } from './oids.js';
import { verifySignature } from './signature.js';

/**
 * An X.509 certificate read field by field with the DER reader: everything the
 * rules need (organizationIdentifier, policies, key usage bits, criticality, QC
 * statements, revocation URLs, key type and size) without decoding the key.
 * Signatures are verified with Node's crypto against the issuer's key object,
 * RSA and EC alike. Decoding a key in OpenSSL 3 costs more than everything else
 * in a validation together, so the certificate's own key object (and Node's
 * X509Certificate view) are made only when someone asks for them.
 */

export class CertificateParseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CertificateParseError';
  }
}

export interface NameAttribute {
  type: string;
  value: string;
}

export interface DistinguishedName {
  /** The DER encoding, for exact comparison with another certificate's issuer. */
  der: Uint8Array;
  /** RDNs in encoding order; each holds one or more attributes. */
  rdns: NameAttribute[][];
  /** RFC 4514 string (last RDN first), e.g. "CN=Example,O=Example AS,C=NO". */
  text: string;
  /** Case- and space-insensitive form for matching names encoded differently. */
  readonly canonical: string;
}

export interface Extension {
  oid: string;
  critical: boolean;
  value: Uint8Array;
}

export interface PublicKeyInfo {
  algorithm: 'RSA' | 'RSA-PSS' | 'EC' | 'Ed25519' | 'Ed448' | 'DSA' | 'unknown';
  /** Modulus bits (RSA), curve bits (EC), or null when unknown. */
  size: number | null;
  /** NIST name of an EC curve (P-256, P-384, P-521) or OpenSSL's name for others. */
  curve: string | null;
}

export interface SignatureAlgorithm {
  oid: string;
  name: string;
  /** Hash used by the signature (md5, sha1, sha256, …); "none" for EdDSA; "unknown" when not recognised. */
  hash: string;
  /** RSA-PSS salt length, when the algorithm is RSA-PSS. */
  pssSaltLength?: number;
}

export interface ParsedCertificate {
  der: Uint8Array;
  /** Node's view of the certificate; made on first use. */
  readonly node: X509Certificate;
  /** The subject's public key; made on first use; null when OpenSSL cannot load it. */
  readonly publicKey: KeyObject | null;
  /** The signed part (TBSCertificate) and the signature over it. */
  tbs: Uint8Array;
  signatureValue: Uint8Array;
  /** The SubjectPublicKeyInfo encoding. */
  spki: Uint8Array;
  /** Lower-case hex SHA-256 of the DER encoding. */
  sha256: string;
  version: number;
  /** Upper-case hex, without leading zero bytes. */
  serialNumber: string;
  signatureAlgorithm: SignatureAlgorithm;
  issuer: DistinguishedName;
  subject: DistinguishedName;
  notBefore: Date;
  notAfter: Date;
  /** Content of the subjectPublicKey BIT STRING (what OCSP's issuerKeyHash hashes). */
  subjectPublicKeyBits: Uint8Array;
  key: PublicKeyInfo;
  extensions: Extension[];
  keyUsage: KeyUsageName[] | null;
  basicConstraints: { ca: boolean; pathLength: number | null } | null;
  policies: string[];
  extendedKeyUsage: string[] | null;
  subjectKeyId: string | null;
  authorityKeyId: string | null;
  ocspUrls: string[];
  caIssuerUrls: string[];
  crlUrls: string[];
  subjectAltNames: { dns: string[]; email: string[]; uri: string[] };
  qcStatements: { ids: string[]; semantics: string[]; types: string[] };
  /** Subject and issuer are the same name (a root or a self-issued CA). */
  selfIssued: boolean;
}

// ---------------------------------------------------------------------------
// Names

const ESCAPE = /([,+"\\<>;])/g;

function escapeValue(text: string): string {
  if (text.startsWith('#') && /^#[0-9a-f]+$/.test(text)) return text; // already a hex encoding
  let escaped = text.replace(ESCAPE, '\\$1');
  if (escaped.startsWith('#') || escaped.startsWith(' ')) escaped = `\\${escaped}`;
  if (escaped.endsWith(' ') && escaped.length > 1) escaped = `${escaped.slice(0, -1)}\\ `;
  // Control characters would let a name forge extra lines in a report.
  return escaped.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function parseName(tlv: Tlv): DistinguishedName {
  expectTag(tlv, TAG.SEQUENCE, 'a Name');
  const rdns: NameAttribute[][] = children(tlv).map((set) => {
    expectTag(set, TAG.SET, 'a RelativeDistinguishedName');
    return children(set).map((atv) => {
      const [type, val] = children(expectTag(atv, TAG.SEQUENCE, 'an AttributeTypeAndValue'));
      if (!type || !val) throw new DerError('incomplete AttributeTypeAndValue');
      return { type: decodeOid(type), value: decodeString(val) };
    });
  });
  const text = [...rdns]
    .reverse()
    .map((rdn) => rdn.map((a) => `${ATTRIBUTE_NAMES[a.type] ?? a.type}=${escapeValue(a.value)}`).join('+'))
    .join(',');
  let canonical: string | undefined;
  return {
    der: encoded(tlv),
    rdns,
    text,
    // Only needed when an exact DER match fails, so made on first use.
    get canonical() {
      canonical ??= rdns
        .map((rdn) =>
          rdn
            .map((a) => `${a.type}=${a.value.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim()}`)
            .sort()
            .join('+'),
        )
        .join('/');
      return canonical;
    },
  };
}

/** Every value of an attribute type in a name, in encoding order. */
export function attributeValues(name: DistinguishedName, type: string): string[] {
  const found: string[] = [];
  for (const rdn of name.rdns) for (const a of rdn) if (a.type === type) found.push(a.value);
  return found;
}

export function firstAttribute(name: DistinguishedName, type: string): string | undefined {
  return attributeValues(name, type)[0];
}

// ---------------------------------------------------------------------------
// Algorithms and keys

export function parseSignatureAlgorithm(tlv: Tlv): SignatureAlgorithm {
  const [oidTlv, params] = children(expectTag(tlv, TAG.SEQUENCE, 'an AlgorithmIdentifier'));
  if (!oidTlv) throw new DerError('empty AlgorithmIdentifier');
  const oid = decodeOid(oidTlv);
  const known = SIGNATURE_ALGORITHMS[oid];
  if (!known) return { oid, name: oid, hash: 'unknown' };
  if (known.key !== 'rsa-pss') return { oid, name: known.name, hash: known.hash };
  // RSASSA-PSS-params: hashAlgorithm [0] defaults to SHA-1, saltLength [2] to 20.
  let hash = 'sha1';
  let saltLength = 20;
  if (params && params.tag === TAG.SEQUENCE) {
    for (const field of children(params)) {
      if (field.tag === 0xa0) {
        const [alg] = children(field);
        const [hashOid] = alg ? children(alg) : [];
        hash = hashOid ? HASH_ALGORITHMS[decodeOid(hashOid)] ?? 'unknown' : 'unknown';
      } else if (field.tag === 0xa2) {
        const [n] = children(field);
        if (n) saltLength = smallInteger(n);
      }
    }
  }
  return { oid, name: `RSASSA-PSS (${hash})`, hash, pssSaltLength: saltLength };
}

const CURVES: Readonly<Record<string, { name: string; bits: number }>> = {
  '1.2.840.10045.3.1.7': { name: 'P-256', bits: 256 },
  '1.3.132.0.34': { name: 'P-384', bits: 384 },
  '1.3.132.0.35': { name: 'P-521', bits: 521 },
  '1.3.132.0.10': { name: 'secp256k1', bits: 256 },
  '1.2.840.10045.3.1.1': { name: 'P-192', bits: 192 },
  '1.3.132.0.33': { name: 'P-224', bits: 224 },
  '1.3.36.3.3.2.8.1.1.7': { name: 'brainpoolP256r1', bits: 256 },
  '1.3.36.3.3.2.8.1.1.11': { name: 'brainpoolP384r1', bits: 384 },
  '1.3.36.3.3.2.8.1.1.13': { name: 'brainpoolP512r1', bits: 512 },
};

/** Bits in a big-endian unsigned integer's content octets. */
function integerBits(tlv: Tlv): number {
  let bytes = value(tlv);
  while (bytes.length > 0 && bytes[0] === 0) bytes = bytes.subarray(1);
  if (bytes.length === 0) return 0;
  return (bytes.length - 1) * 8 + (32 - Math.clz32(bytes[0]!));
}

/** Key type and size from the SubjectPublicKeyInfo itself, without asking OpenSSL to load the key. */
export function keyInfoFromSpki(spki: Tlv, keyBits: Uint8Array): PublicKeyInfo {
  const [alg] = children(expectTag(spki, TAG.SEQUENCE, 'SubjectPublicKeyInfo'));
  const [oidTlv, params] = children(expectTag(alg, TAG.SEQUENCE, 'AlgorithmIdentifier'));
  const oid = decodeOid(oidTlv!);
  switch (oid) {
    case '1.2.840.113549.1.1.1':
    case '1.2.840.113549.1.1.10': {
      const [modulus] = children(expectTag(readRoot(keyBits), TAG.SEQUENCE, 'RSAPublicKey'));
      return { algorithm: oid.endsWith('.1') ? 'RSA' : 'RSA-PSS', size: integerBits(expectTag(modulus, TAG.INTEGER, 'modulus')), curve: null };
    }
    case '1.2.840.10045.2.1': {
      const curveOid = params?.tag === TAG.OID ? decodeOid(params) : null;
      const curve = curveOid ? CURVES[curveOid] : undefined;
      return { algorithm: 'EC', size: curve?.bits ?? null, curve: curve?.name ?? curveOid };
    }
    case '1.3.101.112':
      return { algorithm: 'Ed25519', size: 256, curve: null };
    case '1.3.101.113':
      return { algorithm: 'Ed448', size: 448, curve: null };
    case '1.2.840.10040.4.1': {
      const [p] = params?.tag === TAG.SEQUENCE ? children(params) : [];
      return { algorithm: 'DSA', size: p ? integerBits(p) : null, curve: null };
    }
    default:
      return { algorithm: 'unknown', size: null, curve: null };
  }
}

// ---------------------------------------------------------------------------
// Extensions

function generalNames(tlv: Tlv): { dns: string[]; email: string[]; uri: string[] } {
  const out = { dns: [] as string[], email: [] as string[], uri: [] as string[] };
  for (const name of children(tlv)) {
    const text = () => Buffer.from(value(name)).toString('latin1');
    if (name.tag === 0x81) out.email.push(text());
    else if (name.tag === 0x82) out.dns.push(text());
    else if (name.tag === 0x86) out.uri.push(text());
  }
  return out;
}

/** The certificate fields read from its extensions. */
type ExtensionFields = Pick<
  ParsedCertificate,
  | 'keyUsage'
  | 'basicConstraints'
  | 'policies'
  | 'extendedKeyUsage'
  | 'subjectKeyId'
  | 'authorityKeyId'
  | 'ocspUrls'
  | 'caIssuerUrls'
  | 'crlUrls'
  | 'subjectAltNames'
  | 'qcStatements'
>;

function readExtensions(list: Extension[]): ExtensionFields {
  const fields: ExtensionFields = {
    keyUsage: null,
    basicConstraints: null,
    policies: [],
    extendedKeyUsage: null,
    subjectKeyId: null,
    authorityKeyId: null,
    ocspUrls: [],
    caIssuerUrls: [],
    crlUrls: [],
    subjectAltNames: { dns: [], email: [], uri: [] },
    qcStatements: { ids: [], semantics: [], types: [] },
  };
  const seen = new Set<string>();
  for (const ext of list) {
    // RFC 5280 4.2: a certificate must not include more than one instance of an extension.
    if (seen.has(ext.oid)) throw new DerError(`extension ${ext.oid} appears twice`);
    seen.add(ext.oid);
    const root = readRoot(ext.value);
    switch (ext.oid) {
      case OID.keyUsage: {
        const bits = bitString(root);
        fields.keyUsage = KEY_USAGE_NAMES.filter((_, i) => bitSet(bits, i));
        break;
      }
      case OID.basicConstraints: {
        expectTag(root, TAG.SEQUENCE, 'BasicConstraints');
        let ca = false;
        let pathLength: number | null = null;
        for (const item of children(root)) {
          if (item.tag === TAG.BOOLEAN) ca = decodeBoolean(item);
          else if (item.tag === TAG.INTEGER) pathLength = smallInteger(item);
        }
        fields.basicConstraints = { ca, pathLength };
        break;
      }
      case OID.certificatePolicies:
        fields.policies = children(expectTag(root, TAG.SEQUENCE, 'certificatePolicies')).map((info) => {
          const [policyId] = children(expectTag(info, TAG.SEQUENCE, 'PolicyInformation'));
          if (!policyId) throw new DerError('empty PolicyInformation');
          return decodeOid(policyId);
        });
        break;
      case OID.extKeyUsage:
        fields.extendedKeyUsage = children(expectTag(root, TAG.SEQUENCE, 'extKeyUsage')).map(decodeOid);
        break;
      case OID.subjectKeyIdentifier:
        fields.subjectKeyId = Buffer.from(value(expectTag(root, TAG.OCTET_STRING, 'SubjectKeyIdentifier'))).toString('hex');
        break;
      case OID.authorityKeyIdentifier:
        for (const item of children(expectTag(root, TAG.SEQUENCE, 'AuthorityKeyIdentifier'))) {
          if (item.tag === 0x80) fields.authorityKeyId = Buffer.from(value(item)).toString('hex');
        }
        break;
      case OID.authorityInfoAccess:
        for (const access of children(expectTag(root, TAG.SEQUENCE, 'AuthorityInfoAccess'))) {
          const [method, location] = children(access);
          if (!method || !location || location.tag !== 0x86) continue;
          const url = Buffer.from(value(location)).toString('latin1');
          const oid = decodeOid(method);
          if (oid === OID.ocsp) fields.ocspUrls.push(url);
          else if (oid === OID.caIssuers) fields.caIssuerUrls.push(url);
        }
        break;
      case OID.crlDistributionPoints:
        for (const point of children(expectTag(root, TAG.SEQUENCE, 'CRLDistributionPoints'))) {
          for (const field of children(point)) {
            if (field.tag !== 0xa0) continue; // distributionPoint; reasons/cRLIssuer are not used
            for (const dpName of children(field)) {
              if (dpName.tag === 0xa0) fields.crlUrls.push(...generalNames(dpName).uri);
            }
          }
        }
        break;
      case OID.subjectAltName:
        fields.subjectAltNames = generalNames(expectTag(root, TAG.SEQUENCE, 'GeneralNames'));
        break;
      case OID.qcStatements:
        for (const statement of children(expectTag(root, TAG.SEQUENCE, 'QCStatements'))) {
          const [idTlv, info] = children(statement);
          if (!idTlv) continue;
          const id = decodeOid(idTlv);
          fields.qcStatements.ids.push(id);
          if (id === OID.qcsPkixQcSyntaxV2 && info?.tag === TAG.SEQUENCE) {
            const [semantics] = children(info);
            if (semantics?.tag === TAG.OID) fields.qcStatements.semantics.push(decodeOid(semantics));
          } else if (id === OID.qcType && info?.tag === TAG.SEQUENCE) {
            fields.qcStatements.types.push(...children(info).filter((t) => t.tag === TAG.OID).map(decodeOid));
          }
        }
        break;
      default:
        break;
    }
  }
  return fields;
}

// ---------------------------------------------------------------------------

/** Parses a DER certificate; throws CertificateParseError for anything that is not one. */
export function parseCertificate(input: Uint8Array): ParsedCertificate {
  const der = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  try {
    const root = readRoot(der);
    const [tbs, sigAlg, sigValue, ...extra] = children(expectTag(root, TAG.SEQUENCE, 'Certificate'));
    if (extra.length > 0) throw new DerError('trailing fields in Certificate');
    expectTag(tbs, TAG.SEQUENCE, 'TBSCertificate');
    const signature = bitString(expectTag(sigValue, TAG.BIT_STRING, 'signatureValue'));
    if (signature.unusedBits !== 0) throw new DerError('signature is not a whole number of bytes');
    const fields = children(tbs!);
    let i = 0;
    let version = 1;
    if (fields[i]?.tag === 0xa0) {
      const [v] = children(fields[i]!);
      version = v ? smallInteger(v) + 1 : 1;
      i++;
    }
    const serialNumber = integerHex(expectTag(fields[i++], TAG.INTEGER, 'serialNumber'));
    const innerAlg = parseSignatureAlgorithm(fields[i++]!);
    const issuer = parseName(fields[i++]!);
    const [nb, na] = children(expectTag(fields[i++], TAG.SEQUENCE, 'Validity'));
    if (!nb || !na) throw new DerError('incomplete Validity');
    const subject = parseName(fields[i++]!);
    const spki = expectTag(fields[i++], TAG.SEQUENCE, 'SubjectPublicKeyInfo');
    const [, keyBits] = children(spki);
    const subjectPublicKeyBits = bitString(expectTag(keyBits, TAG.BIT_STRING, 'subjectPublicKey')).bytes;
    const extensions: Extension[] = [];
    for (; i < fields.length; i++) {
      const field = fields[i]!;
      if (field.tag !== 0xa3) continue; // issuer/subject unique identifiers are ignored
      const [list] = children(field);
      for (const ext of children(expectTag(list, TAG.SEQUENCE, 'Extensions'))) {
        const parts = children(expectTag(ext, TAG.SEQUENCE, 'Extension'));
        const oid = decodeOid(parts[0]!);
        const critical = parts.length === 3 ? decodeBoolean(parts[1]!) : false;
        const octets = expectTag(parts[parts.length - 1], TAG.OCTET_STRING, 'extnValue');
        extensions.push({ oid, critical, value: value(octets) });
      }
    }
    const signatureAlgorithm = parseSignatureAlgorithm(sigAlg!);
    // RFC 5280 4.1.1.2: the outer and inner algorithm must be the same.
    if (innerAlg.oid !== signatureAlgorithm.oid) throw new DerError('signature algorithm differs between TBSCertificate and Certificate');
    const spkiDer = encoded(spki);
    let node: X509Certificate | undefined;
    let publicKey: KeyObject | null | undefined;
    return {
      der,
      get node() {
        node ??= new X509Certificate(der);
        return node;
      },
      get publicKey() {
        if (publicKey === undefined) {
          try {
            publicKey = createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' });
          } catch {
            publicKey = null; // an algorithm OpenSSL cannot load; the key-strength rule reports it
          }
        }
        return publicKey;
      },
      tbs: encoded(tbs!),
      signatureValue: signature.bytes,
      spki: spkiDer,
      sha256: createHash('sha256').update(der).digest('hex'),
      version,
      serialNumber,
      signatureAlgorithm,
      issuer,
      subject,
      notBefore: decodeTime(nb),
      notAfter: decodeTime(na),
      subjectPublicKeyBits,
      key: keyInfoFromSpki(spki, subjectPublicKeyBits),
      extensions,
      ...readExtensions(extensions),
      selfIssued: Buffer.compare(issuer.der, subject.der) === 0,
    };
  } catch (error) {
    if (error instanceof CertificateParseError) throw error;
    throw new CertificateParseError(error instanceof Error ? error.message : 'malformed certificate', { cause: error });
  }
}

/** True when `issuerKey` verifies the certificate's signature (never throws). */
export function signedBy(cert: ParsedCertificate, issuerKey: KeyObject | null): boolean {
  if (!issuerKey) return false;
  if (SIGNATURE_ALGORITHMS[cert.signatureAlgorithm.oid]) return verifySignature(cert.signatureAlgorithm, cert.tbs, cert.signatureValue, issuerKey);
  // An algorithm we have no table entry for: let OpenSSL decide from the certificate itself.
  try {
    return cert.node.verify(issuerKey);
  } catch {
    return false;
  }
}

/** Colon-separated upper-case hex, as openssl and most tools print fingerprints. */
export function formatFingerprint(hex: string): string {
  return hex.toUpperCase().match(/../g)?.join(':') ?? '';
}
