import { appendCaseEvent } from '../audit/event-log.js';
import type { Kysely } from 'kysely';
import { stepForTemplate } from '../domain/document-steps.js';
import type { ReturnRecord, UploadStatus } from '../domain/return-state.js';
import type { MatchedDocument, UploadAnalysis, UploadRecord } from '../domain/upload-analysis.js';
import type { StepId } from '../domain/checklist.js';
import { isUniqueViolation } from './database.js';
import type { Database } from './schema.js';

export class DuplicateUploadError extends Error {
  constructor(readonly existing: UploadRecord) {
    super('this file was already uploaded to this case');
  }
}

export class UploadAlreadyDecidedError extends Error {}

/** The case was closed between the upload's start and its record (servicedesk closed it meanwhile). */
export class CaseNotOpenError extends Error {
  constructor() {
    super('the case is not open');
  }
}

export interface DecisionInput {
  outcome: 'approved' | 'rejected';
  reason: string;
  at: string;
  actor: string;
  /** Set when servicedesk assigned the document itself (manual review). */
  document: MatchedDocument | null;
  /** On approval: the step to record as done (with a step.completed event). */
  completeStep: StepId | null;
}

export interface UploadRepository {
  /**
   * Stores an upload with its case events (upload.received, and upload.matched
   * when a document was identified). Call only once the blobs are durable.
   * Throws DuplicateUploadError when the same file is already on this case.
   */
  create(record: UploadRecord, actor: string, within?: (trx: Kysely<Database>) => Promise<void>): Promise<void>;
  findById(caseId: string, id: string): Promise<UploadRecord | undefined>;
  findBySha256(caseId: string, sha256: string): Promise<UploadRecord | undefined>;
  listForCase(caseId: string): Promise<UploadRecord[]>;
  /** True when any upload refers to this blob (as the file or as its PDF). */
  referencesBlob(sha256: string): Promise<boolean>;
  /** Records servicedesk's decision; throws UploadAlreadyDecidedError on a second one. */
  decide(caseId: string, id: string, decision: DecisionInput, within?: (trx: Kysely<Database>) => Promise<void>): Promise<void>;
}

type Row = Database['uploads'];

function toRecord(row: Row): UploadRecord {
  return {
    id: row.id,
    caseId: row.case_id,
    sha256: row.sha256,
    size: Number(row.size),
    mediaType: row.media_type,
    pdfSha256: row.pdf_sha256,
    fileName: row.file_name,
    analysis: JSON.parse(row.analysis) as UploadAnalysis,
    createdAt: row.created_at,
    decision:
      row.decision === 'approved' || row.decision === 'rejected'
        ? { outcome: row.decision, reason: row.decision_reason ?? '', at: row.decided_at ?? '', by: row.decided_by ?? '' }
        : null,
  };
}

/** The uploads of these cases that can move a checklist step (see returnStates). */
export async function returnRecordsOf(db: Kysely<Database>, caseIds: string[]): Promise<Map<string, ReturnRecord[]>> {
  const map = new Map<string, ReturnRecord[]>();
  if (caseIds.length === 0) return map;
  const rows = await db
    .selectFrom('uploads')
    .select(['id', 'case_id', 'status', 'template_id', 'created_at', 'decision', 'decision_reason', 'decided_at'])
    .where('case_id', 'in', caseIds)
    .where('template_id', 'is not', null)
    .where((eb) => eb.or([eb('status', '=', 'complete'), eb('decision', 'is not', null)]))
    .execute();
  for (const row of rows) {
    const list = map.get(row.case_id) ?? [];
    list.push({
      uploadId: row.id,
      stepId: row.template_id ? stepForTemplate(row.template_id) : null,
      status: row.status as UploadStatus,
      createdAt: row.created_at,
      decision:
        row.decision === 'approved' || row.decision === 'rejected'
          ? { outcome: row.decision, reason: row.decision_reason ?? '', at: row.decided_at ?? '' }
          : null,
    });
    map.set(row.case_id, list);
  }
  return map;
}

