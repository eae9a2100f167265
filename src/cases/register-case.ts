import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { parseRegistration, type Registration } from '../domain/registration.js';
import type { Database } from '../storage/schema.js';
import type { ChecklistStep } from '../domain/checklist.js';
import { DuplicateOpenCaseError, type CaseRepository } from '../storage/case-repository.js';
import { generateToken, hashToken } from './access-token.js';
import { caseView, checklistOf, type CaseView } from './case-view.js';
import { duplicateOpenCase, ValidationFailedError } from './errors.js';

export interface RegisterCaseDeps {
  cases: CaseRepository;
  clock: () => Date;
  newId?: () => string;
  /** Writes that must commit with the new case, e.g. queueing the order form to servicedesk. */
  onRegistered?: (trx: Kysely<Database>, caseId: string, registration: Registration, at: string) => Promise<void>;
}

export interface RegisteredCase {
  id: string;
  /** Shown once; only its hash is stored. */
  accessToken: string;
  case: CaseView;
  checklist: ChecklistStep[];
}

/** Validates a registration, stores it as a new open case, and hands out its token. */
export async function registerCase(deps: RegisterCaseDeps, input: unknown): Promise<RegisteredCase> {
  const parsed = parseRegistration(input);
  if (!parsed.ok) throw new ValidationFailedError(parsed.errors);
  const id = (deps.newId ?? randomUUID)();
  const accessToken = generateToken();
  const now = deps.clock().toISOString();
  try {
    await deps.cases.create(
      { id, registration: parsed.value, tokenHash: hashToken(accessToken), createdAt: now, updatedAt: now },
      'agency',
      deps.onRegistered ? (trx) => deps.onRegistered!(trx, id, parsed.value, now) : undefined,
    );
  } catch (error) {
    if (error instanceof DuplicateOpenCaseError) throw duplicateOpenCase(error.existingId);
    throw error;
  }
  const record = await deps.cases.findById(id);
  if (!record) throw new Error(`case ${id} vanished right after insert`);
  return { id, accessToken, case: caseView(record), checklist: checklistOf(record) };
}
