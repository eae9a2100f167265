import { open } from 'node:fs/promises';
import { fileTypeFromFile } from 'file-type';
import type { FileKind } from '../domain/upload-analysis.js';

/**
 * What an uploaded file is, judged by its bytes only: never by its name or the
 * client's Content-Type. Magic bytes decide the candidate; the real parse comes
 * later (pdf-lib and poppler for PDFs, libvips for images). A file that is
 * readable as two formats at once (a polyglot) is refused: different programs
 * would show different things, and a reviewer might see a harmless image while
 * a PDF reader runs something else.
 */
export type Detection =
  | { ok: true; kind: FileKind; mediaType: string }
  | { ok: false; reason: 'empty' }
  | { ok: false; reason: 'unsupported'; detected: string | null }
  | { ok: false; reason: 'ambiguous'; kinds: string[] };

export const MEDIA_TYPES: Record<FileKind, string> = {
  pdf: 'application/pdf',
  jpeg: 'image/jpeg',
  png: 'image/png',
  tiff: 'image/tiff',
};

/** PDF readers accept the header anywhere in the first 1024 bytes. */
const PDF_HEADER_WINDOW = 1024;
/** ZIP readers look for the end-of-central-directory record in the last 64 KiB + 22 bytes. */
const ZIP_TAIL_WINDOW = 65_557;

function magicKind(head: Buffer): FileKind | null {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  const tiff = head.subarray(0, 4).toString('latin1');
  if (tiff === 'II*\0' || tiff === 'MM\0*') return 'tiff';
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  return null;
}

/**
 * A ZIP end-of-central-directory record that ends exactly at the end of the file
 * (after its comment), as ZIP readers require. Checking the structure, not just
 * the 4-byte signature, keeps random compressed bytes from looking like a ZIP.
 */
function hasZipDirectory(tail: Buffer, size: number): boolean {
  const signature = Buffer.from('PK\x05\x06', 'latin1');
  for (let at = tail.lastIndexOf(signature); at >= 0; at = at === 0 ? -1 : tail.lastIndexOf(signature, at - 1)) {
    if (at + 22 > tail.length) continue;
    const commentLength = tail.readUInt16LE(at + 20);
    const directorySize = tail.readUInt32LE(at + 12);
    const directoryOffset = tail.readUInt32LE(at + 16);
    const recordOffset = size - tail.length + at;
    if (at + 22 + commentLength === tail.length && directoryOffset + directorySize <= recordOffset) return true;
  }
  return false;
}

async function readSlices(file: string, size: number): Promise<{ head: Buffer; tail: Buffer }> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(Math.min(size, 4100));
    await handle.read(head, 0, head.length, 0);
    const tailLength = Math.min(size, ZIP_TAIL_WINDOW);
    const tail = Buffer.alloc(tailLength);
    await handle.read(tail, 0, tailLength, size - tailLength);
    return { head, tail };
  } finally {
    await handle.close();
  }
}

export async function detectFileType(file: string, size: number): Promise<Detection> {
  if (size === 0) return { ok: false, reason: 'empty' };
  const { head, tail } = await readSlices(file, size);
  // file-type reads as much as it needs: a TIFF's directory can sit at the end.
  const identified = await fileTypeFromFile(file).catch(() => undefined);
  const atStart = magicKind(head);
  const pdfAt = head.subarray(0, PDF_HEADER_WINDOW).indexOf('%PDF-', 0, 'latin1');

  const kinds = new Set<string>();
  if (atStart) kinds.add(atStart);
  if (pdfAt >= 0) kinds.add('pdf');
  if (hasZipDirectory(tail, size) || head.subarray(0, 4).toString('latin1') === 'PK\x03\x04') kinds.add('zip');
  // Something file-type recognises at the start that is none of ours (an
  // executable, a ZIP, HTML …) in front of a PDF header is a second format too.
  const foreign = identified && !Object.values(MEDIA_TYPES).includes(identified.mime) ? identified.mime : null;
  if (foreign && pdfAt > 0) kinds.add(foreign);

  if (kinds.size > 1) return { ok: false, reason: 'ambiguous', kinds: [...kinds].sort() };
  const kind = atStart ?? (pdfAt > 0 ? 'pdf' : null);
  if (!kind || kinds.has('zip')) return { ok: false, reason: 'unsupported', detected: identified?.mime ?? (kinds.has('zip') ? 'application/zip' : null) };
  // A TIFF container that file-type knows as something else (a camera raw file,
  // say) is not a scan we can convert reliably.
  if (identified && identified.mime !== MEDIA_TYPES[kind] && !(kind === 'pdf' && pdfAt > 0)) {
    return { ok: false, reason: 'unsupported', detected: identified.mime };
  }
  return { ok: true, kind, mediaType: MEDIA_TYPES[kind] };
}
