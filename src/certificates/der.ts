/**
 * A small, strict ASN.1 DER reader and writer: just what certificates, PKCS#7,
 * CRLs and OCSP need. Written here instead of using a schema library so that
 * parsing is fast (the validator runs thousands of times per second), never
 * interprets key material (node-forge cannot read EC keys), and every bound is
 * checked: a length that points outside its parent is an error, not a read past
 * the end.
 */

export class DerError extends Error {
  constructor(message: string) {
    super(`DER: ${message}`);
    this.name = 'DerError';
  }
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  NUMERIC_STRING: 0x12,
  PRINTABLE_STRING: 0x13,
  TELETEX_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  VISIBLE_STRING: 0x1a,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** One tag-length-value element, as offsets into the buffer it was read from. */
export interface Tlv {
  /** The identifier octet (class, constructed bit and low tag number). */
  tag: number;
  constructed: boolean;
  /** 0 universal, 1 application, 2 context-specific, 3 private. */
  tagClass: number;
  tagNumber: number;
  /** Offset of the identifier octet. */
  start: number;
  /** Offset of the first content octet. */
  valueStart: number;
  /** Offset just past the element (past the end-of-contents octets for BER indefinite lengths). */
  end: number;
  /** Offset just past the content octets. */
  valueEnd: number;
  buffer: Uint8Array;
}

const MAX_DEPTH = 32;

/**
 * Reads the element at `offset`. Definite lengths must be minimal enough to fit in
 * 4 bytes; BER indefinite lengths are accepted only when `allowIndefinite` (some
 * tools write PKCS#7 bundles that way), and only for constructed elements.
 */
export function readTlv(buffer: Uint8Array, offset = 0, limit = buffer.length, allowIndefinite = false, depth = 0): Tlv {
  if (depth > MAX_DEPTH) throw new DerError('nested too deeply');
  if (offset >= limit) throw new DerError('unexpected end of data');
  const tag = buffer[offset]!;
  const tagClass = tag >> 6;
  const constructed = (tag & 0x20) !== 0;
  let tagNumber = tag & 0x1f;
  let cursor = offset + 1;
  if (tagNumber === 0x1f) {
    // High tag numbers: base-128; we never need more than a few bytes.
    tagNumber = 0;
    for (let i = 0; ; i++) {
      if (cursor >= limit || i > 3) throw new DerError('bad high tag number');
      const b = buffer[cursor++]!;
      tagNumber = (tagNumber << 7) | (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  if (cursor >= limit) throw new DerError('missing length');
  const first = buffer[cursor++]!;
  if (first === 0x80) {
    if (!allowIndefinite || !constructed) throw new DerError('indefinite length not allowed here');
    // Content runs until the end-of-contents marker (00 00) at this level.
    const valueStart = cursor;
    let p = cursor;
    for (;;) {
      if (p + 1 >= limit) throw new DerError('unterminated indefinite length');
      if (buffer[p] === 0 && buffer[p + 1] === 0) break;
      p = readTlv(buffer, p, limit, true, depth + 1).end;
    }
    return { tag, constructed, tagClass, tagNumber, start: offset, valueStart, valueEnd: p, end: p + 2, buffer };
  }
  let length: number;
  if (first < 0x80) length = first;
  else {
    const count = first & 0x7f;
    if (count > 4) throw new DerError('length too large');
    length = 0;
    for (let i = 0; i < count; i++) {
      if (cursor >= limit) throw new DerError('truncated length');
      length = length * 256 + buffer[cursor++]!;
    }
  }
  const valueStart = cursor;
  const valueEnd = valueStart + length;
  if (valueEnd > limit) throw new DerError('length exceeds the data');
  return { tag, constructed, tagClass, tagNumber, start: offset, valueStart, valueEnd, end: valueEnd, buffer };
}

/** Parses a buffer that must hold exactly one element. */
export function readRoot(buffer: Uint8Array, allowIndefinite = false): Tlv {
  const tlv = readTlv(buffer, 0, buffer.length, allowIndefinite);
  if (tlv.end !== buffer.length) throw new DerError('trailing data after the element');
  return tlv;
}

export function children(parent: Tlv, allowIndefinite = false): Tlv[] {
  if (!parent.constructed) throw new DerError('expected a constructed element');
  const list: Tlv[] = [];
  let p = parent.valueStart;
  while (p < parent.valueEnd) {
    const child = readTlv(parent.buffer, p, parent.valueEnd, allowIndefinite);
    list.push(child);
    p = child.end;
  }
  return list;
}

/** Byte-wise equality without copying either side. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

export function value(tlv: Tlv): Uint8Array {
  return tlv.buffer.subarray(tlv.valueStart, tlv.valueEnd);
}

/** The whole encoding of the element (identifier, length and content). */
export function encoded(tlv: Tlv): Uint8Array {
  return tlv.buffer.subarray(tlv.start, tlv.end);
}

export function expectTag(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (!tlv || tlv.tag !== tag) throw new DerError(`expected ${what}`);
  return tlv;
}

export function decodeOid(tlv: Tlv): string {
  if (tlv.tag !== TAG.OID) throw new DerError('expected an OBJECT IDENTIFIER');
  const bytes = value(tlv);
  if (bytes.length === 0) throw new DerError('empty OBJECT IDENTIFIER');
  const parts: number[] = [];
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    n = n * 128 + (b & 0x7f);
    if (n > Number.MAX_SAFE_INTEGER / 128) throw new DerError('OBJECT IDENTIFIER arc too large');
    if ((b & 0x80) === 0) {
      if (parts.length === 0) {
        const first = n < 80 ? Math.floor(n / 40) : 2;
        parts.push(first, n - first * 40);
      } else parts.push(n);
      n = 0;
    } else if (i === bytes.length - 1) throw new DerError('truncated OBJECT IDENTIFIER');
  }
  return parts.join('.');
}

export function decodeBoolean(tlv: Tlv): boolean {
  if (tlv.tag !== TAG.BOOLEAN || tlv.valueEnd - tlv.valueStart !== 1) throw new DerError('expected a BOOLEAN');
  return tlv.buffer[tlv.valueStart] !== 0;
}

/** An INTEGER as upper-case hex of its two's-complement content (leading 00 kept off). */
export function integerHex(tlv: Tlv): string {
  if (tlv.tag !== TAG.INTEGER && (tlv.tagClass !== 2 || tlv.constructed)) throw new DerError('expected an INTEGER');
  let bytes = value(tlv);
  if (bytes.length === 0) throw new DerError('empty INTEGER');
  while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
  return Buffer.from(bytes).toString('hex').toUpperCase();
}

export function smallInteger(tlv: Tlv): number {
  if (tlv.tag !== TAG.INTEGER && tlv.tag !== TAG.ENUMERATED) throw new DerError('expected an INTEGER');
  const bytes = value(tlv);
  if (bytes.length === 0 || bytes.length > 6) throw new DerError('INTEGER out of range');
  let n = bytes[0]! & 0x80 ? -1 : 0;
  for (const b of bytes) n = n * 256 + b;
  return n;
}

/** BIT STRING content without the unused-bits octet, plus that count. */
export function bitString(tlv: Tlv): { bytes: Uint8Array; unusedBits: number } {
  if (tlv.tag !== TAG.BIT_STRING && !(tlv.tagClass === 2 && !tlv.constructed)) throw new DerError('expected a BIT STRING');
  const raw = value(tlv);
  if (raw.length === 0 || raw[0]! > 7) throw new DerError('bad BIT STRING');
  return { bytes: raw.subarray(1), unusedBits: raw[0]! };
}

/** Bit n of a named-bit BIT STRING (bit 0 is the most significant bit of the first byte). */
export function bitSet(bits: { bytes: Uint8Array }, n: number): boolean {
  const byte = bits.bytes[n >> 3];
  return byte !== undefined && (byte & (0x80 >> (n & 7))) !== 0;
}

const TIME = /^(\d{2}|\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.(\d{1,9}))?Z$/;

/** UTCTime or GeneralizedTime; only the UTC ("Z") forms that RFC 5280 allows. */
export function decodeTime(tlv: Tlv): Date {
  if (tlv.tag !== TAG.UTC_TIME && tlv.tag !== TAG.GENERALIZED_TIME) throw new DerError('expected a time');
  const text = Buffer.from(value(tlv)).toString('latin1');
  const match = TIME.exec(text);
  const utc = tlv.tag === TAG.UTC_TIME;
  if (!match || (utc ? match[1]!.length !== 2 : match[1]!.length !== 4)) throw new DerError(`bad time "${text}"`);
  let year = Number(match[1]);
  if (utc) year += year < 50 ? 2000 : 1900;
  const ms = match[7] ? Math.round(Number(`0.${match[7]}`) * 1000) : 0;
  const date = new Date(Date.UTC(year, Number(match[2]) - 1, Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6] ?? 0), ms));
  if (Number.isNaN(date.getTime())) throw new DerError(`bad time "${text}"`);
  return date;
}

/** Directory strings as text. TeletexString is read as Latin-1, which is what issuers mean by it in practice. */
export function decodeString(tlv: Tlv): string {
  const bytes = value(tlv);
  switch (tlv.tag) {
    case TAG.UTF8_STRING:
      return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
    case TAG.NUMERIC_STRING:
    case TAG.VISIBLE_STRING:
    case TAG.TELETEX_STRING:
      return Buffer.from(bytes).toString('latin1');
    case TAG.BMP_STRING: {
      let s = '';
      for (let i = 0; i + 1 < bytes.length; i += 2) s += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
      return s;
    }
    case TAG.UNIVERSAL_STRING: {
      let s = '';
      for (let i = 0; i + 3 < bytes.length; i += 4) {
        const cp = ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0;
        s += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
      }
      return s;
    }
    default:
      // Not a string type: RFC 4514 writes it as #hex of the encoding.
      return `#${Buffer.from(encoded(tlv)).toString('hex')}`;
  }
}

// ---------------------------------------------------------------------------
// Writer: enough to build OCSP requests.

export function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(content);
  return Buffer.concat([Uint8Array.of(tag), encodeLength(body.length), body]);
}

