import { crc32, inflateRawSync } from 'node:zlib';

/**
 * A defensive ZIP reader for the one job we have: get a few small files out of
 * an archive that Digdir asked the agency to zip. Nothing is written to disk,
 * but names that would escape a directory are still refused (the archive is
 * hostile or broken), and output is capped while inflating, so a ZIP bomb stops
 * at the limit whatever its headers claim.
 */

export type ZipProblem = 'unsafe-path' | 'too-large' | 'encrypted' | 'unsupported' | 'corrupt';

export class ZipError extends Error {
  constructor(
    readonly problem: ZipProblem,
    message: string,
  ) {
    super(message);
    this.name = 'ZipError';
  }
}

export interface ZipLimits {
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
}

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6));
}

/** A name that would land outside the extraction directory, or is a device/absolute path. */
export function isUnsafeEntryName(name: string): boolean {
  if (name.length === 0 || name.includes('\0')) return true;
  if (name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name)) return true;
  return name.split(/[\\/]/).some((segment) => segment === '..');
}

export function readZip(bytes: Uint8Array, limits: ZipLimits): ZipEntry[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-central-directory record sits in the last 22 + up to 65535 comment bytes.
  let eocd = -1;
  for (let p = buf.length - 22; p >= Math.max(0, buf.length - 22 - 0xffff); p--) {
    if (buf.readUInt32LE(p) === EOCD) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) throw new ZipError('corrupt', 'no end of central directory');
  const count = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) throw new ZipError('unsupported', 'ZIP64 archives are not supported');
  if (count > limits.maxEntries) throw new ZipError('too-large', `more than ${limits.maxEntries} entries`);
  if (cdOffset + cdSize > eocd) throw new ZipError('corrupt', 'central directory outside the archive');

  const entries: ZipEntry[] = [];
  let total = 0;
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > eocd || buf.readUInt32LE(p) !== CENTRAL) throw new ZipError('corrupt', 'bad central directory entry');
    const madeBy = buf.readUInt16LE(p + 4);
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const compressedSize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const externalAttributes = buf.readUInt32LE(p + 38);
    const localOffset = buf.readUInt32LE(p + 42);
    const nameBytes = buf.subarray(p + 46, p + 46 + nameLength);
    const name = flags & 0x800 ? nameBytes.toString('utf8') : nameBytes.toString('latin1');
    p += 46 + nameLength + extraLength + commentLength;

    if (isUnsafeEntryName(name)) throw new ZipError('unsafe-path', `entry "${name.slice(0, 100)}" would be written outside the folder`);
    const unixMode = madeBy >> 8 === 3 ? externalAttributes >>> 16 : 0;
    if ((unixMode & 0o170000) === 0o120000) throw new ZipError('unsafe-path', `entry "${name.slice(0, 100)}" is a symbolic link`);
    if (name.endsWith('/') || name.endsWith('\\')) continue; // a directory
    if (flags & 0x1) throw new ZipError('encrypted', `entry "${name.slice(0, 100)}" is encrypted`);
    if (method !== 0 && method !== 8) throw new ZipError('unsupported', `entry "${name.slice(0, 100)}" uses compression method ${method}`);
    if (size > limits.maxEntryBytes) throw new ZipError('too-large', `entry "${name.slice(0, 100)}" unpacks to ${size} bytes`);

    if (localOffset + 30 > buf.length || buf.readUInt32LE(localOffset) !== LOCAL) throw new ZipError('corrupt', 'bad local header');
    const dataStart = localOffset + 30 + buf.readUInt16LE(localOffset + 26) + buf.readUInt16LE(localOffset + 28);
    const dataEnd = dataStart + compressedSize;
    if (dataEnd > buf.length) throw new ZipError('corrupt', 'entry data outside the archive');
    const raw = buf.subarray(dataStart, dataEnd);

    // The cap is what is left of both budgets, whatever the header claims.
    const cap = Math.min(limits.maxEntryBytes, limits.maxTotalBytes - total);
    let data: Buffer;
    if (method === 0) {
      if (raw.length > cap) throw new ZipError('too-large', 'the archive unpacks to more than allowed');
      data = raw;
    } else {
      try {
        data = inflateRawSync(raw, { maxOutputLength: Math.max(1, cap) });
      } catch (error) {
        if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new ZipError('too-large', 'the archive unpacks to more than allowed');
        throw new ZipError('corrupt', `entry "${name.slice(0, 100)}" cannot be decompressed`);
      }
    }
    if (data.length !== size || crc32(data) >>> 0 !== crc) throw new ZipError('corrupt', `entry "${name.slice(0, 100)}" is damaged (size or checksum)`);
    total += data.length;
    if (total > limits.maxTotalBytes) throw new ZipError('too-large', 'the archive unpacks to more than allowed');
    entries.push({ name, data });
  }
  return entries;
}
