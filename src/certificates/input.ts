import { children, decodeOid, DerError, encoded, readTlv, sameBytes, smallInteger, TAG, type Tlv } from './der.js';
import { OID } from './oids.js';
import { pemBlocks, PemError, PRIVATE_KEY_MARKER } from './pem.js';
import { isZip, readZip, ZipError, type ZipLimits } from './zip.js';

/**
 * Turns whatever an agency sends into DER certificates, judging by content only
 * (never by file name or MIME type): PEM, DER, PKCS#7 (.p7b/.p7c, DER or PEM),
 * or a ZIP holding those. Private key material anywhere in the input stops
 * everything before any certificate is looked at, so the caller can refuse it
 * without storing or logging a byte of it.
 */

export type PrivateKeyKind = 'pem-private-key' | 'pkcs12' | 'java-keystore' | 'der-private-key';
export type UnreadableHint = 'csr' | 'public-key' | 'crl' | 'pdf' | 'image' | 'office' | 'text' | 'nested-zip' | null;

export type SubmissionProblem =
  | { kind: 'empty' }
  | { kind: 'private-key'; keyKind: PrivateKeyKind }
  | { kind: 'not-a-certificate'; hint: UnreadableHint }
  | { kind: 'unreadable-certificate'; index: number }
  | { kind: 'zip'; problem: ZipError['problem'] }
  | { kind: 'too-many-certificates'; limit: number };

export class SubmissionError extends Error {
  constructor(readonly problem: SubmissionProblem) {
    super(`certificate submission: ${problem.kind}`);
    this.name = 'SubmissionError';
  }
}

export interface SubmissionLimits {
  zip: ZipLimits;
  maxCertificates: number;
}

export const DEFAULT_SUBMISSION_LIMITS: SubmissionLimits = {
  // Certificates are 1–3 kB; a generous budget still stops any bomb early.
  zip: { maxEntries: 64, maxEntryBytes: 256 * 1024, maxTotalBytes: 2 * 1024 * 1024 },
  maxCertificates: 20,
};

const fail = (problem: SubmissionProblem): never => {
  throw new SubmissionError(problem);
};

function isBlank(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x00) return false;
  return true;
}

function startsWith(bytes: Uint8Array, ...prefix: number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

/** Text, decoded: UTF-16 with a BOM (Windows PowerShell output) or else Latin-1, which keeps every byte. */
function asText(bytes: Uint8Array): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (startsWith(bytes, 0xff, 0xfe)) return buf.subarray(2).toString('utf16le');
  if (startsWith(bytes, 0xfe, 0xff)) {
    const swapped = Buffer.from(buf.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return buf.toString('latin1');
}

function printable(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 4096);
  let ok = 0;
  for (const b of sample) if (b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f) || b >= 0x80) ok++;
  return !sample.includes(0) && ok === sample.length;
}

function binaryHint(bytes: Uint8Array): UnreadableHint {
  if (startsWith(bytes, 0x25, 0x50, 0x44, 0x46)) return 'pdf'; // %PDF
  if (startsWith(bytes, 0x89, 0x50, 0x4e, 0x47) || startsWith(bytes, 0xff, 0xd8, 0xff)) return 'image';
  if (startsWith(bytes, 0xd0, 0xcf, 0x11, 0xe0)) return 'office'; // OLE2 (.doc/.msg)
  return null;
}

// ---------------------------------------------------------------------------
// DER classification

type DerKind =
  | { kind: 'certificate'; der: Uint8Array }
  | { kind: 'pkcs7'; certificates: Uint8Array[] }
  | { kind: 'private-key'; keyKind: PrivateKeyKind }
  | { kind: 'other'; hint: UnreadableHint };

const ENCRYPTED_KEY_ALGORITHMS = /^1\.2\.840\.113549\.1\.(5\.\d+|12\.1\.\d+)$/;

function isTime(t: Tlv | undefined): boolean {
  return t?.tag === TAG.UTC_TIME || t?.tag === TAG.GENERALIZED_TIME;
}

function firstChildTag(t: Tlv | undefined): number | undefined {
  if (!t?.constructed) return undefined;
  return t.valueStart < t.valueEnd ? t.buffer[t.valueStart] : undefined;
}

function pkcs7Certificates(content: Tlv | undefined): Uint8Array[] {
  if (!content || content.tag !== 0xa0) return [];
  const [signedData] = children(content, true);
  if (!signedData || signedData.tag !== TAG.SEQUENCE) throw new DerError('bad SignedData');
  const set = children(signedData, true).find((f) => f.tag === 0xa0);
  if (!set) return [];
  return children(set, true)
    .filter((c) => c.tag === TAG.SEQUENCE)
    .map((c) => encoded(c));
}

