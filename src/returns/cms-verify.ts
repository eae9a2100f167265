import { createHash, createVerify, constants, X509Certificate, type KeyObject } from 'node:crypto';
import { ContentInfo, SignedData, type SignerInfo } from '@peculiar/asn1-cms';
import { RsaSaPssParams } from '@peculiar/asn1-rsa';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { Certificate, Time } from '@peculiar/asn1-x509';
import * as asn1js from 'asn1js';

/**
 * Offline verification of one CMS SignedData (RFC 5652) as found in a PDF
 * signature: does the signature verify over the signed bytes with the signer
 * certificate it carries. It does NOT establish trust: no chain building to a
 * trust list, no OCSP or CRL, no timestamp validation. The caller says so.
 */

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  timeStampToken: '1.2.840.113549.1.9.16.2.14',
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsaPss: '1.2.840.113549.1.1.10',
} as const;

const DIGESTS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** Signature algorithms that name their own digest. */
const SIGNATURE_DIGESTS: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.14': 'sha224',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.1': 'sha224',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};
const ECDSA_KEY = '1.2.840.10045.2.1';

export interface SignerCertificateInfo {
  subject: string;
  issuer: string;
  serialNumber: string;
  validFrom: string;
  validTo: string;
}

export interface CmsVerification {
  /** The signature value verifies and the content digest matches. */
  intact: boolean;
  problems: string[];
  signer: SignerCertificateInfo | null;
  /** From the signingTime signed attribute, or the genTime of a timestamp token's TSTInfo. */
  signingTime: string | null;
  timestampToken: boolean;
}

/**
 * What was signed: `detached` content (PDF byte ranges, adbe.pkcs7.detached and
 * ETSI.CAdES.detached), `sha1-encapsulated` (adbe.pkcs7.sha1: the SHA-1 of the
 * ranges is the encapsulated content), or a `timestamp` token whose TSTInfo
 * imprint must be the hash of the ranges (ETSI.RFC3161 document timestamps).
 */
export type SignedContentMode = 'detached' | 'sha1-encapsulated' | 'timestamp';

/** The exact DER length of the first TLV (PDF /Contents is zero-padded after it). */
export function derLength(bytes: Uint8Array): number {
  if (bytes.length < 2) return -1;
  const first = bytes[1]!;
  if (first < 0x80) return 2 + first;
  const count = first & 0x7f;
  if (count === 0 || count > 4 || bytes.length < 2 + count) return -1;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + bytes[2 + i]!;
  return 2 + count + length;
}

function toBuffer(value: ArrayBuffer | Uint8Array): Buffer {
  return value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : Buffer.from(value);
}

function digestOf(algorithm: string, chunks: readonly Uint8Array[]): Buffer {
  const hash = createHash(algorithm);
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest();
}

function attribute(attrs: SignerInfo['signedAttrs'], oid: string): ArrayBuffer | undefined {
  return attrs?.find((a) => a.attrType === oid)?.attrValues[0];
}

function certificateInfo(der: Buffer): { info: SignerCertificateInfo; key: KeyObject } {
  const cert = new X509Certificate(der);
  return {
    info: {
      subject: cert.subject.split('\n').join(', '),
      issuer: cert.issuer.split('\n').join(', '),
      serialNumber: cert.serialNumber,
      validFrom: new Date(cert.validFrom).toISOString(),
      validTo: new Date(cert.validTo).toISOString(),
    },
    key: cert.publicKey,
  };
}

function signerCertificate(signed: SignedData, signer: SignerInfo): Buffer | null {
  const certificates = (signed.certificates ?? []).map((c) => c.certificate).filter((c): c is Certificate => c !== undefined);
  const byIssuer = signer.sid.issuerAndSerialNumber;
  const bySki = signer.sid.subjectKeyIdentifier;
  for (const cert of certificates) {
    const tbs = cert.tbsCertificate;
    if (byIssuer) {
      const sameSerial = toBuffer(tbs.serialNumber).equals(toBuffer(byIssuer.serialNumber));
      const sameIssuer = toBuffer(AsnConvert.serialize(tbs.issuer)).equals(toBuffer(AsnConvert.serialize(byIssuer.issuer)));
      if (sameSerial && sameIssuer) return toBuffer(AsnConvert.serialize(cert));
    } else if (bySki) {
      const ext = tbs.extensions?.find((e) => e.extnID === '2.5.29.14');
      if (ext) {
        const ski = AsnConvert.parse(ext.extnValue, OctetString);
        if (toBuffer(ski.buffer).equals(toBuffer(bySki.buffer))) return toBuffer(AsnConvert.serialize(cert));
      }
    }
  }
  return null;
}

