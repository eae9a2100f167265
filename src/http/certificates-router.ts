import express, { Router, type Request, type RequestHandler } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { loadCaseForAdmin, loadCaseForToken } from '../cases/case-access.js';
import { caseClosed, ValidationFailedError } from '../cases/errors.js';
import type { CertificateValidator } from '../certificates/engine.js';
import { submissionProblem } from '../certificates/errors.js';
import { SubmissionError } from '../certificates/input.js';
import { renderChecks, renderResult, renderValidation } from '../certificates/present.js';
import { submitCertificate, type SubmitCertificateDeps } from '../certificates/submit.js';
import { CertificateDecisionBody, decideCertificate, SubmissionIdParam } from '../certificates/decide-certificate.js';
import { parseWith } from './parse.js';
import { requireJson } from './errors.js';
import { parseValidationFields } from '../certificates/request.js';
import { PURPOSES, type ValidationRequest } from '../certificates/types.js';
import { AppError } from '../domain/app-error.js';
import type { CaseRecord, CaseRepository } from '../storage/case-repository.js';
import type { CertificateRepository, CertificateSubmission } from '../storage/certificate-repository.js';
import { bearerToken, requireAdmin } from './auth.js';
import { requestLocale } from './problem.js';
import type { RateLimiter } from './rate-limit.js';

/**
 * Certificates: an agency submits the public part of its enterprise certificate
 * on its case; anyone (servicedesk, integrators) can validate one without a
 * case, rate limited. The upload is judged by content only; the file name and
 * the client's Content-Type are never trusted.
 */

export interface CertificatesRouterDeps {
  cases: CaseRepository;
  certificates: CertificateRepository;
  validator: CertificateValidator;
  clock: () => Date;
  adminTokenHash: string;
  validateRateLimiter: RateLimiter;
  onAccepted?: SubmitCertificateDeps['onAccepted'];
}

/** Certificates are a few kB; a ZIP of a chain stays far below this. */
export const MAX_CERTIFICATE_UPLOAD_BYTES = 1024 * 1024;

function fileTooLarge(): AppError {
  return new AppError({
    code: 'file-too-large',
    status: 413,
    title: { nb: 'For stor fil', nn: 'For stor fil', en: 'File too large' },
    detail: {
      nb: 'Filen er større enn 1 MB. Et sertifikat er noen få kB: send bare den offentlige delen (.cer/.crt/.pem/.p7b), eventuelt zippet.',
      nn: 'Fila er større enn 1 MB. Eit sertifikat er nokre få kB: send berre den offentlege delen (.cer/.crt/.pem/.p7b), eventuelt zippa.',
      en: 'The file is larger than 1 MB. A certificate is a few kB: send only the public part (.cer/.crt/.pem/.p7b), zipped if you like.',
    },
  });
}

function badUpload(detail: { nb: string; nn: string; en: string }): AppError {
  return new AppError({ code: 'bad-upload', status: 400, title: { nb: 'Ugyldig opplasting', nn: 'Ugyldig opplasting', en: 'Invalid upload' }, detail });
}

const fileMissing = () =>
  badUpload({
    nb: 'Ingen fil mottatt. Send sertifikatet i multipart-feltet «file», eller som hele innholdet i forespørselen.',
    nn: 'Inga fil motteken. Send sertifikatet i multipart-feltet «file», eller som heile innhaldet i førespurnaden.',
    en: 'No file received. Send the certificate in the multipart field "file", or as the whole request body.',
  });

const upload = multer({
  storage: multer.memoryStorage(),
  // Browsers send file names as raw UTF-8 ("søknad æøå.pdf"); busboy's default reads them as latin1.
  defParamCharset: 'utf8',
  limits: { fileSize: MAX_CERTIFICATE_UPLOAD_BYTES, files: 1, fields: 10, fieldSize: 1024, parts: 12, headerPairs: 100 },
}).single('file');

/** multer, with its errors turned into problems the user can act on. */
export const receiveMultipart: RequestHandler = (req, res, next) => {
  upload(req, res, (error: unknown) => {
    if (!error) return next();
    if (error instanceof multer.MulterError) {
      if (error.code === 'LIMIT_FILE_SIZE') return next(fileTooLarge());
      if (error.code === 'LIMIT_UNEXPECTED_FILE') {
        return next(
          badUpload({
            nb: 'Send én fil, i feltet «file».',
            nn: 'Send éi fil, i feltet «file».',
            en: 'Send one file, in the field "file".',
          }),
        );
      }
      return next(badUpload({ nb: 'Skjemaet har for mange eller for store felt.', nn: 'Skjemaet har for mange eller for store felt.', en: 'The form has too many or too large fields.' }));
    }
    next(badUpload({ nb: 'Multipart-innholdet kunne ikke leses.', nn: 'Multipart-innhaldet kunne ikkje lesast.', en: 'The multipart body could not be read.' }));
  });
};

const rawParser = express.raw({ type: () => true, limit: MAX_CERTIFICATE_UPLOAD_BYTES, inflate: false });

/** Any other Content-Type: the body is the file, whatever the client calls it. */
const receiveRaw: RequestHandler = (req, res, next) => {
  rawParser(req, res, (error: unknown) => {
    if ((error as { type?: string } | undefined)?.type === 'entity.too.large') return next(fileTooLarge());
    next(error);
  });
};

