import { appendCaseEvent } from '../audit/event-log.js';
import type { Kysely } from 'kysely';
import { isUniqueViolation } from './database.js';
import type { Database } from './schema.js';

export interface IssuedDocument {
  id: string;
  caseId: string;
  templateId: string;
  templateVersion: number;
  locale: string;
  dataHash: string;
  sha256: string;
  pageCount: number;
  issuedAt: string;
}

export interface IssuedDocumentRepository {
  /**
   * Records a newly issued document, or returns the one already recorded for the
   * same (case, template, version, locale, data hash): same facts, same document.
   */
  record(document: IssuedDocument): Promise<IssuedDocument>;
  findById(id: string): Promise<IssuedDocument | undefined>;
  findByIdentity(key: Pick<IssuedDocument, 'caseId' | 'templateId' | 'templateVersion' | 'locale' | 'dataHash'>): Promise<IssuedDocument | undefined>;
  /** The first-issued document whose PDF has this SHA-256 (for signed-PDF matching). */
  findBySha256(sha256: string): Promise<IssuedDocument | undefined>;
  listForCase(caseId: string): Promise<IssuedDocument[]>;
}

type Row = Database['issued_documents'];

function toDocument(row: Row): IssuedDocument {
  return {
    id: row.id,
    caseId: row.case_id,
    templateId: row.template_id,
    templateVersion: Number(row.template_version),
    locale: row.locale,
    dataHash: row.data_hash,
    sha256: row.sha256,
    pageCount: Number(row.page_count),
    issuedAt: row.issued_at,
  };
}

export function createIssuedDocumentRepository(db: Kysely<Database>): IssuedDocumentRepository {
  const findByIdentity: IssuedDocumentRepository['findByIdentity'] = async (key) => {
    const row = await db
      .selectFrom('issued_documents')
      .selectAll()
      .where('case_id', '=', key.caseId)
      .where('template_id', '=', key.templateId)
      .where('template_version', '=', key.templateVersion)
      .where('locale', '=', key.locale)
      .where('data_hash', '=', key.dataHash)
      .executeTakeFirst();
    return row ? toDocument(row) : undefined;
  };
  return {
    async record(document) {
      try {
        await db.transaction().execute(async (trx) => {
          await trx
            .insertInto('issued_documents')
            .values({
              id: document.id,
              case_id: document.caseId,
              template_id: document.templateId,
              template_version: document.templateVersion,
              locale: document.locale,
              data_hash: document.dataHash,
              sha256: document.sha256,
              page_count: document.pageCount,
              issued_at: document.issuedAt,
            })
            .execute();
          // The first issue of a document is part of the case's audit trail.
          await appendCaseEvent(trx, {
            caseId: document.caseId,
            type: 'document.issued',
            actor: 'system',
            at: document.issuedAt,
            artefactSha256: document.sha256,
            data: { documentId: document.id, templateId: document.templateId, templateVersion: document.templateVersion, locale: document.locale, pageCount: document.pageCount },
          });
        });
        return document;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const existing = await findByIdentity(document);
        if (!existing) throw error;
        return existing;
      }
    },
    async findById(id) {
      const row = await db.selectFrom('issued_documents').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toDocument(row) : undefined;
    },
    findByIdentity,
    async findBySha256(sha256) {
      const row = await db.selectFrom('issued_documents').selectAll().where('sha256', '=', sha256).orderBy('issued_at').executeTakeFirst();
      return row ? toDocument(row) : undefined;
    },
    async listForCase(caseId) {
      const rows = await db.selectFrom('issued_documents').selectAll().where('case_id', '=', caseId).orderBy('issued_at').execute();
      return rows.map(toDocument);
    },
  };
}