function classifyDer(bytes: Uint8Array): DerKind {
  let root: Tlv;
  try {
    root = readTlv(bytes, 0, bytes.length, true);
  } catch {
    return { kind: 'other', hint: binaryHint(bytes) };
  }
  if (root.tag !== TAG.SEQUENCE) return { kind: 'other', hint: binaryHint(bytes) };
  let parts: Tlv[];
  try {
    parts = children(root, true);
  } catch {
    return { kind: 'other', hint: null };
  }
  const [a, b, c] = parts;
  try {
    // ContentInfo: PKCS#7 SignedData holds certificates; PFX (PKCS#12) holds keys.
    if (a?.tag === TAG.OID) {
      const oid = decodeOid(a);
      if (oid === OID.pkcs7SignedData) return { kind: 'pkcs7', certificates: pkcs7Certificates(b) };
      return { kind: 'other', hint: null };
    }
    if (a?.tag === TAG.INTEGER) {
      const version = a.valueEnd - a.valueStart <= 2 ? smallInteger(a) : -1;
      if (version === 3 && b?.tag === TAG.SEQUENCE && firstChildTag(b) === TAG.OID) return { kind: 'private-key', keyKind: 'pkcs12' };
      if (version === 0 && b?.tag === TAG.SEQUENCE && c?.tag === TAG.OCTET_STRING) return { kind: 'private-key', keyKind: 'der-private-key' }; // PKCS#8
      if (version === 1 && b?.tag === TAG.OCTET_STRING) return { kind: 'private-key', keyKind: 'der-private-key' }; // SEC 1 EC key
      if ((version === 0 || version === 1) && parts.length >= 6 && parts.every((p) => p.tag === TAG.INTEGER)) return { kind: 'private-key', keyKind: 'der-private-key' }; // PKCS#1 / DSA
      return { kind: 'other', hint: null };
    }
    if (a?.tag === TAG.SEQUENCE && b?.tag === TAG.OCTET_STRING && parts.length === 2) {
      const [alg] = children(a);
      if (alg?.tag === TAG.OID && ENCRYPTED_KEY_ALGORITHMS.test(decodeOid(alg))) return { kind: 'private-key', keyKind: 'der-private-key' };
    }
    if (a?.tag === TAG.SEQUENCE && b?.tag === TAG.BIT_STRING && parts.length === 2) return { kind: 'other', hint: 'public-key' };
    if (a?.tag === TAG.SEQUENCE && b?.tag === TAG.SEQUENCE && c?.tag === TAG.BIT_STRING && parts.length === 3) {
      const inner = children(a);
      if (inner[0]?.tag === 0xa0) return { kind: 'certificate', der: encoded(root) };
      if (inner[0]?.tag === TAG.INTEGER && firstChildTag(inner[1]) === TAG.SET) return { kind: 'other', hint: 'csr' };
      if (inner.some(isTime) && !inner.some((t) => t.tag === TAG.SEQUENCE && children(t).every(isTime))) return { kind: 'other', hint: 'crl' };
      return { kind: 'certificate', der: encoded(root) }; // v1 certificate
    }
  } catch {
    return { kind: 'other', hint: null };
  }
  return { kind: 'other', hint: null };
}

// ---------------------------------------------------------------------------

interface Collector {
  certificates: Uint8Array[];
  hints: UnreadableHint[];
  limits: SubmissionLimits;
}

function addDer(bytes: Uint8Array, out: Collector): void {
  // Several DER certificates back to back also happen (cat a.cer b.cer).
  let offset = 0;
  const found: DerKind[] = [];
  while (offset < bytes.length) {
    let end: number;
    try {
      end = readTlv(bytes, offset, bytes.length, true).end;
    } catch {
      if (found.length === 0) break;
      return fail({ kind: 'not-a-certificate', hint: null });
    }
    found.push(classifyDer(bytes.subarray(offset, end)));
    offset = end;
    // Trailing zero padding or line breaks after a DER file are harmless.
    if (isBlank(bytes.subarray(offset))) break;
  }
  if (found.length === 0) found.push({ kind: 'other', hint: binaryHint(bytes) });
  for (const item of found) {
    if (item.kind === 'private-key') fail({ kind: 'private-key', keyKind: item.keyKind });
  }
  for (const item of found) {
    if (item.kind === 'certificate') out.certificates.push(item.der);
    else if (item.kind === 'pkcs7') out.certificates.push(...item.certificates);
    else if (item.kind === 'other') out.hints.push(item.hint);
  }
}

