import type { ReturnState, StepId } from './checklist.js';

/**
 * Where each step's signed return stands, derived from the uploads of a case.
 * Pure, so the checklist rules can be tested without a database.
 */
export const UPLOAD_STATUSES = ['complete', 'incomplete', 'unmatched', 'rejected'] as const;
export type UploadStatus = (typeof UPLOAD_STATUSES)[number];

export interface UploadDecision {
  outcome: 'approved' | 'rejected';
  reason: string;
  at: string;
}

export interface ReturnRecord {
  uploadId: string;
  /** The step the matched (or manually assigned) document serves; null when none. */
  stepId: StepId | null;
  status: UploadStatus;
  createdAt: string;
  decision: UploadDecision | null;
}

/**
 * Per step, the newest upload that counts as a return: a complete one (waiting
 * for servicedesk), or any upload servicedesk has decided on (a manual review of
 * an unmatched scan counts too). Incomplete or unmatched uploads nobody has
 * decided on do not move a step and do not hide an earlier rejection.
 */
export function returnStates(records: readonly ReturnRecord[]): Partial<Record<StepId, ReturnState>> {
  const newest = new Map<StepId, ReturnRecord>();
  for (const record of records) {
    if (record.stepId === null) continue;
    if (record.status !== 'complete' && record.decision === null) continue;
    const current = newest.get(record.stepId);
    if (!current || record.createdAt > current.createdAt || (record.createdAt === current.createdAt && record.uploadId > current.uploadId)) {
      newest.set(record.stepId, record);
    }
  }
  const states: Partial<Record<StepId, ReturnState>> = {};
  for (const [stepId, record] of newest) {
    const { decision } = record;
    states[stepId] =
      decision === null
        ? { state: 'received', uploadId: record.uploadId, at: record.createdAt }
        : decision.outcome === 'approved'
          ? { state: 'approved', uploadId: record.uploadId, at: decision.at }
          : { state: 'rejected', uploadId: record.uploadId, at: decision.at, reason: decision.reason };
  }
  return states;
}
