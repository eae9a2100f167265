import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Registration } from '../domain/registration.js';
import type { Database } from '../storage/schema.js';
import { caseClosed } from '../cases/errors.js';
import { checklistOf } from '../cases/case-view.js';
import type { CaseRecord } from '../storage/case-repository.js';
import { CaseNotOpenError, type CertificateRepository } from '../storage/certificate-repository.js';
import type { CertificateValidator } from './engine.js';
import { submissionProblem } from './errors.js';
import { SubmissionError } from './input.js';
import { toPem } from './pem.js';
import { makeCheck } from './rules.js';
import { verdictOf, type CertificateResult } from './types.js';

/**
 * An agency submits its certificate on its case: validated against the case's
 * organisation number and environment (as the authentication certificate, which
 * is the one eFormidling uses), stored whatever the verdict, and the checklist
 * step done when one is accepted, all in one transaction.
 */

export interface SubmitCertificateDeps {
  certificates: CertificateRepository;
  validator: CertificateValidator;
  clock: () => Date;
  newId?: () => string;
  /** Runs in the recording transaction when a certificate is accepted (delivery to servicedesk). */
  onAccepted?: (trx: Kysely<Database>, input: { caseId: string; submissionId: string; sha256: string; registration: Registration; at: string }) => Promise<void>;
}

export interface SubmittedCertificate extends CertificateResult {
  submissionId: string;
}

export async function submitCertificate(deps: SubmitCertificateDeps, record: CaseRecord, bytes: Uint8Array, actor = 'agency'): Promise<SubmittedCertificate[]> {
  if (record.status !== 'open') throw caseClosed();
  const { registration } = record;
  let results: CertificateResult[];
  try {
    results = await deps.validator.validateSubmission(bytes, {
      organizationNumber: registration.organizationNumber,
      environment: registration.environment,
      purpose: 'authentication',
    });
  } catch (error) {
    if (error instanceof SubmissionError) throw submissionProblem(error.problem);
    throw error;
  }
  const step = checklistOf(record).find((s) => s.id === 'certificate');
  const stepApplies = step?.status === 'todo' || step?.status === 'done';
  const submitted: SubmittedCertificate[] = results.map((result) => {
    const checks = stepApplies ? result.checks : [...result.checks, makeCheck('case-step', 'warn', 'case.not-applicable')];
    return { ...result, checks, verdict: verdictOf(checks), submissionId: (deps.newId ?? randomUUID)() };
  });
  const at = deps.clock().toISOString();
  try {
    await deps.certificates.record({
      caseId: record.id,
      at,
      onAccepted: deps.onAccepted
        ? (trx, accepted) => deps.onAccepted!(trx, { caseId: record.id, submissionId: accepted.id, sha256: accepted.sha256, registration, at })
        : undefined,
      actor,
      completeStep: stepApplies,
      submissions: submitted.map((s) => ({
        id: s.submissionId,
        verdict: s.verdict,
        purpose: s.purpose,
        validatedAt: s.at.toISOString(),
        sha256: s.sha256,
        certificate: s.certificate,
        checks: s.checks,
        pem: toPem('CERTIFICATE', s.der),
      })),
    });
  } catch (error) {
    if (error instanceof CaseNotOpenError) throw caseClosed();
    throw error;
  }
  return submitted;
}
