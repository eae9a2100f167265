import type { Kysely } from 'kysely';
import { isUniqueViolation } from './database.js';
import type { Database } from './schema.js';

/** Small key/value store for service-wide secrets and their hashes. */
export interface SettingsRepository {
  get(key: string): Promise<string | undefined>;
  /** Stores `value` unless the key exists; returns the value that is stored now. */
  putIfAbsent(key: string, value: string, at: string): Promise<string>;
  set(key: string, value: string, at: string): Promise<void>;
}

export function createSettingsRepository(db: Kysely<Database>): SettingsRepository {
  async function get(key: string) {
    const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value;
  }
  return {
    get,
    async putIfAbsent(key, value, at) {
      try {
        await db.insertInto('settings').values({ key, value, created_at: at }).execute();
        return value;
      } catch (error) {
        // Two instances starting at once: the first one wins, the second reads it.
        if (!isUniqueViolation(error)) throw error;
        const stored = await get(key);
        if (stored === undefined) throw error;
        return stored;
      }
    },
    async set(key, value, at) {
      await db
        .insertInto('settings')
        .values({ key, value, created_at: at })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute();
    },
  };
}
