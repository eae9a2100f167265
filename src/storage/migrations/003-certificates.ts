import type { Kysely, Migration } from 'kysely';

/**
 * Certificate submissions (issue 5): every certificate an agency sends for a
 * case, accepted or rejected, with the checks as they were and the public
 * certificate itself (PEM text, so both databases store it the same way).
 */
export const migration003: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('certificate_submissions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
      .addColumn('submitted_at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('verdict', 'text', (c) => c.notNull())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('validated_at', 'text', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('organization_number', 'text')
      .addColumn('environment', 'text')
      .addColumn('not_after', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('checks', 'text', (c) => c.notNull())
      .addColumn('certificate_pem', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('certificate_submissions_case_idx').on('certificate_submissions').columns(['case_id', 'submitted_at']).execute();
    await db.schema.createIndex('certificate_submissions_sha256_idx').on('certificate_submissions').column('sha256').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('certificate_submissions').execute();
  },
};
