/**
 * PEM (RFC 7468) blocks. Lenient about what surrounds a block (mail clients add
 * text, Windows adds CRLF), strict about the block itself: the label must be
 * repeated in the END line and the body must be valid base64.
 */
export interface PemBlock {
  label: string;
  der: Uint8Array;
}

const BLOCK = /-----BEGIN ([A-Z0-9 #-]{1,64})-----([\s\S]*?)-----END \1-----/g;
const BASE64_BODY = /^[A-Za-z0-9+/=\s]*$/;

export class PemError extends Error {}

/** Any PEM header that announces private key material, even in a truncated or broken block. */
export const PRIVATE_KEY_MARKER = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----/;

export function pemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const label = match[1]!;
    // RFC 1421 headers ("Proc-Type: …") only occur in encrypted legacy keys; drop them.
    const raw = match[2]!;
    const body = raw.includes(':') ? raw.split(/\r?\n/).filter((line) => !line.includes(':')).join('') : raw;
    if (!BASE64_BODY.test(body)) throw new PemError(`the ${label} block is not valid base64`);
    // Only base64 characters and whitespace are left, and Node's decoder skips whitespace.
    blocks.push({ label, der: Buffer.from(body, 'base64') });
  }
  return blocks;
}

export function toPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END ${label}-----\n`;
}
