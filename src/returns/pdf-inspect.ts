import { createHash } from 'node:crypto';
import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFStream,
  PDFString,
  type PDFObject,
} from '@cantoo/pdf-lib';

/**
 * Structural checks of an uploaded PDF: can it be parsed, is it whole, is it
 * encrypted, does it carry active content, how many pages, where are its
 * signatures. Runs in the analysis worker (it parses the whole file in JS).
 */

export type ActiveContent = 'javascript' | 'launch-action' | 'embedded-file' | 'xfa-form';

export type PdfProblem =
  | { problem: 'malformed'; detail: string }
  | { problem: 'truncated' }
  | { problem: 'encrypted' }
  | { problem: 'active-content'; contains: ActiveContent[] }
  | { problem: 'no-pages' }
  | { problem: 'too-many-pages'; pageCount: number; limit: number };

export interface SignatureField {
  /** [offset1, length1, offset2, length2] as written in the signature dictionary. */
  byteRange: [number, number, number, number];
  subFilter: string | null;
  /** The unsigned /M entry (a PDF date string), if any. */
  claimedTime: string | null;
}

export interface PdfStructure {
  pageCount: number;
  /** Page sizes in points, in page order (MediaBox, without /Rotate). */
  pageSizes: Array<{ width: number; height: number }>;
  signatures: SignatureField[];
  /**
   * SHA-256 of every prefix of the file that ends a revision (at "%%EOF", with
   * and without its end-of-line), in file order. A signed copy of a document we
   * issued contains that document byte for byte as its first revision.
   */
  revisionHashes: Array<{ end: number; sha256: string }>;
}

export type PdfInspection = ({ ok: true } & PdfStructure) | ({ ok: false } & PdfProblem);

const EOF_MARKER = Buffer.from('%%EOF', 'latin1');
/** Readers accept a header within the first 1024 bytes and %%EOF within the last 1024. */
const TAIL_WINDOW = 1024;

function nameOf(value: PDFObject | undefined): string | null {
  return value instanceof PDFName ? value.decodeText() : null;
}

/** Visits every dictionary reachable inside one object without following references. */
function forEachDict(root: PDFObject, visit: (dict: PDFDict) => void): void {
  const stack: PDFObject[] = [root];
  while (stack.length > 0) {
    const object = stack.pop()!;
    if (object instanceof PDFStream) stack.push(object.dict);
    else if (object instanceof PDFDict) {
      visit(object);
      for (const value of object.values()) if (value instanceof PDFDict || value instanceof PDFArray || value instanceof PDFStream) stack.push(value);
    } else if (object instanceof PDFArray) {
      for (const value of object.asArray()) if (value instanceof PDFDict || value instanceof PDFArray || value instanceof PDFStream) stack.push(value);
    }
  }
}

const KEY = {
  S: PDFName.of('S'),
  JS: PDFName.of('JS'),
  JavaScript: PDFName.of('JavaScript'),
  EmbeddedFiles: PDFName.of('EmbeddedFiles'),
  EF: PDFName.of('EF'),
  Type: PDFName.of('Type'),
  Subtype: PDFName.of('Subtype'),
  XFA: PDFName.of('XFA'),
  ByteRange: PDFName.of('ByteRange'),
  Contents: PDFName.of('Contents'),
  SubFilter: PDFName.of('SubFilter'),
  M: PDFName.of('M'),
};

/** What active content a dictionary carries, by the keys and values that make it active. */
function activeContentOf(dict: PDFDict, found: Set<ActiveContent>): void {
  const action = nameOf(dict.get(KEY.S));
  if (action === 'JavaScript' || dict.has(KEY.JS) || dict.has(KEY.JavaScript)) found.add('javascript');
  if (action === 'Launch') found.add('launch-action');
  if (action === 'GoToE' || dict.has(KEY.EmbeddedFiles) || dict.has(KEY.EF)) found.add('embedded-file');
  const type = nameOf(dict.get(KEY.Type));
  const subtype = nameOf(dict.get(KEY.Subtype));
  if (type === 'EmbeddedFile' || subtype === 'FileAttachment' || subtype === 'RichMedia') found.add('embedded-file');
  if (dict.has(KEY.XFA)) found.add('xfa-form');
}

