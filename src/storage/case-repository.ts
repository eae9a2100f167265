import type { Kysely } from 'kysely';
import type { CaseProgress, StepId } from '../domain/checklist.js';
import type { Registration } from '../domain/registration.js';
import type { AuditEntry } from '../audit/chain.js';
import { appendCaseEvent, readAuditTrail } from '../audit/event-log.js';
import { returnStates } from '../domain/return-state.js';
import { isUniqueViolation } from './database.js';
import { returnRecordsOf } from './upload-repository.js';
import { certificateRejectionsOf } from './certificate-repository.js';
import type { Database } from './schema.js';

export type CaseStatus = 'open' | 'closed';

export interface CaseRecord {
  id: string;
  status: CaseStatus;
  registration: Registration;
  tokenHash: string;
  progress: CaseProgress;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  closeReason: string | null;
}

/** An audit entry as the case history shows it (without the case id and the link hash). */
export type CaseEvent = Omit<AuditEntry, 'caseId' | 'prevHash'>;

export interface CaseFilter {
  status?: CaseStatus | undefined;
  service?: string | undefined;
  organizationNumber?: string | undefined;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export class DuplicateOpenCaseError extends Error {
  constructor(readonly existingId: string) {
    super('an open case already exists for this organisation number and environment');
  }
}

export interface CaseRepository {
  /** Inserts the case; throws DuplicateOpenCaseError when one is open already. */
  create(
    record: Omit<CaseRecord, 'progress' | 'closedAt' | 'closeReason' | 'status'>,
    actor: string,
    /** Extra writes that must commit with the new case (e.g. the order-form letter). */
    within?: (trx: Kysely<Database>) => Promise<void>,
  ): Promise<void>;
  findById(id: string): Promise<CaseRecord | undefined>;
  list(filter: CaseFilter, page: { limit: number; offset: number }): Promise<Page<CaseRecord>>;
  countByStatus(): Promise<Record<CaseStatus, number>>;
  completeStep(id: string, step: StepId, at: string, actor: string, note: string | null): Promise<void>;
  reopenStep(id: string, step: StepId, at: string, actor: string): Promise<void>;
  setDpoVerified(id: string, verifiedAt: string | null, at: string, actor: string): Promise<void>;
  close(id: string, at: string, actor: string, reason: string): Promise<void>;
  events(id: string): Promise<CaseEvent[]>;
}

type Row = Database['cases'];

export function createCaseRepository(db: Kysely<Database>): CaseRepository {
  type StoredProgress = Pick<CaseProgress, 'completed' | 'returns' | 'certificateRejected'>;
  async function progressOf(ids: string[]): Promise<Map<string, StoredProgress>> {
    const map = new Map<string, StoredProgress>();
    if (ids.length === 0) return map;
    const rows = await db.selectFrom('step_completions').selectAll().where('case_id', 'in', ids).execute();
    for (const row of rows) {
      const progress = map.get(row.case_id) ?? { completed: {} };
      progress.completed[row.step_id as StepId] = { at: row.completed_at };
      map.set(row.case_id, progress);
    }
    // Signed returns (issue 4) feed the checklist as well.
    for (const [caseId, records] of await returnRecordsOf(db, ids)) {
      const progress = map.get(caseId) ?? { completed: {} };
      progress.returns = returnStates(records);
      map.set(caseId, progress);
    }
    for (const [caseId, rejection] of await certificateRejectionsOf(db, ids)) {
      const progress = map.get(caseId) ?? { completed: {} };
      progress.certificateRejected = rejection;
      map.set(caseId, progress);
    }
    return map;
  }

  function toRecord(row: Row, stored: StoredProgress | undefined): CaseRecord {
    return {
      id: row.id,
      status: row.status as CaseStatus,
      registration: JSON.parse(row.registration) as Registration,
      tokenHash: row.token_hash,
      progress: {
        completed: stored?.completed ?? {},
        dpoVerifiedAt: row.dpo_verified_at,
        ...(stored?.returns ? { returns: stored.returns } : {}),
        ...(stored?.certificateRejected ? { certificateRejected: stored.certificateRejected } : {}),
      },
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      closedAt: row.closed_at,
      closeReason: row.close_reason,
    };
  }

  async function appendEvent(trx: Kysely<Database>, caseId: string, type: string, actor: string, at: string, data: Record<string, unknown>) {
    await appendCaseEvent(trx, { caseId, type, actor, at, data });
  }

  async function touch(trx: Kysely<Database>, id: string, at: string) {
    await trx.updateTable('cases').set({ updated_at: at }).where('id', '=', id).execute();
  }

  return {
    async create(record, actor, within) {
      const { registration } = record;
      try {
        await db.transaction().execute(async (trx) => {
          await trx
            .insertInto('cases')
            .values({
              id: record.id,
              organization_number: registration.organizationNumber,
              environment: registration.environment,
              sector: registration.sector,
              status: 'open',
              open_key: `${registration.organizationNumber}:${registration.environment}`,
              registration: JSON.stringify(registration),
              token_hash: record.tokenHash,
              dpo_verified_at: null,
              created_at: record.createdAt,
              updated_at: record.updatedAt,
              closed_at: null,
              close_reason: null,
              audit_head: null,
            })
            .execute();
          await trx
            .insertInto('case_services')
            .values(registration.services.map((service) => ({ case_id: record.id, service })))
            .execute();
          await appendEvent(trx, record.id, 'case.created', actor, record.createdAt, {
            organizationNumber: registration.organizationNumber,
            environment: registration.environment,
            services: registration.services,
          });
          await within?.(trx);
        });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const existing = await db
          .selectFrom('cases')
          .select('id')
          .where('open_key', '=', `${registration.organizationNumber}:${registration.environment}`)
          .executeTakeFirst();
        if (!existing) throw error;
        throw new DuplicateOpenCaseError(existing.id);
      }
    },

    async findById(id) {
      const row = await db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) return undefined;
      return toRecord(row, (await progressOf([id])).get(id));
    },

    async list(filter, page) {
      let query = db.selectFrom('cases');
      if (filter.status) query = query.where('status', '=', filter.status);
      if (filter.organizationNumber) query = query.where('organization_number', '=', filter.organizationNumber);
      if (filter.service) {
        const service = filter.service;
        query = query.where('id', 'in', db.selectFrom('case_services').select('case_id').where('service', '=', service));
      }
      const totalRow = await query.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirst();
      const rows = await query
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(page.limit)
        .offset(page.offset)
        .execute();
      const progress = await progressOf(rows.map((r) => r.id));
      return { items: rows.map((row) => toRecord(row, progress.get(row.id))), total: Number(totalRow?.n ?? 0) };
    },

    async countByStatus() {
      const rows = await db
        .selectFrom('cases')
        .select(['status', (eb) => eb.fn.countAll<number | string>().as('n')])
        .groupBy('status')
        .execute();
      const counts: Record<CaseStatus, number> = { open: 0, closed: 0 };
      for (const row of rows) counts[row.status as CaseStatus] = Number(row.n);
      return counts;
    },

    async completeStep(id, step, at, actor, note) {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('step_completions')
          .values({ case_id: id, step_id: step, completed_at: at, actor, note })
          .onConflict((oc) => oc.columns(['case_id', 'step_id']).doUpdateSet({ completed_at: at, actor, note }))
          .execute();
        await touch(trx, id, at);
        await appendEvent(trx, id, 'step.completed', actor, at, { step, note });
      });
    },

    async reopenStep(id, step, at, actor) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('step_completions').where('case_id', '=', id).where('step_id', '=', step).execute();
        await touch(trx, id, at);
        await appendEvent(trx, id, 'step.reopened', actor, at, { step });
      });
    },

    async setDpoVerified(id, verifiedAt, at, actor) {
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('cases').set({ dpo_verified_at: verifiedAt, updated_at: at }).where('id', '=', id).execute();
        await appendEvent(trx, id, verifiedAt ? 'dpo.verified' : 'dpo.unverified', actor, at, {});
      });
    },

    async close(id, at, actor, reason) {
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('cases')
          .set({ status: 'closed', open_key: null, closed_at: at, close_reason: reason, updated_at: at })
          .where('id', '=', id)
          .execute();
        await appendEvent(trx, id, 'case.closed', actor, at, { reason });
      });
    },

    async events(id) {
      const { entries } = await readAuditTrail(db, id);
      return entries.map(({ caseId: _caseId, prevHash: _prevHash, ...event }) => event);
    },
  };
}
