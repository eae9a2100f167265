import { randomUUID } from 'node:crypto';
import { generateToken, hashToken } from '../../src/cases/access-token.js';
import { parseRegistration, type Registration } from '../../src/domain/registration.js';
import type { Service } from '../../src/service.js';
import { validRegistration } from '../support/fixtures.js';

/**
 * An open case stored through the case repository without the registration hook,
 * so the outbox holds no order-form letter for it. Draining the outbox then
 * never renders a document (no Chromium), and every message the test finds was
 * queued by the change under test. The token works like one from POST /api/cases.
 */
export async function quietCase(
  service: Pick<Service, 'cases'>,
  overrides: Record<string, unknown> = {},
  at: Date = new Date(),
): Promise<{ id: string; token: string; registration: Registration }> {
  const parsed = parseRegistration(validRegistration(overrides));
  if (!parsed.ok) throw new Error(`invalid test registration: ${JSON.stringify(parsed.errors)}`);
  const id = randomUUID();
  const token = generateToken();
  const iso = at.toISOString();
  await service.cases.create({ id, registration: parsed.value, tokenHash: hashToken(token), createdAt: iso, updatedAt: iso }, 'agency');
  return { id, token, registration: parsed.value };
}