const receiveFile: RequestHandler = (req, res, next) => (req.is('multipart/form-data') ? receiveMultipart(req, res, next) : receiveRaw(req, res, next));

function uploadedBytes(req: Request): Uint8Array {
  if (req.file) return req.file.buffer;
  if (!req.is('multipart/form-data') && Buffer.isBuffer(req.body) && req.body.length > 0) return req.body;
  throw fileMissing();
}

/** The fields, for /openapi.json; parseValidationFields is the parser, with the registration's error codes. */
export const CertificateValidateFields = z.strictObject({
  organizationNumber: z.string().meta({ description: '9-digit organisation number (MOD11)', examples: ['991825827'] }),
  environment: z.enum(['test', 'production']),
  at: z.string().optional().meta({ description: 'Validate as of this moment (ISO 8601 date or date-time); default now', examples: ['2025-01-01'] }),
  purpose: z.enum(PURPOSES).default('authentication'),
});

function parseValidateFields(input: Record<string, unknown>): ValidationRequest {
  const parsed = parseValidationFields(input);
  if (!parsed.ok) throw new ValidationFailedError(parsed.errors, 'request');
  return parsed.value;
}

// ---------------------------------------------------------------------------

export function certificatesRouter(deps: CertificatesRouterDeps): Router {
  const router = Router();

  router.post('/api/certificates/validate', deps.validateRateLimiter.middleware(), receiveFile, async (req, res) => {
    const fields = req.is('multipart/form-data') ? ((req.body ?? {}) as Record<string, unknown>) : (req.query as Record<string, unknown>);
    const request = parseValidateFields(fields);
    const bytes = uploadedBytes(req);
    let results;
    try {
      results = await deps.validator.validateSubmission(bytes, request);
    } catch (error) {
      if (error instanceof SubmissionError) throw submissionProblem(error.problem);
      throw error;
    }
    const locale = requestLocale(req);
    // The validation itself succeeded: 200 for both verdicts; the verdict is in the body.
    res.setHeader('Cache-Control', 'no-store').setHeader('Content-Language', locale).json(renderValidation(results, locale));
  });

  // The case and its token are checked before a byte of the upload is read.
  const loadOpenCase: RequestHandler = async (req, res, next) => {
    const record = await loadCaseForToken(deps.cases, String(req.params.id), bearerToken(req));
    if (record.status !== 'open') throw caseClosed();
    res.locals.caseRecord = record;
    next();
  };

  router.post('/api/cases/:id/certificates', loadOpenCase, receiveFile, async (req, res) => {
    const record = res.locals.caseRecord as CaseRecord;
    const bytes = uploadedBytes(req);
    const submitted = await submitCertificate(deps, record, bytes);
    const locale = requestLocale(req);
    const view = renderValidation(submitted, locale);
    const primary = submitted.find((s) => s.verdict === 'accepted') ?? submitted[0]!;
    res
      .status(primary.verdict === 'accepted' ? 201 : 422)
      .setHeader('Cache-Control', 'no-store')
      .setHeader('Content-Language', locale)
      .json({
        submissionId: primary.submissionId,
        ...view,
        results: submitted.map((s) => ({ submissionId: s.submissionId, ...renderResult(s, locale) })),
      });
  });

  const listView = (submissions: CertificateSubmission[], req: Request) => {
    const locale = requestLocale(req);
    return {
      items: submissions.map((s) => ({
        id: s.id,
        submittedAt: s.submittedAt,
        actor: s.actor,
        verdict: s.verdict,
        purpose: s.purpose,
        validatedAt: s.validatedAt,
        certificate: s.certificate,
        checks: renderChecks(s.checks, locale),
        pem: s.pem,
        decision: s.decision,
      })),
    };
  };

  router.get('/api/cases/:id/certificates', async (req, res) => {
    const record = await loadCaseForToken(deps.cases, String(req.params.id), bearerToken(req));
    res.setHeader('Cache-Control', 'no-store').json(listView(await deps.certificates.listForCase(record.id), req));
  });

  router.get('/api/admin/cases/:id/certificates', requireAdmin(deps.adminTokenHash), async (req, res) => {
    const record = await loadCaseForAdmin(deps.cases, String(req.params.id));
    res.setHeader('Cache-Control', 'no-store').json(listView(await deps.certificates.listForCase(record.id), req));
  });

  const json = express.json({ limit: '20kb', strict: true, inflate: false, type: () => true });
  router.post('/api/admin/cases/:id/certificates/:submissionId/decision', requireAdmin(deps.adminTokenHash), requireJson, json, async (req, res) => {
    const record = await loadCaseForAdmin(deps.cases, String(req.params.id));
    const submissionId = SubmissionIdParam.safeParse(String(req.params.submissionId));
    const body = parseWith(CertificateDecisionBody, req.body);
    const decided = await decideCertificate(deps, record.id, submissionId.success ? submissionId.data : '', body, 'servicedesk');
    res.setHeader('Cache-Control', 'no-store').json(listView([decided], req).items[0]);
  });

  return router;
}
