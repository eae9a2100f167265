import type { Kysely, Migration } from 'kysely';
import { autoIncrementId, type Dialect } from './dialect.js';

export const migration001 = (dialect: Dialect): Migration => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('cases')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_number', 'text', (c) => c.notNull())
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('sector', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('open_key', 'text', (c) => c.unique())
      .addColumn('registration', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull())
      .addColumn('dpo_verified_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('closed_at', 'text')
      .addColumn('close_reason', 'text')
      // Hash of the newest audit entry (src/audit/chain.ts): catches a deleted tail.
      .addColumn('audit_head', 'text')
      .execute();
    await db.schema.createIndex('cases_org_idx').on('cases').column('organization_number').execute();
    await db.schema.createIndex('cases_created_idx').on('cases').columns(['created_at', 'id']).execute();

    await db.schema
      .createTable('case_services')
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
      .addColumn('service', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('case_services_pk', ['case_id', 'service'])
      .execute();
    await db.schema.createIndex('case_services_service_idx').on('case_services').column('service').execute();

    await db.schema
      .createTable('step_completions')
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
      .addColumn('step_id', 'text', (c) => c.notNull())
      .addColumn('completed_at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addPrimaryKeyConstraint('step_completions_pk', ['case_id', 'step_id'])
      .execute();

    await db.schema
      .createTable('settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    // The case history and audit trail: append-only, hash-chained per case.
    await db.schema
      .createTable('case_events')
      .$call(autoIncrementId(dialect))
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('artefact_sha256', 'text')
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('case_events_case_seq_idx').on('case_events').columns(['case_id', 'seq']).unique().execute();
  },
  async down(db: Kysely<any>) {
    for (const table of ['case_events', 'settings', 'step_completions', 'case_services', 'cases']) {
      await db.schema.dropTable(table).execute();
    }
  },
});