export function encodeOid(oid: string): Uint8Array {
  const parts = oid.split('.').map(Number);
  if (parts.length < 2 || parts.some((p) => !Number.isSafeInteger(p) || p < 0)) throw new DerError(`bad OID ${oid}`);
  const arcs = [parts[0]! * 40 + parts[1]!, ...parts.slice(2)];
  const bytes: number[] = [];
  for (const arc of arcs) {
    const group: number[] = [arc & 0x7f];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) group.unshift((n & 0x7f) | 0x80);
    bytes.push(...group);
  }
  return tlv(TAG.OID, Uint8Array.from(bytes));
}

/** A non-negative INTEGER from big-endian magnitude bytes (adds a 00 when the top bit is set). */
export function encodeUnsignedInteger(magnitude: Uint8Array): Uint8Array {
  let bytes = magnitude;
  while (bytes.length > 1 && bytes[0] === 0 && (bytes[1]! & 0x80) === 0) bytes = bytes.subarray(1);
  if (bytes.length === 0) bytes = Uint8Array.of(0);
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Uint8Array.of(0), bytes]);
  return tlv(TAG.INTEGER, bytes);
}

export const sequence = (...content: Uint8Array[]) => tlv(TAG.SEQUENCE, ...content);
export const octetString = (content: Uint8Array) => tlv(TAG.OCTET_STRING, content);
export const derNull = () => Uint8Array.of(TAG.NULL, 0);
