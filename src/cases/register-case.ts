import { randomUUID } from 'node:crypto';
import { parseRegistration } from '../domain/registration.js';
import type { ChecklistStep } from '../domain/checklist.js';
import { DuplicateOpenCaseError, type CaseRepository } from '../storage/case-repository.js';
import { generateToken, hashToken } from './access-token.js';
import { caseView, checklistOf, type CaseView } from './case-view.js';
import { duplicateOpenCase, ValidationFailedError } from './errors.js';

export interface RegisterCaseDeps {
  cases: CaseRepository;
  clock: () => Date;
  newId?: () => string;
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
    );
  } catch (error) {
    if (error instanceof DuplicateOpenCaseError) throw duplicateOpenCase(error.existingId);
    throw error;
  }
  const record = await deps.cases.findById(id);
  if (!record) throw new Error(`case ${id} vanished right after insert`);
  return { id, accessToken, case: caseView(record), checklist: checklistOf(record) };
}
