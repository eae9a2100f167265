import type { Kysely, Migration } from 'kysely';

/** Every document we issue, so a scan of it can be traced back (issues 3 and 4). */
export const migration002: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('issued_documents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
      .addColumn('template_id', 'text', (c) => c.notNull())
      .addColumn('template_version', 'integer', (c) => c.notNull())
      .addColumn('locale', 'text', (c) => c.notNull())
      .addColumn('data_hash', 'text', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('page_count', 'integer', (c) => c.notNull())
      .addColumn('issued_at', 'text', (c) => c.notNull())
      .execute();
    // One document id per (case, template, version, locale, data): a re-download of
    // unchanged facts is the same document, so its QR codes stay valid.
    await db.schema
      .createIndex('issued_documents_identity_idx')
      .on('issued_documents')
      .columns(['case_id', 'template_id', 'template_version', 'locale', 'data_hash'])
      .unique()
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('issued_documents').execute();
  },
};