/** Verifies `signature` over `data` with the signer's algorithm; throws for unknown algorithms. */
function verifySignatureValue(signer: SignerInfo, key: KeyObject, data: readonly Uint8Array[]): boolean {
  const algorithm = signer.signatureAlgorithm.algorithm;
  const signature = toBuffer(signer.signature.buffer);
  if (algorithm === OID.rsaPss) {
    if (!signer.signatureAlgorithm.parameters) throw new Error('unsupported-algorithm');
    const params = AsnConvert.parse(signer.signatureAlgorithm.parameters, RsaSaPssParams);
    const hash = DIGESTS[params.hashAlgorithm.algorithm];
    if (!hash) throw new Error('unsupported-algorithm');
    const verifier = createVerify(hash);
    for (const chunk of data) verifier.update(chunk);
    return verifier.verify({ key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: params.saltLength }, signature);
  }
  const hash = SIGNATURE_DIGESTS[algorithm] ?? (algorithm === OID.rsaEncryption || algorithm === ECDSA_KEY ? DIGESTS[signer.digestAlgorithm.algorithm] : undefined);
  if (!hash) throw new Error('unsupported-algorithm');
  const verifier = createVerify(hash);
  for (const chunk of data) verifier.update(chunk);
  return verifier.verify(key.asymmetricKeyType === 'ec' ? { key, dsaEncoding: 'der' } : key, signature);
}

/**
 * The signed attributes of the first SignerInfo exactly as encoded, which is
 * what the signature covers (re-encoding could change BER into DER). The
 * schema parser drops the raw bytes, so they are taken from asn1js's tree.
 */
function rawSignedAttributes(der: Uint8Array): Buffer | null {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1) return null;
  const contentInfo = parsed.result as asn1js.Sequence;
  const explicit = contentInfo.valueBlock.value[1] as asn1js.Constructed | undefined;
  const signedData = explicit?.valueBlock.value[0] as asn1js.Sequence | undefined;
  const fields = signedData?.valueBlock.value ?? [];
  const signerInfos = fields[fields.length - 1] as asn1js.Set | undefined;
  const signerInfo = signerInfos?.valueBlock.value[0] as asn1js.Sequence | undefined;
  const attrs = signerInfo?.valueBlock.value.find((e) => e.idBlock.tagClass === 3 && e.idBlock.tagNumber === 0);
  return attrs ? Buffer.from(attrs.valueBeforeDecodeView) : null;
}

/** messageImprint and genTime of an RFC 3161 TSTInfo. */
function parseTstInfo(der: Buffer): { digest: string | undefined; imprint: Buffer; genTime: Date } {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1) throw new Error('malformed-timestamp');
  const fields = (parsed.result as asn1js.Sequence).valueBlock.value;
  const imprint = fields[2] as asn1js.Sequence;
  const [algorithm, hashed] = imprint.valueBlock.value as [asn1js.Sequence, asn1js.OctetString];
  const oid = (algorithm.valueBlock.value[0] as asn1js.ObjectIdentifier).valueBlock.toString();
  return {
    digest: DIGESTS[oid],
    imprint: Buffer.from(hashed.valueBlock.valueHexView),
    genTime: (fields[4] as asn1js.GeneralizedTime).toDate(),
  };
}

/**
 * Verifies a CMS SignedData over `content` (given in chunks, so a 25 MB file is
 * never copied). Never throws: anything that cannot be verified is a problem.
 */