function signatureOf(dict: PDFDict): SignatureField | null {
  const range = dict.get(KEY.ByteRange);
  const contents = dict.get(KEY.Contents);
  if (!(range instanceof PDFArray) || !(contents instanceof PDFHexString || contents instanceof PDFString)) return null;
  const numbers = range.asArray().map((n) => (n instanceof PDFNumber ? n.asNumber() : Number.NaN));
  if (numbers.length !== 4) return { byteRange: [Number.NaN, Number.NaN, Number.NaN, Number.NaN], subFilter: nameOf(dict.get(KEY.SubFilter)), claimedTime: null };
  const m = dict.get(KEY.M);
  return {
    byteRange: numbers as [number, number, number, number],
    subFilter: nameOf(dict.get(KEY.SubFilter)),
    claimedTime: m instanceof PDFString || m instanceof PDFHexString ? m.decodeText() : null,
  };
}

function revisionHashes(bytes: Uint8Array): PdfStructure['revisionHashes'] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hashes: PdfStructure['revisionHashes'] = [];
  const hash = createHash('sha256');
  let hashed = 0;
  const digestAt = (end: number) => {
    hash.update(buffer.subarray(hashed, end));
    hashed = end;
    hashes.push({ end, sha256: hash.copy().digest('hex') });
  };
  let from = 0;
  while (hashes.length < 64) {
    const at = buffer.indexOf(EOF_MARKER, from);
    if (at < 0) break;
    let end = at + EOF_MARKER.length;
    digestAt(end);
    if (buffer[end] === 0x0d) end++;
    if (buffer[end] === 0x0a) end++;
    if (end !== hashed) digestAt(end);
    from = end;
  }
  return hashes;
}

export async function inspectPdf(bytes: Uint8Array, limits: { maxPages: number }): Promise<PdfInspection> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // A file cut short in transfer has lost its end-of-file marker. Parsers would
  // repair it silently and show fewer pages or blank ones; we refuse instead.
  if (buffer.subarray(Math.max(0, buffer.length - TAIL_WINDOW)).indexOf(EOF_MARKER) < 0) return { ok: false, problem: 'truncated' };

  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false, warnOnInvalidObjects: false });
  } catch (error) {
    return { ok: false, problem: 'malformed', detail: error instanceof Error ? error.message.slice(0, 200) : 'unreadable' };
  }
  // Owner-password-only files open without a password but still cannot be
  // checked reliably (streams are encrypted); every encrypted file is refused.
  if (doc.context.trailerInfo.Encrypt !== undefined || doc.isEncrypted) return { ok: false, problem: 'encrypted' };

  const active = new Set<ActiveContent>();
  const signatures: SignatureField[] = [];
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    forEachDict(object, (dict) => {
      activeContentOf(dict, active);
      const signature = signatureOf(dict);
      if (signature) signatures.push(signature);
    });
  }
  if (active.size > 0) return { ok: false, problem: 'active-content', contains: [...active].sort() };

  let pageSizes: PdfStructure['pageSizes'];
  try {
    pageSizes = doc.getPages().map((page) => {
      const { width, height } = page.getMediaBox();
      return { width: Math.abs(width), height: Math.abs(height) };
    });
  } catch (error) {
    return { ok: false, problem: 'malformed', detail: error instanceof Error ? error.message.slice(0, 200) : 'no page tree' };
  }
  if (pageSizes.length === 0) return { ok: false, problem: 'no-pages' };
  if (pageSizes.length > limits.maxPages) return { ok: false, problem: 'too-many-pages', pageCount: pageSizes.length, limit: limits.maxPages };

  signatures.sort((a, b) => a.byteRange[2] + a.byteRange[3] - (b.byteRange[2] + b.byteRange[3]));
  return {
    ok: true,
    pageCount: pageSizes.length,
    pageSizes,
    signatures,
    revisionHashes: signatures.length > 0 ? revisionHashes(bytes) : [],
  };
}
