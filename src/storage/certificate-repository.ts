import type { Kysely } from 'kysely';
import type { Check, CertificateSummary, Purpose, Verdict } from '../certificates/types.js';
import { appendCaseEvent } from '../audit/event-log.js';
import type { Database } from './schema.js';

export interface CertificateSubmission {
  id: string;
  caseId: string;
  submittedAt: string;
  actor: string;
  verdict: Verdict;
  purpose: Purpose;
  validatedAt: string;
  sha256: string;
  certificate: CertificateSummary;
  checks: Check[];
  /** The public certificate, PEM. */
  pem: string;
  /** Servicedesk's review of a certificate that passed the checks; null until decided. */
  decision: CertificateDecision | null;
}

export interface CertificateDecision {
  outcome: 'approved' | 'rejected';
  reason: string | null;
  by: string;
  at: string;
}

export type NewCertificateSubmission = Omit<CertificateSubmission, 'caseId' | 'submittedAt' | 'actor' | 'decision'>;

/** Why a decision on a submission could not be recorded. */
export class CertificateDecisionError extends Error {
  constructor(readonly reason: 'not-found' | 'not-accepted' | 'already-decided' | 'case-not-open') {
    super(`certificate decision refused: ${reason}`);
  }
}

/** The case was closed between reading it and recording the submission. */
export class CaseNotOpenError extends Error {
  constructor() {
    super('case is not open');
  }
}

export interface CertificateRepository {
  /**
   * Records submissions on an open case in one transaction: the rows, one case
   * event each (certificate.accepted / certificate.rejected), and, when
   * `completeStep` and one was accepted, the checklist step "certificate".
   * Throws CaseNotOpenError (and records nothing) when the case is not open.
   */
  record(input: {
    caseId: string;
    at: string;
    actor: string;
    submissions: NewCertificateSubmission[];
    completeStep: boolean;
    /** Runs in the same transaction when a certificate was accepted (e.g. queue it to servicedesk). */
    onAccepted?: (trx: Kysely<Database>, accepted: NewCertificateSubmission) => Promise<void>;
  }): Promise<void>;
  listForCase(caseId: string): Promise<CertificateSubmission[]>;
  /**
   * Servicedesk's decision on a submission that passed every check, once. A
   * rejection reopens the certificate step when this certificate completed it.
   * Throws CertificateDecisionError (and records nothing) otherwise.
   */
  decide(caseId: string, submissionId: string, decision: CertificateDecision): Promise<CertificateSubmission>;
}

/** The step completion a certificate makes names its submission, so a rejection reopens only its own. */
const completionNote = (submissionId: string) => `certificate submission ${submissionId}`;

/**
 * Per case, the reason servicedesk gave when it rejected a certificate, while no
 * other certificate that passed the checks still stands (undecided or approved):
 * then the agency must submit another one, and reads why.
 */
export async function certificateRejectionsOf(db: Kysely<Database>, caseIds: string[]): Promise<Map<string, { at: string; reason: string }>> {
  const map = new Map<string, { at: string; reason: string }>();
  if (caseIds.length === 0) return map;
  const rows = await db
    .selectFrom('certificate_submissions')
    .select(['case_id', 'id', 'decision', 'decision_reason', 'decided_at'])
    .where('case_id', 'in', caseIds)
    .where('verdict', '=', 'accepted')
    .execute();
  const standing = new Set(rows.filter((r) => r.decision !== 'rejected').map((r) => r.case_id));
  for (const row of rows) {
    if (row.decision !== 'rejected' || standing.has(row.case_id)) continue;
    const current = map.get(row.case_id);
    const at = row.decided_at ?? '';
    // The latest rejection speaks.
    if (!current || at > current.at) map.set(row.case_id, { at, reason: row.decision_reason ?? '' });
  }
  return map;
}

type Row = Database['certificate_submissions'];

function toSubmission(row: Row): CertificateSubmission {
  return {
    id: row.id,
    caseId: row.case_id,
    submittedAt: row.submitted_at,
    actor: row.actor,
    verdict: row.verdict as Verdict,
    purpose: row.purpose as Purpose,
    validatedAt: row.validated_at,
    sha256: row.sha256,
    certificate: JSON.parse(row.summary) as CertificateSummary,
    checks: JSON.parse(row.checks) as Check[],
    pem: row.certificate_pem,
    decision:
      row.decision === 'approved' || row.decision === 'rejected'
        ? { outcome: row.decision, reason: row.decision_reason, by: row.decided_by ?? '', at: row.decided_at ?? '' }
        : null,
  };
}

