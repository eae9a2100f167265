import { buildChecklist, type ChecklistStep } from '../domain/checklist.js';
import type { Registration } from '../domain/registration.js';
import type { CaseRecord } from '../storage/case-repository.js';

/** The public shape of a case in the API. Never contains the token hash. */
export type CaseView = Registration & {
  id: string;
  status: CaseRecord['status'];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  closeReason: string | null;
  dpoVerifiedAt: string | null;
};

export function caseView(record: CaseRecord): CaseView {
  return {
    id: record.id,
    status: record.status,
    ...record.registration,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    closedAt: record.closedAt,
    closeReason: record.closeReason,
    dpoVerifiedAt: record.progress.dpoVerifiedAt,
  };
}

export function checklistOf(record: CaseRecord): ChecklistStep[] {
  return buildChecklist(record.registration, record.progress);
}
