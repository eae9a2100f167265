import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface AdminSession {
  adminTokenHash: string;
  expiresAt: string;
}

/** Servicedesk sessions by the hash of their cookie value; the value itself is never stored. */
export interface AdminSessionRepository {
  create(idHash: string, session: AdminSession, at: string): Promise<void>;
  find(idHash: string): Promise<AdminSession | undefined>;
  remove(idHash: string): Promise<void>;
  /** Drops sessions that ended before `now`; returns how many. */
  removeExpired(now: string): Promise<number>;
}

export function createAdminSessionRepository(db: Kysely<Database>): AdminSessionRepository {
  return {
    async create(idHash, session, at) {
      await db.insertInto('admin_sessions').values({ id_hash: idHash, admin_token_hash: session.adminTokenHash, created_at: at, expires_at: session.expiresAt }).execute();
    },
    async find(idHash) {
      const row = await db.selectFrom('admin_sessions').select(['admin_token_hash', 'expires_at']).where('id_hash', '=', idHash).executeTakeFirst();
      return row ? { adminTokenHash: row.admin_token_hash, expiresAt: row.expires_at } : undefined;
    },
    async remove(idHash) {
      await db.deleteFrom('admin_sessions').where('id_hash', '=', idHash).execute();
    },
    async removeExpired(now) {
      const result = await db.deleteFrom('admin_sessions').where('expires_at', '<', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