export function verifyCms(cmsBytes: Uint8Array, content: readonly Uint8Array[], mode: SignedContentMode): CmsVerification {
  const result: CmsVerification = { intact: false, problems: [], signer: null, signingTime: null, timestampToken: false };
  let signed: SignedData;
  let der: Uint8Array;
  try {
    const length = derLength(cmsBytes);
    if (length <= 0 || length > cmsBytes.length) throw new Error('bad length');
    der = cmsBytes.subarray(0, length);
    const info = AsnConvert.parse(der, ContentInfo);
    if (info.contentType !== OID.signedData) throw new Error('not SignedData');
    signed = AsnConvert.parse(info.content, SignedData);
  } catch {
    result.problems.push('malformed-signature');
    return result;
  }
  const signer = signed.signerInfos[0];
  if (!signer) {
    result.problems.push('no-signer');
    return result;
  }
  if (signed.signerInfos.length > 1) result.problems.push('several-signers-first-checked');
  result.timestampToken = signer.unsignedAttrs?.some((a) => a.attrType === OID.timeStampToken) ?? false;

  const certDer = signerCertificate(signed, signer);
  if (!certDer) {
    result.problems.push('no-signer-certificate');
    return result;
  }
  let key: KeyObject;
  try {
    const cert = certificateInfo(certDer);
    result.signer = cert.info;
    key = cert.key;
  } catch {
    result.problems.push('malformed-certificate');
    return result;
  }

  const digestName = DIGESTS[signer.digestAlgorithm.algorithm];
  if (!digestName) {
    result.problems.push('unsupported-algorithm');
    return result;
  }

  // The bytes the signer's digest covers: the ranges themselves, or the
  // encapsulated content that in turn stands for the ranges.
  let signedContent: readonly Uint8Array[] = content;
  const eContent = signed.encapContentInfo.eContent?.single ?? signed.encapContentInfo.eContent?.any;
  if (mode !== 'detached') {
    if (!eContent) {
      result.problems.push('no-encapsulated-content');
      return result;
    }
    const encapsulated = toBuffer(eContent instanceof OctetString ? eContent.buffer : eContent);
    if (mode === 'sha1-encapsulated') {
      if (!digestOf('sha1', content).equals(encapsulated)) result.problems.push('digest-mismatch');
    } else {
      try {
        const tst = parseTstInfo(encapsulated);
        result.signingTime = tst.genTime.toISOString();
        if (!tst.digest || !digestOf(tst.digest, content).equals(tst.imprint)) result.problems.push('digest-mismatch');
      } catch {
        result.problems.push('malformed-timestamp');
        return result;
      }
    }
    signedContent = [encapsulated];
  }

  const contentDigest = digestOf(digestName, signedContent);
  try {
    let valid: boolean;
    const rawAttributes = signer.signedAttrs ? rawSignedAttributes(der) : null;
    if (signer.signedAttrs) {
      if (!rawAttributes) throw new Error('malformed-signature');
      const digestAttr = attribute(signer.signedAttrs, OID.messageDigest);
      const claimed = digestAttr ? toBuffer(AsnConvert.parse(digestAttr, OctetString).buffer) : null;
      if (!claimed || !claimed.equals(contentDigest)) result.problems.push('digest-mismatch');
      const time = attribute(signer.signedAttrs, OID.signingTime);
      if (time && !result.signingTime) result.signingTime = AsnConvert.parse(time, Time).getTime().toISOString();
      // The signature covers the DER of the attributes as a SET (tag 0x31), not
      // the [0] IMPLICIT tag they carry inside SignerInfo; use the bytes as sent.
      rawAttributes[0] = 0x31;
      valid = verifySignatureValue(signer, key, [rawAttributes]);
    } else {
      valid = verifySignatureValue(signer, key, signedContent);
    }
    if (!valid) result.problems.push('bad-signature');
  } catch (error) {
    const known = error instanceof Error && (error.message === 'unsupported-algorithm' || error.message === 'malformed-signature');
    result.problems.push(known ? (error as Error).message : 'bad-signature');
  }
  result.intact = !result.problems.some((p) => p !== 'several-signers-first-checked');
  return result;
}
