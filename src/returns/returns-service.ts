import { randomUUID } from 'node:crypto';
import { caseClosed } from '../cases/errors.js';
import { loadCaseForAdmin } from '../cases/case-access.js';
import { checklistOf } from '../cases/case-view.js';
import { parseReference } from '../documents/reference.js';
import { AppError } from '../domain/app-error.js';
import type { Kysely } from 'kysely';
import type { StepId, StepStatus } from '../domain/checklist.js';
import type { Registration } from '../domain/registration.js';
import type { Database } from '../storage/schema.js';
import { stepForTemplate } from '../domain/document-steps.js';
import type { MatchedDocument, UploadRecord } from '../domain/upload-analysis.js';
import type { Logger } from '../observability/logger.js';
import type { BlobStore, StoredBlob } from '../storage/blob-store.js';
import type { CaseRecord, CaseRepository } from '../storage/case-repository.js';
import type { IssuedDocumentRepository } from '../storage/issued-document-repository.js';
import { CaseNotOpenError, DuplicateUploadError, UploadAlreadyDecidedError, type UploadRepository } from '../storage/upload-repository.js';
import { analyseUpload, type UploadLimits } from './analyse.js';
import { createAnalysisWorker, type AnalysisWorker } from './analysis-worker-client.js';
import { decisionConflict, storageUnavailable, unknownReference, uploadNotFound } from './errors.js';
import type { UploadMetrics } from './metrics.js';
import { Semaphore } from './semaphore.js';

/**
 * Signed returns: the capability behind the upload routes. It receives a file
 * already durably stored in the blob store, analyses it (bounded concurrency),
 * and records the upload, or refuses it and forgets the bytes it stored.
 */
export interface ReturnsDeps {
  cases: CaseRepository;
  uploads: UploadRepository;
  issuedDocuments: IssuedDocumentRepository;
  blobs: BlobStore;
  /** The secret that authenticates the QR codes on issued pages. */
  documentKey: Buffer;
  limits: UploadLimits & { analysisConcurrency: number };
  clock: () => Date;
  logger: Logger;
  metrics?: UploadMetrics;
  worker?: AnalysisWorker;
  /**
   * Runs in the transaction that makes a signed return ready to go on (received
   * complete, or approved when approval is required): the delivery outbox.
   */
  onReturnReady?: (trx: Kysely<Database>, input: { caseId: string; step: StepId; uploadId: string; pdfSha256: string; registration: Registration; at: string }) => Promise<void>;
  /** true: returns go on only after servicedesk approves them. */
  deliverAfterApproval?: boolean;
}

export interface ReceivedFile {
  blob: StoredBlob;
  /** The client's file name, for display only. */
  fileName: string | null;
  receiveSeconds?: number;
}

export interface DecisionRequest {
  decision: 'approve' | 'reject';
  reason: string | null;
  documentId: string | null;
}

export interface Returns {
  readonly limits: ReturnsDeps['limits'];
  readonly blobs: BlobStore;
  receive(record: CaseRecord, file: ReceivedFile, documentReference: string | null): Promise<{ created: boolean; upload: UploadRecord }>;
  /** Forgets a stored file whose request failed before it became an upload. */
  discard(blob: StoredBlob): Promise<void>;
  list(caseId: string): Promise<UploadRecord[]>;
  get(caseId: string, uploadId: string): Promise<UploadRecord>;
  decide(caseId: string, uploadId: string, request: DecisionRequest, actor: string): Promise<UploadRecord>;
  close(): Promise<void>;
}

const COMPLETABLE: readonly StepStatus[] = ['todo', 'received', 'done'];

/** An error from a file-system call (EIO, ENOSPC, EROFS …), as Node reports them. */
export function isStorageFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'syscall' in error && 'code' in error && !(error instanceof AppError);
}

/** Control characters and path separators out, length capped: a label, never a path. */
export function displayName(name: string | undefined | null): string | null {
  if (!name) return null;
  const cleaned = name
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .split(/[\\/]/)
    .pop()!
    .trim()
    .slice(0, 200);
  return cleaned.length > 0 ? cleaned : null;
}

