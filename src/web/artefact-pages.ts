import { pipeline } from 'node:stream/promises';
import express, { Router, type Request, type Response } from 'express';
import { loadCaseForAdmin } from '../cases/case-access.js';
import { caseClosed } from '../cases/errors.js';
import { renderChecks, renderResult } from '../certificates/present.js';
import { submitCertificate, type SubmitCertificateDeps } from '../certificates/submit.js';
import { decideCertificate } from '../certificates/decide-certificate.js';
import { AppError } from '../domain/app-error.js';
import type { Locale } from '../domain/locale.js';
import { receiveMultipart } from '../http/certificates-router.js';
import { uploadReceiver } from '../http/uploads-router.js';
import type { StoredFileInfo } from '../returns/multer-blob-storage.js';
import type { Returns } from '../returns/returns-service.js';
import { uploadView } from '../returns/view.js';
import type { CaseRecord, CaseRepository } from '../storage/case-repository.js';
import type { CertificateRepository } from '../storage/certificate-repository.js';
import { translate } from './i18n.js';
import { caseFacts, loadCaseForBrowser } from './public-pages.js';
import type { FormBody } from './registration-form.js';
import { pageLocale, renderPage, verifyCsrf, type WebDeps } from './web-context.js';
import type { AdminCaseRenderer } from './admin-pages.js';

/**
 * The case page's working parts: download the prefilled documents, upload what
 * was signed (with the analysis shown), submit the certificate (every check
 * shown), and, for servicedesk, decide on uploads.
 */
/** What the web pages need of the documents capability. */
export interface DocumentsForWeb {
  listForCase(record: CaseRecord): { id: string; title: Record<Locale, string>; locales: Locale[] }[];
  render(record: CaseRecord, templateId: string, locale: Locale): Promise<{ bytes: Uint8Array; fileName: string }>;
}

export interface ArtefactPagesDeps {
  cases: CaseRepository;
  returns: Returns;
  certificates: CertificateRepository;
  submit: SubmitCertificateDeps;
  documents?: DocumentsForWeb;
}

/** Everything the case page shows about a case's artefacts, for agency and servicedesk. */
export async function artefactSections(deps: ArtefactPagesDeps, record: CaseRecord, locale: Locale, admin: boolean) {
  const base = admin ? `/admin/cases/${record.id}/uploads` : `/case/${record.id}/uploads`;
  const [uploads, certificates] = await Promise.all([deps.returns.list(record.id), deps.certificates.listForCase(record.id)]);
  const documents = deps.documents
    ? deps.documents.listForCase(record).map((d) => ({
        id: d.id,
        title: d.title[locale],
        href: `/case/${record.id}/documents/${d.id}.pdf`,
        locales: d.locales,
      }))
    : [];
  return {
    documents,
    uploads: uploads.map((u) => {
      const view = uploadView(u, locale, base);
      return { ...view, undecided: view.decision === null && view.status !== 'rejected', links: { file: `${base}/${u.id}/file`, pdf: `${base}/${u.id}/pdf` } };
    }),
    certificateSubmissions: certificates
      .slice()
      .reverse()
      .map((s) => ({
        id: s.id,
        submittedAt: s.submittedAt,
        verdict: s.verdict,
        certificate: s.certificate,
        checks: renderChecks(s.checks, locale),
        decision: s.decision,
        // Only a certificate that passed every check waits for servicedesk.
        undecided: s.verdict === 'accepted' && s.decision === null,
      })),
  };
}

