import { hashToken, generateToken } from './access-token.js';
import type { SettingsRepository } from '../storage/settings-repository.js';

const KEY = 'admin_token_sha256';

export interface AdminTokenSetup {
  /** SHA-256 of the token servicedesk must present. */
  hash: string;
  /** Set only on the very first start without ADMIN_TOKEN: print it once, then forget it. */
  generated?: string;
}

/**
 * The servicedesk token comes from ADMIN_TOKEN when set. Otherwise one is made at
 * first start, only its hash is kept in the database, and the caller prints the
 * token once. Later starts reuse the stored hash.
 */
export async function setUpAdminToken(settings: SettingsRepository, configured: string | undefined, now: Date): Promise<AdminTokenSetup> {
  if (configured) return { hash: hashToken(configured) };
  const existing = await settings.get(KEY);
  if (existing) return { hash: existing };
  const token = generateToken();
  const stored = await settings.putIfAbsent(KEY, hashToken(token), now.toISOString());
  // Another instance may have won the race; then its token is the valid one.
  return stored === hashToken(token) ? { hash: stored, generated: token } : { hash: stored };
}
