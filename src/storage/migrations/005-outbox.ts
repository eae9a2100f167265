import type { Kysely, Migration } from 'kysely';

/** Transactional outbox: messages written with the state change, sent by a worker. */
export const migration005: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('outbox_messages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // What caused the message; UNIQUE so the same event never queues two letters.
      .addColumn('event_key', 'text', (c) => c.notNull().unique())
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('claimed_until', 'text')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'text')
      .execute();
    await db.schema.createIndex('outbox_due_idx').on('outbox_messages').columns(['status', 'next_attempt_at']).execute();
    await db.schema.createIndex('outbox_case_idx').on('outbox_messages').column('case_id').execute();

    // Webhooks read the committed event log in order; each target keeps its own cursor.
    await db.schema
      .createTable('webhook_cursors')
      .addColumn('target', 'text', (c) => c.primaryKey())
      .addColumn('last_event_id', 'integer', (c) => c.notNull())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('webhook_cursors').execute();
    await db.schema.dropTable('outbox_messages').execute();
  },
};
