import { z } from 'zod';
import { caseClosed, ValidationFailedError } from '../cases/errors.js';
import { AppError } from '../domain/app-error.js';
import { CertificateDecisionError, type CertificateRepository, type CertificateSubmission } from '../storage/certificate-repository.js';

/**
 * Servicedesk reviews a certificate that passed every automatic check: approves
 * it, or rejects it with a reason the agency reads in its checklist (the step
 * goes back to "todo"). Certificates that failed a check need no decision: the
 * agency already has the failed check's explanation.
 */

export const CertificateDecisionBody = z.strictObject({
  decision: z.enum(['approve', 'reject']),
  /** Required when rejecting: the agency reads it in its checklist. */
  reason: z.string().trim().max(1000).optional(),
});
export type CertificateDecisionBody = z.infer<typeof CertificateDecisionBody>;

export const SubmissionIdParam = z.uuid();

export interface DecideCertificateDeps {
  certificates: CertificateRepository;
  clock: () => Date;
}

export async function decideCertificate(
  deps: DecideCertificateDeps,
  caseId: string,
  submissionId: string,
  body: CertificateDecisionBody,
  actor: string,
): Promise<CertificateSubmission> {
  const reason = body.reason?.trim() || null;
  if (body.decision === 'reject' && !reason) throw new ValidationFailedError([{ path: 'reason', code: 'required' }], 'request');
  try {
    return await deps.certificates.decide(caseId, submissionId, {
      outcome: body.decision === 'approve' ? 'approved' : 'rejected',
      reason,
      by: actor,
      at: deps.clock().toISOString(),
    });
  } catch (error) {
    if (!(error instanceof CertificateDecisionError)) throw error;
    if (error.reason === 'case-not-open') throw caseClosed();
    if (error.reason === 'not-found') throw submissionNotFound();
    if (error.reason === 'not-accepted') throw notAccepted();
    throw alreadyDecided();
  }
}

function submissionNotFound(): AppError {
  return new AppError({
    code: 'not-found',
    status: 404,
    title: { nb: 'Ikke funnet', nn: 'Ikkje funne', en: 'Not found' },
    detail: {
      nb: 'Saken har ikke noe innsendt sertifikat med denne ID-en.',
      nn: 'Saka har ikkje noko innsendt sertifikat med denne ID-en.',
      en: 'The case has no submitted certificate with this id.',
    },
  });
}

function notAccepted(): AppError {
  return new AppError({
    code: 'certificate-not-accepted',
    status: 409,
    title: { nb: 'Sertifikatet besto ikke kontrollene', nn: 'Sertifikatet stod ikkje kontrollane', en: 'The certificate failed its checks' },
    detail: {
      nb: 'Bare sertifikater som besto alle kontrollene kan godkjennes eller avvises. Virksomheten har allerede fått forklaringen på kontrollen som feilet.',
      nn: 'Berre sertifikat som stod alle kontrollane kan godkjennast eller avvisast. Verksemda har alt fått forklaringa på kontrollen som feila.',
      en: 'Only certificates that passed every check can be approved or rejected. The agency already has the explanation of the check that failed.',
    },
  });
}

function alreadyDecided(): AppError {
  return new AppError({
    code: 'already-decided',
    status: 409,
    title: { nb: 'Allerede avgjort', nn: 'Alt avgjort', en: 'Already decided' },
    detail: {
      nb: 'Sertifikatet er allerede godkjent eller avvist. Se saksloggen.',
      nn: 'Sertifikatet er alt godkjent eller avvist. Sjå sakloggen.',
      en: 'The certificate has already been approved or rejected. See the case history.',
    },
  });
}
