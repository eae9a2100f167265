import { verifyCms, type SignedContentMode } from './cms-verify.js';
import type { SignatureField } from './pdf-inspect.js';
import type { SignatureReport } from '../domain/upload-analysis.js';

/**
 * Verifies every signature field of a PDF over its /ByteRange. The CMS blob is
 * taken from the gap the byte range leaves (that gap is what the signature
 * excludes), so a /Contents that differs from the gap cannot fool us.
 */
export type VerifiedSignature = Omit<SignatureReport, 'index' | 'signedContent'> & {
  /** Offset where the signed revision ends (byteRange[2] + byteRange[3]). */
  signedEnd: number;
};

const MODES: Record<string, SignedContentMode> = {
  'adbe.pkcs7.detached': 'detached',
  'ETSI.CAdES.detached': 'detached',
  'adbe.pkcs7.sha1': 'sha1-encapsulated',
  'ETSI.RFC3161': 'timestamp',
};

const WHITESPACE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const HEX = /^[0-9a-fA-F\s]*$/;

/** Parses a PDF date (D:YYYYMMDDHHmmSSOHH'mm') into ISO 8601, or null. */
export function pdfDate(value: string | null): string | null {
  if (!value) return null;
  const m = /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+-])?(\d{2})?'?(\d{2})?/.exec(value.trim());
  if (!m) return null;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', sign, oh = '00', om = '00'] = m;
  const offset = !sign || sign === 'Z' || sign === 'z' ? 'Z' : `${sign}${oh}:${om}`;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${offset}`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export function verifyPdfSignatures(bytes: Uint8Array, fields: readonly SignatureField[]): VerifiedSignature[] {
  return fields.map((field) => {
    const [a, b, c, d] = field.byteRange;
    const base: VerifiedSignature = {
      subFilter: field.subFilter,
      intact: false,
      coversWholeFile: false,
      signer: null,
      signingTime: null,
      signingTimeSource: null,
      timestampToken: false,
      chain: 'not-verified',
      problems: [],
      signedEnd: Number.isFinite(c + d) ? c + d : 0,
    };
    const claimedTime = pdfDate(field.claimedTime);
    if (claimedTime) {
      base.signingTime = claimedTime;
      base.signingTimeSource = 'pdf-dictionary';
    }
    const valid =
      [a, b, c, d].every((n) => Number.isSafeInteger(n) && n >= 0) && a === 0 && b > 0 && c >= b + 2 && c + d <= bytes.length;
    if (!valid) return { ...base, problems: ['byte-range-invalid'] };

    let rest = c + d;
    while (rest < bytes.length && WHITESPACE.has(bytes[rest]!)) rest++;
    base.coversWholeFile = rest === bytes.length;

    const gap = Buffer.from(bytes.buffer, bytes.byteOffset + b, c - b).toString('latin1');
    if (!gap.startsWith('<') || !gap.endsWith('>') || !HEX.test(gap.slice(1, -1))) return { ...base, problems: ['byte-range-invalid'] };
    const cms = Buffer.from(gap.slice(1, -1).replace(/\s+/g, ''), 'hex');

    const mode = field.subFilter ? MODES[field.subFilter] : undefined;
    if (!mode) return { ...base, problems: ['unsupported-subfilter'] };
    const content = [bytes.subarray(0, b), bytes.subarray(c, c + d)];
    const verified = verifyCms(cms, content, mode);
    return {
      ...base,
      intact: verified.intact,
      problems: verified.problems,
      signer: verified.signer,
      timestampToken: verified.timestampToken,
      ...(verified.signingTime ? { signingTime: verified.signingTime, signingTimeSource: 'signed-attribute' as const } : {}),
    };
  });
}
