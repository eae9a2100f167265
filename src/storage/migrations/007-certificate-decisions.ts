import type { Kysely, Migration } from 'kysely';

/** Servicedesk's review of a certificate that passed every check: approved, or rejected with a reason. */
export const migration007: Migration = {
  async up(db: Kysely<any>) {
    for (const column of ['decision', 'decision_reason', 'decided_by', 'decided_at']) {
      await db.schema.alterTable('certificate_submissions').addColumn(column, 'text').execute();
    }
  },
  async down(db: Kysely<any>) {
    for (const column of ['decided_at', 'decided_by', 'decision_reason', 'decision']) {
      await db.schema.alterTable('certificate_submissions').dropColumn(column).execute();
    }
  },
};