const PEM_CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);
const PEM_PKCS7_LABELS = new Set(['PKCS7', 'PKCS #7 SIGNED DATA', 'CMS', 'CERTIFICATE CHAIN']);
const PEM_HINTS: Record<string, UnreadableHint> = {
  'CERTIFICATE REQUEST': 'csr',
  'NEW CERTIFICATE REQUEST': 'csr',
  'PUBLIC KEY': 'public-key',
  'RSA PUBLIC KEY': 'public-key',
  'X509 CRL': 'crl',
};

function addText(text: string, bytes: Uint8Array, out: Collector): void {
  if (PRIVATE_KEY_MARKER.test(text)) fail({ kind: 'private-key', keyKind: 'pem-private-key' });
  if (text.includes('-----BEGIN ')) {
    let blocks;
    try {
      blocks = pemBlocks(text);
    } catch (error) {
      if (error instanceof PemError) return fail({ kind: 'unreadable-certificate', index: out.certificates.length + 1 });
      throw error;
    }
    for (const block of blocks) {
      if (PEM_CERTIFICATE_LABELS.has(block.label) || PEM_PKCS7_LABELS.has(block.label)) {
        // An OpenSSL "TRUSTED CERTIFICATE" is a certificate followed by trust settings.
        const der = block.label === 'TRUSTED CERTIFICATE' ? firstElement(block.der) : block.der;
        const before = out.certificates.length;
        addDer(der, out);
        if (out.certificates.length === before && PEM_CERTIFICATE_LABELS.has(block.label)) {
          fail({ kind: 'unreadable-certificate', index: before + 1 });
        }
      } else out.hints.push(PEM_HINTS[block.label] ?? null);
    }
    return;
  }
  // Bare base64 of a DER file (pasted without the BEGIN/END lines).
  const compact = text.replace(/\s+/g, '');
  if (compact.length >= 64 && /^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    addDer(Buffer.from(compact, 'base64'), out);
    return;
  }
  out.hints.push(binaryHint(bytes) ?? (printable(bytes) ? 'text' : null));
}

function firstElement(der: Uint8Array): Uint8Array {
  try {
    return der.subarray(0, readTlv(der, 0).end);
  } catch {
    return der;
  }
}

function collect(bytes: Uint8Array, depth: number, out: Collector): void {
  if (isBlank(bytes)) return;
  if (isZip(bytes)) {
    if (depth > 0) {
      out.hints.push('nested-zip');
      return;
    }
    let entries;
    try {
      entries = readZip(bytes, out.limits.zip);
    } catch (error) {
      if (error instanceof ZipError) return fail({ kind: 'zip', problem: error.problem });
      throw error;
    }
    for (const entry of entries) collect(entry.data, depth + 1, out);
    return;
  }
  // Java keystores (JKS, JCEKS) hold private keys; they are refused whatever else is inside.
  if (startsWith(bytes, 0xfe, 0xed, 0xfe, 0xed) || startsWith(bytes, 0xce, 0xce, 0xce, 0xce)) fail({ kind: 'private-key', keyKind: 'java-keystore' });
  const text = asText(bytes);
  // PEM markers decide first: a text file may well start with a "0" (0x30, SEQUENCE).
  if (bytes[0] === TAG.SEQUENCE && !text.includes('-----BEGIN ')) {
    if (PRIVATE_KEY_MARKER.test(text)) fail({ kind: 'private-key', keyKind: 'pem-private-key' });
    addDer(bytes, out);
    return;
  }
  addText(text, bytes, out);
}

/**
 * The certificates in a submission, in the order they appear, duplicates
 * removed. Throws SubmissionError for empty input, private keys, unsafe or
 * oversized ZIPs, and input that holds no certificate.
 */
export function readSubmission(bytes: Uint8Array, limits: SubmissionLimits = DEFAULT_SUBMISSION_LIMITS): Uint8Array[] {
  if (isBlank(bytes)) fail({ kind: 'empty' });
  const out: Collector = { certificates: [], hints: [], limits };
  collect(bytes, 0, out);
  const unique: Uint8Array[] = [];
  for (const der of out.certificates) if (!unique.some((seen) => sameBytes(seen, der))) unique.push(der);
  if (unique.length === 0) fail({ kind: 'not-a-certificate', hint: out.hints.find((h) => h !== null) ?? null });
  if (unique.length > limits.maxCertificates) fail({ kind: 'too-many-certificates', limit: limits.maxCertificates });
  return unique;
}