export function createReturns(deps: ReturnsDeps): Returns {
  const worker = deps.worker ?? createAnalysisWorker();
  const analysing = new Semaphore(deps.limits.analysisConcurrency);
  // Blobs some request is still working with; never deleted under its feet.
  const inFlight = new Map<string, number>();
  const hold = (sha: string) => inFlight.set(sha, (inFlight.get(sha) ?? 0) + 1);
  const release = (sha: string) => {
    const n = (inFlight.get(sha) ?? 1) - 1;
    if (n <= 0) inFlight.delete(sha);
    else inFlight.set(sha, n);
  };

  /** `ownHolds`: how many of the current holds are the caller's own. */
  async function discardBlob(blob: StoredBlob, ownHolds: number): Promise<void> {
    // Only bytes this request put there, that no upload uses and no other
    // request is handling: content stored earlier may belong to someone else.
    if (!blob.created || (inFlight.get(blob.sha256) ?? 0) > ownHolds) return;
    if (await deps.uploads.referencesBlob(blob.sha256)) return;
    await deps.blobs.remove(blob.sha256).catch((error: unknown) => deps.logger.warn({ err: error }, 'could not remove a refused upload'));
  }

  return {
    limits: deps.limits,
    blobs: deps.blobs,

    async receive(record, file, documentReference) {
      const { blob } = file;
      if (file.receiveSeconds !== undefined) deps.metrics?.receiveSeconds.observe(file.receiveSeconds);
      hold(blob.sha256);
      let derived: StoredBlob | undefined;
      try {
        const existing = await deps.uploads.findBySha256(record.id, blob.sha256);
        if (existing) {
          deps.metrics?.uploads.inc({ status: 'duplicate' });
          return { created: false, upload: existing };
        }
        const result = await analysing.run(() =>
          analyseUpload(
            { worker, blobs: deps.blobs, issuedDocuments: deps.issuedDocuments, documentKey: deps.documentKey, limits: deps.limits },
            { caseId: record.id, blob, documentReference },
          ),
        ).catch(async (error: unknown) => {
          if (error instanceof AppError && error.status < 500) {
            deps.metrics?.uploads.inc({ status: 'refused' });
            await discardBlob(blob, 1);
          }
          // Storing the PDF made from an image can hit a failing disk too.
          if (isStorageFailure(error)) throw storageUnavailable(error);
          throw error;
        });
        if (result.pdf.sha256 !== blob.sha256) {
          derived = result.pdf;
          hold(derived.sha256);
        }
        deps.metrics?.analysisSeconds.observe(result.timings.totalMs / 1000);
        if (result.timings.pages > 0) deps.metrics?.pageSeconds.observe(result.timings.totalMs / 1000 / result.timings.pages);
        const upload: UploadRecord = {
          id: randomUUID(),
          caseId: record.id,
          sha256: blob.sha256,
          size: blob.size,
          mediaType: result.analysis.mediaType,
          pdfSha256: result.pdf.sha256,
          fileName: displayName(file.fileName),
          analysis: result.analysis,
          createdAt: deps.clock().toISOString(),
          decision: null,
        };
        const readyStep = upload.analysis.status === 'complete' && upload.analysis.document ? stepForTemplate(upload.analysis.document.kind) : null;
        const within =
          deps.onReturnReady && !deps.deliverAfterApproval && readyStep
            ? (trx: Kysely<Database>) =>
                deps.onReturnReady!(trx, { caseId: record.id, step: readyStep, uploadId: upload.id, pdfSha256: upload.pdfSha256 ?? upload.sha256, registration: record.registration, at: upload.createdAt })
            : undefined;
        try {
          await deps.uploads.create(upload, 'agency', within);
        } catch (error) {
          if (error instanceof DuplicateUploadError) return { created: false, upload: error.existing };
          if (error instanceof CaseNotOpenError) {
            // Nothing recorded: the received bytes (and a PDF made from an image) go too.
            if (derived) await discardBlob(derived, 1);
            await discardBlob(blob, 1);
            throw caseClosed();
          }
          throw error;
        }
        deps.metrics?.uploads.inc({ status: result.analysis.status });
        if (result.analysis.findings.some((f) => f.code === 'other-case')) {
          // Another agency's document in this case's hands: worth a look by servicedesk.
          deps.logger.warn({ uploadId: upload.id }, 'upload holds a page issued for another case');
        }
        deps.logger.info(
          { uploadId: upload.id, status: result.analysis.status, pages: result.timings.pages, ms: Math.round(result.timings.totalMs) },
          'upload analysed',
        );
        return { created: true, upload };
      } finally {
        release(blob.sha256);
        if (derived) release(derived.sha256);
      }
    },

    discard: (blob) => discardBlob(blob, 0),

    list(caseId) {
      return deps.uploads.listForCase(caseId);
    },

    async get(caseId, uploadId) {
      const upload = await deps.uploads.findById(caseId, uploadId);
      if (!upload) throw uploadNotFound();
      return upload;
    },

    async decide(caseId, uploadId, request, actor) {
      const record = await loadCaseForAdmin(deps.cases, caseId);
      if (record.status !== 'open') throw caseClosed();
      const upload = await deps.uploads.findById(caseId, uploadId);
      if (!upload) throw uploadNotFound();
      if (upload.decision) throw decisionConflict('already-decided');
      const approve = request.decision === 'approve';
      if (approve && upload.analysis.status === 'rejected') throw decisionConflict('not-approvable');

      let document: MatchedDocument | null = upload.analysis.document;
      let assigned: MatchedDocument | null = null;
      if (request.documentId) {
        const id = parseReference(request.documentId);
        const issued = id ? await deps.issuedDocuments.findById(id) : undefined;
        if (!issued || issued.caseId !== caseId) throw unknownReference(request.documentId);
        if (document?.id !== issued.id) {
          assigned = { id: issued.id, kind: issued.templateId, source: 'servicedesk' };
          document = assigned;
        }
      }
      if (approve && !document) throw decisionConflict('needs-document');
      const step = document ? stepForTemplate(document.kind) : null;
      const stepStatus = step ? checklistOf(record).find((s) => s.id === step)?.status : undefined;
      const at = deps.clock().toISOString();
      const within =
        approve && step && deps.onReturnReady && deps.deliverAfterApproval
          ? (trx: Kysely<Database>) =>
              deps.onReturnReady!(trx, { caseId, step, uploadId, pdfSha256: upload.pdfSha256 ?? upload.sha256, registration: record.registration, at })
          : undefined;
      try {
        await deps.uploads.decide(caseId, uploadId, {
          outcome: approve ? 'approved' : 'rejected',
          reason: request.reason ?? '',
          at,
          actor,
          document: assigned,
          completeStep: approve && step && stepStatus && COMPLETABLE.includes(stepStatus) ? step : null,
        }, within);
      } catch (error) {
        if (error instanceof UploadAlreadyDecidedError) throw decisionConflict('already-decided');
        throw error;
      }
      return (await deps.uploads.findById(caseId, uploadId))!;
    },

    async close() {
      await worker.close();
    },
  };
}
