import { buildChecklist, type StepId, type StepStatus } from '../domain/checklist.js';
import type { CaseRecord, CaseRepository } from '../storage/case-repository.js';
import { loadCaseForAdmin } from './case-access.js';
import { caseClosed, stepNotCompletable } from './errors.js';

export interface ServicedeskDeps {
  cases: CaseRepository;
  clock: () => Date;
}

function assertOpen(record: CaseRecord): void {
  if (record.status !== 'open') throw caseClosed();
}

/** A step waiting for servicedesk with a signed return in can be confirmed too. */
const COMPLETABLE: readonly StepStatus[] = ['todo', 'received', 'done'];

/** Servicedesk confirms a step the service cannot see itself (eSignering, installation). */
export async function completeStep(deps: ServicedeskDeps, id: string, step: StepId, note: string | null): Promise<CaseRecord> {
  const record = await loadCaseForAdmin(deps.cases, id);
  assertOpen(record);
  const current = buildChecklist(record.registration, record.progress).find((s) => s.id === step);
  if (!current || !COMPLETABLE.includes(current.status)) {
    throw stepNotCompletable(step, current?.status ?? 'unknown');
  }
  await deps.cases.completeStep(id, step, deps.clock().toISOString(), 'servicedesk', note);
  return loadCaseForAdmin(deps.cases, id);
}

export async function reopenStep(deps: ServicedeskDeps, id: string, step: StepId): Promise<CaseRecord> {
  const record = await loadCaseForAdmin(deps.cases, id);
  assertOpen(record);
  await deps.cases.reopenStep(id, step, deps.clock().toISOString(), 'servicedesk');
  return loadCaseForAdmin(deps.cases, id);
}

/** DPO verified in production unblocks DPF in production. */
export async function setDpoVerified(deps: ServicedeskDeps, id: string, verified: boolean): Promise<CaseRecord> {
  const record = await loadCaseForAdmin(deps.cases, id);
  assertOpen(record);
  const at = deps.clock().toISOString();
  await deps.cases.setDpoVerified(id, verified ? at : null, at, 'servicedesk');
  return loadCaseForAdmin(deps.cases, id);
}

/** Closing frees the organisation number and environment for a new case. */
export async function closeCase(deps: ServicedeskDeps, id: string, reason: string): Promise<CaseRecord> {
  const record = await loadCaseForAdmin(deps.cases, id);
  assertOpen(record);
  await deps.cases.close(id, deps.clock().toISOString(), 'servicedesk', reason);
  return loadCaseForAdmin(deps.cases, id);
}