export function createCertificateRepository(db: Kysely<Database>): CertificateRepository {
  return {
    async record({ caseId, at, actor, submissions, completeStep, onAccepted }) {
      await db.transaction().execute(async (trx) => {
        // Touching the case only while it is open makes "closed meanwhile" atomic in both databases.
        const touched = await trx.updateTable('cases').set({ updated_at: at }).where('id', '=', caseId).where('status', '=', 'open').executeTakeFirst();
        if (Number(touched.numUpdatedRows) !== 1) throw new CaseNotOpenError();
        for (const s of submissions) {
          await trx
            .insertInto('certificate_submissions')
            .values({
              id: s.id,
              case_id: caseId,
              submitted_at: at,
              actor,
              verdict: s.verdict,
              purpose: s.purpose,
              validated_at: s.validatedAt,
              sha256: s.sha256,
              subject: s.certificate.subject,
              organization_number: s.certificate.organizationNumber,
              environment: s.certificate.environment,
              not_after: s.certificate.notAfter,
              summary: JSON.stringify(s.certificate),
              checks: JSON.stringify(s.checks),
              certificate_pem: s.pem,
              decision: null,
              decision_reason: null,
              decided_by: null,
              decided_at: null,
            })
            .execute();
          await appendCaseEvent(trx, {
            caseId,
            type: s.verdict === 'accepted' ? 'certificate.accepted' : 'certificate.rejected',
            actor,
            at,
            artefactSha256: s.sha256,
            data: {
              submissionId: s.id,
              subject: s.certificate.subject,
              issuingCa: s.certificate.issuingCa,
              notAfter: s.certificate.notAfter,
              failedChecks: s.checks.filter((c) => c.status === 'fail').map((c) => c.id),
            },
          });
        }
        const accepted = submissions.find((s) => s.verdict === 'accepted');
        if (completeStep && accepted) {
          const note = completionNote(accepted.id);
          await trx
            .insertInto('step_completions')
            .values({ case_id: caseId, step_id: 'certificate', completed_at: at, actor, note })
            .onConflict((oc) => oc.columns(['case_id', 'step_id']).doUpdateSet({ completed_at: at, actor, note }))
            .execute();
          await appendCaseEvent(trx, { caseId, type: 'step.completed', actor: 'system', at, data: { step: 'certificate' }, artefactSha256: accepted.sha256 });
          await onAccepted?.(trx, accepted);
        }
      });
    },

    async decide(caseId, submissionId, decision) {
      return db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('certificate_submissions').selectAll().where('case_id', '=', caseId).where('id', '=', submissionId).executeTakeFirst();
        if (!row) throw new CertificateDecisionError('not-found');
        if (row.verdict !== 'accepted') throw new CertificateDecisionError('not-accepted');
        const touched = await trx.updateTable('cases').set({ updated_at: decision.at }).where('id', '=', caseId).where('status', '=', 'open').executeTakeFirst();
        if (Number(touched.numUpdatedRows) !== 1) throw new CertificateDecisionError('case-not-open');
        const updated = await trx
          .updateTable('certificate_submissions')
          .set({ decision: decision.outcome, decision_reason: decision.reason, decided_by: decision.by, decided_at: decision.at })
          .where('id', '=', submissionId)
          .where('decision', 'is', null)
          .executeTakeFirst();
        // A concurrent second decision loses here, inside the transaction.
        if (Number(updated.numUpdatedRows) !== 1) throw new CertificateDecisionError('already-decided');
        await appendCaseEvent(trx, {
          caseId,
          type: 'certificate.decided',
          actor: decision.by,
          at: decision.at,
          artefactSha256: row.sha256,
          data: { submissionId, outcome: decision.outcome, reason: decision.reason, subject: row.subject },
        });
        if (decision.outcome === 'rejected') {
          // Only when this submission is the one that completed the step: a step servicedesk
          // completed by hand, or by another certificate, stays done.
          const completion = await trx.selectFrom('step_completions').select('note').where('case_id', '=', caseId).where('step_id', '=', 'certificate').executeTakeFirst();
          if (completion?.note === completionNote(submissionId)) {
            // Another certificate that passed every check and is not rejected carries the step on.
            const standing = await trx
              .selectFrom('certificate_submissions')
              .select(['id', 'sha256'])
              .where('case_id', '=', caseId)
              .where('verdict', '=', 'accepted')
              .where('id', '!=', submissionId)
              .where((eb) => eb.or([eb('decision', 'is', null), eb('decision', '=', 'approved')]))
              .orderBy('submitted_at', 'desc')
              .orderBy('id', 'desc')
              .executeTakeFirst();
            if (standing) {
              await trx.updateTable('step_completions').set({ note: completionNote(standing.id) }).where('case_id', '=', caseId).where('step_id', '=', 'certificate').execute();
            } else {
              await trx.deleteFrom('step_completions').where('case_id', '=', caseId).where('step_id', '=', 'certificate').execute();
              await appendCaseEvent(trx, { caseId, type: 'step.reopened', actor: decision.by, at: decision.at, data: { step: 'certificate' } });
            }
          }
        }
        return toSubmission({ ...row, decision: decision.outcome, decision_reason: decision.reason, decided_by: decision.by, decided_at: decision.at });
      });
    },

    async listForCase(caseId) {
      const rows = await db.selectFrom('certificate_submissions').selectAll().where('case_id', '=', caseId).orderBy('submitted_at').orderBy('id').execute();
      return rows.map(toSubmission);
    },
  };
}