export function createUploadRepository(db: Kysely<Database>): UploadRepository {
  async function appendEvent(trx: Kysely<Database>, caseId: string, type: string, actor: string, at: string, data: Record<string, unknown>, artefactSha256: string | null = null) {
    await appendCaseEvent(trx, { caseId, type, actor, at, data, artefactSha256 });
  }

  async function findBySha256(caseId: string, sha256: string) {
    const row = await db.selectFrom('uploads').selectAll().where('case_id', '=', caseId).where('sha256', '=', sha256).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  return {
    async create(record, actor, within) {
      const { analysis } = record;
      try {
        await db.transaction().execute(async (trx) => {
          // First, and as a condition: a case closed while the file was analysed takes
          // no upload. The update also locks the case row (PostgreSQL), so a close
          // running at the same moment waits for this transaction or wins before it.
          const open = await trx.updateTable('cases').set({ updated_at: record.createdAt }).where('id', '=', record.caseId).where('status', '=', 'open').executeTakeFirst();
          if (Number(open.numUpdatedRows) === 0) throw new CaseNotOpenError();
          await trx
            .insertInto('uploads')
            .values({
              id: record.id,
              case_id: record.caseId,
              sha256: record.sha256,
              size: record.size,
              media_type: record.mediaType,
              pdf_sha256: record.pdfSha256,
              file_name: record.fileName,
              page_count: analysis.pageCount,
              status: analysis.status,
              document_id: analysis.document?.id ?? null,
              template_id: analysis.document?.kind ?? null,
              analysis: JSON.stringify(analysis),
              created_at: record.createdAt,
              decision: null,
              decision_reason: null,
              decided_by: null,
              decided_at: null,
            })
            .execute();
          await appendEvent(trx, record.caseId, 'upload.received', actor, record.createdAt, {
            uploadId: record.id,
            sha256: record.sha256,
            size: record.size,
            mediaType: record.mediaType,
            pageCount: analysis.pageCount,
            status: analysis.status,
          }, record.sha256);
          if (analysis.document) {
            await appendEvent(trx, record.caseId, 'upload.matched', 'system', record.createdAt, {
              uploadId: record.id,
              documentId: analysis.document.id,
              kind: analysis.document.kind,
              source: analysis.document.source,
              status: analysis.status,
              pagesFound: analysis.pagesFound,
              missingPages: analysis.missingPages,
            }, record.pdfSha256 ?? record.sha256);
          }
          await within?.(trx);
        });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const existing = await findBySha256(record.caseId, record.sha256);
        if (!existing) throw error;
        throw new DuplicateUploadError(existing);
      }
    },

    async findById(caseId, id) {
      const row = await db.selectFrom('uploads').selectAll().where('case_id', '=', caseId).where('id', '=', id).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },

    findBySha256,

    async listForCase(caseId) {
      const rows = await db.selectFrom('uploads').selectAll().where('case_id', '=', caseId).orderBy('created_at', 'desc').orderBy('id').execute();
      return rows.map(toRecord);
    },

    async referencesBlob(sha256) {
      const row = await db
        .selectFrom('uploads')
        .select('id')
        .where((eb) => eb.or([eb('sha256', '=', sha256), eb('pdf_sha256', '=', sha256)]))
        .executeTakeFirst();
      return row !== undefined;
    },

    async decide(caseId, id, decision, within) {
      await db.transaction().execute(async (trx) => {
        let update = trx
          .updateTable('uploads')
          .set({ decision: decision.outcome, decision_reason: decision.reason, decided_by: decision.actor, decided_at: decision.at })
          .where('case_id', '=', caseId)
          .where('id', '=', id)
          .where('decision', 'is', null);
        if (decision.document) {
          // Servicedesk identified the document by looking at it (manual review).
          const current = await trx.selectFrom('uploads').select('analysis').where('id', '=', id).executeTakeFirstOrThrow();
          const analysis = { ...(JSON.parse(current.analysis) as UploadAnalysis), document: decision.document };
          update = update.set({ document_id: decision.document.id, template_id: decision.document.kind, analysis: JSON.stringify(analysis) });
        }
        const result = await update.executeTakeFirst();
        // A concurrent second decision loses here, inside the transaction.
        if (Number(result.numUpdatedRows) !== 1) throw new UploadAlreadyDecidedError();
        await trx.updateTable('cases').set({ updated_at: decision.at }).where('id', '=', caseId).execute();
        await appendEvent(trx, caseId, 'upload.decided', decision.actor, decision.at, {
          uploadId: id,
          outcome: decision.outcome,
          reason: decision.reason,
          ...(decision.document ? { documentId: decision.document.id, kind: decision.document.kind } : {}),
        });
        if (decision.completeStep) {
          // The same record CaseRepository.completeStep writes, inside this transaction.
          await trx
            .insertInto('step_completions')
            .values({ case_id: caseId, step_id: decision.completeStep, completed_at: decision.at, actor: decision.actor, note: `upload ${id} approved` })
            .onConflict((oc) => oc.columns(['case_id', 'step_id']).doUpdateSet({ completed_at: decision.at, actor: decision.actor, note: `upload ${id} approved` }))
            .execute();
          await appendEvent(trx, caseId, 'step.completed', decision.actor, decision.at, { step: decision.completeStep, uploadId: id });
        }
        await within?.(trx);
      });
    },
  };
}
