import { randomBytes } from 'node:crypto';
import type { SettingsRepository } from '../storage/settings-repository.js';

/**
 * The HMAC key behind the QR codes and references on issued documents. From
 * DOCUMENT_SECRET when set; otherwise generated once and kept in the settings
 * table, so codes printed before a restart still verify after it. The returns
 * capability (matching scans of signed documents) must use the same key:
 * service.ts hands it to both.
 */
export const DOCUMENT_SECRET_SETTING = 'documents.mac-key';
export const MIN_SECRET_BYTES = 32;

/** Parses a configured secret: hex (64+ hex digits) or base64/base64url; at least 32 bytes. */
export function parseDocumentSecret(value: string): Buffer {
  const trimmed = value.trim();
  const bytes = /^[0-9a-fA-F]+$/.test(trimmed) && trimmed.length % 2 === 0 ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (bytes.length < MIN_SECRET_BYTES) throw new Error(`DOCUMENT_SECRET must decode to at least ${MIN_SECRET_BYTES} bytes (hex or base64)`);
  return bytes;
}

export async function loadDocumentSecret(settings: SettingsRepository, configured: Buffer | undefined, now: Date): Promise<Buffer> {
  if (configured) return configured;
  const stored = await settings.putIfAbsent(DOCUMENT_SECRET_SETTING, randomBytes(MIN_SECRET_BYTES).toString('base64'), now.toISOString());
  return Buffer.from(stored, 'base64');
}