export function artefactPages(deps: ArtefactPagesDeps): (web: WebDeps) => Router {
  return (web) => {
    const router = Router();
    const form = express.urlencoded({ extended: false, inflate: false, limit: '20kb', parameterLimit: 20 });
    const receiveUpload = uploadReceiver(deps.returns);

    async function showCase(req: Request, res: Response, record: CaseRecord, extra: Record<string, unknown>, status: number) {
      const locale = pageLocale(req);
      const facts = caseFacts(web, req, record);
      const [history, sections] = await Promise.all([deps.cases.events(record.id), artefactSections(deps, record, locale, false)]);
      renderPage(web, req, res, 'case', 'case.title', { ...facts, ...sections, history, titleParams: { name: facts.caseName }, languagePath: `/case/${record.id}`, ...extra }, status);
    }

    /** A failure the agency can act on, shown next to the field on the case page. */
    async function showFieldError(req: Request, res: Response, record: CaseRecord, field: string, error: AppError) {
      const locale = pageLocale(req);
      const message = `${error.title[locale]}: ${error.detail[locale]}`;
      await showCase(req, res, record, { fieldErrors: { [field]: message }, errorList: [{ field, message }] }, error.status);
    }

    router.get('/case/:id/documents/:file', async (req, res) => {
      if (!deps.documents) throw new AppError({ code: 'not-found', status: 404, title: { nb: '', nn: '', en: '' }, detail: { nb: '', nn: '', en: '' } });
      const record = await loadCaseForBrowser(deps, req, String(req.params.id));
      const match = /^([a-z0-9-]+)\.pdf$/.exec(String(req.params.file));
      const lang = String(req.query.lang ?? pageLocale(req));
      const locale: Locale = lang === 'nn' || lang === 'en' ? lang : 'nb';
      if (!match) throw new AppError({ code: 'not-found', status: 404, title: { nb: '', nn: '', en: '' }, detail: { nb: '', nn: '', en: '' } });
      const rendered = await deps.documents.render(record, match[1]!, locale);
      res
        .type('application/pdf')
        .setHeader('Content-Disposition', `attachment; filename="${rendered.fileName}"`)
        .setHeader('Cache-Control', 'private, no-store')
        .send(Buffer.from(rendered.bytes));
    });

    router.post('/case/:id/uploads', async (req, res, next) => {
      const record = await loadCaseForBrowser(deps, req, String(req.params.id));
      if (record.status !== 'open') throw caseClosed();
      receiveUpload(req, res, async (error?: unknown) => {
        try {
          const file = req.file as (Express.Multer.File & Partial<StoredFileInfo>) | undefined;
          const body = (req.body ?? {}) as FormBody;
          try {
            verifyCsrf(web, req, body._csrf);
          } catch (csrf) {
            if (file?.sha256) await deps.returns.discard({ sha256: file.sha256, size: file.size ?? 0, created: file.created ?? false });
            throw csrf;
          }
          if (error) throw error;
          if (!file?.sha256) {
            throw new AppError({
              code: 'file-missing',
              status: 400,
              title: { nb: 'Ingen fil', nn: 'Inga fil', en: 'No file' },
              detail: { nb: 'Velg filen du vil laste opp.', nn: 'Vel fila du vil laste opp.', en: 'Choose the file to upload.' },
            });
          }
          const reference = typeof body.documentId === 'string' && body.documentId.trim() ? body.documentId.trim() : null;
          const result = await deps.returns.receive(
            record,
            { blob: { sha256: file.sha256, size: file.size ?? 0, created: file.created ?? false }, fileName: file.originalname, receiveSeconds: file.receiveSeconds ?? 0 },
            reference,
          );
          res.redirect(303, `/case/${record.id}?upload=${result.upload.id}#upload-${result.upload.id}`);
        } catch (failure) {
          if (failure instanceof AppError && failure.code !== 'csrf-rejected' && failure.status < 500) return showFieldError(req, res, record, 'file', failure).catch(next);
          next(failure);
        }
      });
    });

    router.get('/case/:id/uploads/:uploadId/:kind', async (req, res) => {
      const record = await loadCaseForBrowser(deps, req, String(req.params.id));
      const upload = await deps.returns.get(record.id, String(req.params.uploadId));
      const pdf = req.params.kind === 'pdf';
      const sha = pdf ? upload.pdfSha256 : upload.sha256;
      res
        .type(pdf ? 'application/pdf' : upload.mediaType)
        .setHeader('Content-Disposition', `attachment; filename="upload-${upload.id}.${pdf ? 'pdf' : 'bin'}"`)
        .setHeader('Cache-Control', 'private, no-store');
      await pipeline(deps.returns.blobs.read(sha), res);
    });

    router.post('/case/:id/certificates', async (req, res, next) => {
      const record = await loadCaseForBrowser(deps, req, String(req.params.id));
      if (record.status !== 'open') throw caseClosed();
      receiveMultipart(req, res, async (error?: unknown) => {
        try {
          verifyCsrf(web, req, ((req.body ?? {}) as FormBody)._csrf);
          if (error) throw error;
          if (!req.file) {
            throw new AppError({
              code: 'file-missing',
              status: 400,
              title: { nb: 'Ingen fil', nn: 'Inga fil', en: 'No file' },
              detail: { nb: 'Velg sertifikatfilen (.cer, .crt, .pem, .p7b eller .zip).', nn: 'Vel sertifikatfila (.cer, .crt, .pem, .p7b eller .zip).', en: 'Choose the certificate file (.cer, .crt, .pem, .p7b or .zip).' },
            });
          }
          const submitted = await submitCertificate(deps.submit, record, req.file.buffer);
          const locale = pageLocale(req);
          const results = submitted.map((s) => ({ submissionId: s.submissionId, ...renderResult(s, locale) }));
          const accepted = results.some((r) => r.verdict === 'accepted');
          const fresh = (await deps.cases.findById(record.id)) ?? record;
          await showCase(req, res, fresh, { certificateResults: results, certificateAccepted: accepted }, accepted ? 201 : 422);
        } catch (failure) {
          if (failure instanceof AppError && failure.code !== 'csrf-rejected' && failure.status < 500) return showFieldError(req, res, record, 'certificate', failure).catch(next);
          next(failure);
        }
      });
    });

    return router;
  };
}

