import type { Kysely, Migration } from 'kysely';

/**
 * Servicedesk sessions kept server-side, by the SHA-256 of their cookie: someone who
 * can read the database learns no session and cannot make one (a signed cookie
 * would need only the signing key, which would sit in the same database).
 */
export const migration006: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('admin_sessions')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      // The admin token's hash at login: a new ADMIN_TOKEN ends every session.
      .addColumn('admin_token_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('admin_sessions_expiry_idx').on('admin_sessions').column('expires_at').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('admin_sessions').execute();
  },
};
