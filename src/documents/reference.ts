import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Locale } from '../domain/locale.js';

/**
 * Traceability of issued documents. Every page of every PDF we issue carries a
 * QR code and a human-readable reference, so a scan of a signed print can later
 * be matched to exactly that document and page, and a forged or altered code is
 * detected (HMAC-SHA256 with a server secret, truncated to 80 bits).
 *
 * QR payload (QR "alphanumeric" mode: upper case, digits, '.' and '-' only):
 *   EFM1.<documentId>.<caseId>.<templateId>.<templateVersion>.<page>.<pageCount>.<mac>
 * e.g. EFM1.7K3Q9XPD.3F2A…-….DPV-TERMS.1.1.2.ABCDEFGHIJKLMNOP
 * Human reference: EFM-7K3Q-9XPD · side 1/2
 */

/** Crockford base32: no I, L, O, U, so people cannot confuse 0/O or 1/I/L. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const DOCUMENT_ID_LENGTH = 8;
const MAC_LENGTH = 16; // 16 base32 characters = 80 bits
const VERSION_TAG = 'EFM1';

export interface PageCode {
  documentId: string;
  caseId: string;
  templateId: string;
  templateVersion: number;
  page: number;
  pageCount: number;
}

export type DecodedPageCode =
  | { ok: true; code: PageCode }
  | { ok: false; reason: 'not-ours' | 'malformed' | 'bad-mac' };

function base32(bytes: Buffer, length: number): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

/** A new document id: 8 Crockford base32 characters (40 random bits). */
export function newDocumentId(): string {
  return base32(randomBytes(5), DOCUMENT_ID_LENGTH);
}

/** EFM-7K3Q-9XPD */
export function formatReference(documentId: string): string {
  return `EFM-${documentId.slice(0, 4)}-${documentId.slice(4)}`;
}

/**
 * Reads a reference typed by a person ("efm 7k3q 9xpd", "EFM-7K3Q-9XPD") and
 * returns the document id, mapping the letters people confuse with digits.
 */
export function parseReference(input: string): string | null {
  const compact = input
    .toUpperCase()
    .replace(/[\s\u00a0\-–·.]/g, '')
    .replace(/^EFM/, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (compact.length !== DOCUMENT_ID_LENGTH) return null;
  for (const ch of compact) if (!ALPHABET.includes(ch)) return null;
  return compact;
}

const PAGE_WORD: Record<Locale, string> = { nb: 'side', nn: 'side', en: 'page' };

/** "EFM-7K3Q-9XPD · side 1/3" */
export function pageLabel(documentId: string, page: number, pageCount: number, locale: Locale): string {
  return `${formatReference(documentId)} · ${PAGE_WORD[locale]} ${page}/${pageCount}`;
}

function fieldsOf(code: PageCode): string[] {
  return [
    VERSION_TAG,
    code.documentId,
    code.caseId.toUpperCase(),
    code.templateId.toUpperCase(),
    String(code.templateVersion),
    String(code.page),
    String(code.pageCount),
  ];
}

function mac(key: Buffer, fields: string[]): string {
  return base32(createHmac('sha256', key).update(fields.join('.'), 'utf8').digest(), MAC_LENGTH);
}

export function encodePageCode(code: PageCode, key: Buffer): string {
  const fields = fieldsOf(code);
  return `${fields.join('.')}.${mac(key, fields)}`;
}

const PAYLOAD = /^EFM1\.([0-9A-Z]{8})\.([0-9A-F-]{36})\.([A-Z0-9-]{1,40})\.(\d{1,4})\.(\d{1,3})\.(\d{1,3})\.([0-9A-Z]{16})$/;

/** Decodes and authenticates a QR payload. Case ids and template ids come back lower case. */
export function decodePageCode(text: string, key: Buffer): DecodedPageCode {
  const trimmed = text.trim();
  if (!trimmed.startsWith(`${VERSION_TAG}.`)) return { ok: false, reason: 'not-ours' };
  const match = PAYLOAD.exec(trimmed);
  if (!match) return { ok: false, reason: 'malformed' };
  const [, documentId, caseId, templateId, version, page, pageCount, givenMac] = match as unknown as string[];
  const code: PageCode = {
    documentId: documentId!,
    caseId: caseId!.toLowerCase(),
    templateId: templateId!.toLowerCase(),
    templateVersion: Number(version),
    page: Number(page),
    pageCount: Number(pageCount),
  };
  if (code.page < 1 || code.page > code.pageCount) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(mac(key, fieldsOf(code)));
  const given = Buffer.from(givenMac!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad-mac' };
  return { ok: true, code };
}