/** Servicedesk decides on uploads and certificates from the case page. */
export function adminDecisionRoute(deps: ArtefactPagesDeps, web: WebDeps, requireSession: express.RequestHandler, showCase: AdminCaseRenderer): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, inflate: false, limit: '20kb', parameterLimit: 20 });

  /** The decision and reason from the form; undefined (and the page shown again, the error next to the field) when a rejection has no reason. */
  async function readDecision(req: Request, res: Response, id: string, itemId: string): Promise<{ decision: 'approve' | 'reject'; reason: string } | undefined> {
    const body = (req.body ?? {}) as FormBody;
    verifyCsrf(web, req, body._csrf);
    await loadCaseForAdmin(deps.cases, id);
    // Each form names its decision; anything else is a broken or forged form, not a rejection.
    if (body.decision !== 'approve' && body.decision !== 'reject') {
      throw new AppError({
        code: 'decision-missing',
        status: 400,
        title: { nb: 'Ukjent avgjørelse', nn: 'Ukjend avgjerd', en: 'Unknown decision' },
        detail: { nb: 'Skjemaet sa verken godkjenn eller avvis. Last siden på nytt og prøv igjen.', nn: 'Skjemaet sa verken godkjenn eller avvis. Last sida på nytt og prøv igjen.', en: 'The form said neither approve nor reject. Reload the page and try again.' },
      });
    }
    const decision = body.decision;
    const reason = typeof body.reason === 'string' ? body.reason.trim().slice(0, 1000) : '';
    if (decision === 'reject' && !reason) {
      const message = translate(web.catalog, pageLocale(req), 'admin.decision.reason_required');
      await showCase(req, res, id, { reasonMissing: itemId, errorList: [{ field: `reason-${itemId}`, message }] }, 400);
      return undefined;
    }
    return { decision, reason };
  }

  router.post('/admin/cases/:id/uploads/:uploadId/decision', requireSession, form, async (req, res) => {
    const id = String(req.params.id);
    const uploadId = String(req.params.uploadId);
    const read = await readDecision(req, res, id, uploadId);
    if (!read) return;
    await deps.returns.decide(id, uploadId, { decision: read.decision, reason: read.reason || null, documentId: null }, 'servicedesk');
    res.redirect(303, `/admin/cases/${id}#uploads`);
  });

  router.post('/admin/cases/:id/certificates/:submissionId/decision', requireSession, form, async (req, res) => {
    const id = String(req.params.id);
    const submissionId = String(req.params.submissionId);
    const read = await readDecision(req, res, id, submissionId);
    if (!read) return;
    await decideCertificate(deps.submit, id, submissionId, read, 'servicedesk');
    res.redirect(303, `/admin/cases/${id}#certificate`);
  });

  router.get('/admin/cases/:id/uploads/:uploadId/:kind', requireSession, async (req, res) => {
    const record = await loadCaseForAdmin(deps.cases, String(req.params.id));
    const upload = await deps.returns.get(record.id, String(req.params.uploadId));
    const pdf = req.params.kind === 'pdf';
    res
      .type(pdf ? 'application/pdf' : upload.mediaType)
      .setHeader('Content-Disposition', `attachment; filename="upload-${upload.id}.${pdf ? 'pdf' : 'bin'}"`)
      .setHeader('Cache-Control', 'private, no-store');
    await pipeline(deps.returns.blobs.read(pdf ? upload.pdfSha256 : upload.sha256), res);
  });
  return router;
}
