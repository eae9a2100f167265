import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Case access tokens: 256 random bits, shown to the agency once, stored only as a
 * SHA-256 hash. A hash (not a slow KDF) is right here: the token has full entropy,
 * so there is nothing to brute-force, and every request must verify it cheaply.
 */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function tokenMatches(token: string, storedHash: string): boolean {
  const candidate = Buffer.from(hashToken(token), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return candidate.length === stored.length && timingSafeEqual(candidate, stored);
}
