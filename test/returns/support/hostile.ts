import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { deflateSync } from 'node:zlib';
import { PDFDocument, PDFName, PDFString } from '@cantoo/pdf-lib';

/** Files the service must refuse, made on the fly rather than checked in. */

const run = promisify(execFile);

async function onePagePdf(): Promise<PDFDocument> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.addPage([595.28, 841.89]);
  return doc;
}

export async function pdfWithOpenActionJavaScript(options: { objectStreams?: boolean } = {}): Promise<Uint8Array> {
  const doc = await onePagePdf();
  const action = doc.context.register(doc.context.obj({ S: 'JavaScript', JS: PDFString.of('app.alert("hi")') }));
  doc.catalog.set(PDFName.of('OpenAction'), action);
  return doc.save({ useObjectStreams: options.objectStreams ?? false });
}

/** /JavaScript spelled with a #-escape, which PDF readers decode. */
export async function pdfWithObfuscatedJavaScript(): Promise<Uint8Array> {
  const text = Buffer.from(await pdfWithOpenActionJavaScript()).toString('latin1');
  return Buffer.from(text.replace('/JavaScript', '/Java#53cript'), 'latin1');
}

export async function pdfWithNamedJavaScript(): Promise<Uint8Array> {
  const doc = await onePagePdf();
  const js = doc.context.register(doc.context.obj({ S: 'JavaScript', JS: PDFString.of('this.print()') }));
  const tree = doc.context.obj({ Names: [PDFString.of('init'), js] });
  doc.catalog.set(PDFName.of('Names'), doc.context.obj({ JavaScript: doc.context.register(tree) }));
  return doc.save({ useObjectStreams: false });
}

export async function pdfWithLaunchAction(): Promise<Uint8Array> {
  const doc = await onePagePdf();
  doc.catalog.set(PDFName.of('OpenAction'), doc.context.obj({ S: 'Launch', F: PDFString.of('cmd.exe') }));
  return doc.save({ useObjectStreams: false });
}

export async function pdfWithEmbeddedFile(): Promise<Uint8Array> {
  const doc = await onePagePdf();
  await doc.attach(Buffer.from('MZ not really an exe'), 'invoice.exe', { mimeType: 'application/octet-stream' });
  return doc.save({ useObjectStreams: false });
}

export async function pdfWithPages(count: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  for (let i = 0; i < count; i++) doc.addPage([200, 200]);
  return doc.save({ useObjectStreams: false });
}

/** Encrypted with qpdf (AES-256): with a user password, or owner-only (opens without one). */
export async function encryptPdf(pdf: Uint8Array, userPassword: string): Promise<Uint8Array> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'efm-enc-'));
  try {
    await writeFile(path.join(dir, 'in.pdf'), pdf);
    await run('qpdf', ['--encrypt', userPassword, 'owner-secret', '256', '--', path.join(dir, 'in.pdf'), path.join(dir, 'out.pdf')]);
    return await readFile(path.join(dir, 'out.pdf'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A decompression bomb: a PNG of width × height 1-bit grey pixels, all zero.
 * 15000 × 15000 is 225 megapixels (225 MB decoded at 8 bits) in ~30 kB.
 */
export function pngBomb(width = 15_000, height = 15_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const row = Math.ceil(width / 8) + 1; // filter byte + packed bits
  const raw = Buffer.alloc(row * height);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A JPEG whose first segment (a comment) holds a whole PDF: an image to some readers, a PDF to others. */
export function jpegPdfPolyglot(jpeg: Buffer, pdf: Uint8Array): Buffer {
  const payload = Buffer.from(pdf).subarray(0, 60_000);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(payload.length + 2, 0);
  return Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0xfe]), length, payload, jpeg.subarray(2)]);
}

/** A stored (uncompressed) ZIP archive with one file, appended to any bytes. */
export function appendZip(prefix: Buffer, name = 'payload.js', content = Buffer.from('alert(1)')): Buffer {
  const fileName = Buffer.from(name);
  const crc = crc32(content);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(content.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(fileName.length, 26);
  const localOffset = prefix.length;
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(content.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(fileName.length, 28);
  central.writeUInt32LE(localOffset, 42);
  const centralOffset = localOffset + 30 + fileName.length + content.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + fileName.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([prefix, local, fileName, content, central, fileName, end]);
}
