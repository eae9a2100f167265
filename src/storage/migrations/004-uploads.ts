import type { Kysely, Migration } from 'kysely';

/**
 * Signed returns (issue 4): every accepted upload, its analysis and the
 * servicedesk decision. A row is written only after its blobs are durably stored.
 */
export const migration004: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('uploads')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('media_type', 'text', (c) => c.notNull())
      // The PDF that was analysed: the upload itself, or the PDF made from an image.
      .addColumn('pdf_sha256', 'text', (c) => c.notNull())
      // The client's file name, for display only; never used as a path.
      .addColumn('file_name', 'text')
      .addColumn('page_count', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('document_id', 'text')
      .addColumn('template_id', 'text')
      .addColumn('analysis', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('decision', 'text')
      .addColumn('decision_reason', 'text')
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'text')
      .execute();
    // The same file sent twice to the same case is the same upload.
    await db.schema.createIndex('uploads_case_sha_idx').on('uploads').columns(['case_id', 'sha256']).unique().execute();
    await db.schema.createIndex('uploads_case_created_idx').on('uploads').columns(['case_id', 'created_at']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('uploads').execute();
  },
};
