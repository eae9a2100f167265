import request from 'supertest';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyAuditTrails } from '../../src/audit/verify-all.js';
import { canonicalJson } from '../../src/audit/canonical-json.js';
import { validRegistration } from '../support/fixtures.js';
import { ADMIN_TOKEN, startTestService, type TestService } from '../support/service.js';

let service: TestService;
let orgIndex = 0;
const ORGS = ['991825827', '974760673', '123456785', '100101696', '910075918', '983163327', '988312495', '971032146'];

beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service.dispose();
});

/** A case with five audit entries: created, step done, DPO verified, step reopened, closed. */
async function caseWithHistory(): Promise<{ id: string; token: string }> {
  const created = await request(service.app).post('/api/cases').send(validRegistration({ organizationNumber: ORGS[orgIndex++] }));
  const id = created.body.id as string;
  const admin = (path: string, body: object) => request(service.app).post(`/api/admin/cases/${id}${path}`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).send(body);
  await admin('/steps/digdir-terms', { status: 'done', note: 'eSignering' });
  await admin('/dpo-verification', { verified: true });
  await admin('/steps/digdir-terms', { status: 'todo' });
  await admin('/close', { reason: 'done with test' });
  return { id, token: created.body.accessToken as string };
}

async function verdictFor(id: string) {
  const { results } = await verifyAuditTrails(service.database.db, [id]);
  return results[0]!;
}

describe('canonical JSON', () => {
  it('sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
  });
});

describe('hash-chained audit trail', () => {
  let target: { id: string; token: string };
  beforeEach(async () => {
    target = await caseWithHistory();
  });

  it('an untouched trail verifies, for the agency and for servicedesk', async () => {
    const agency = await request(service.app).get(`/api/cases/${target.id}/audit`).set('Authorization', `Bearer ${target.token}`);
    expect(agency.status).toBe(200);
    expect(agency.body.verified).toBe(true);
    expect(agency.body.entries.map((e: { type: string }) => e.type)).toEqual(['case.created', 'step.completed', 'dpo.verified', 'step.reopened', 'case.closed']);
    expect(agency.body.entries[1].prevHash).toBe(agency.body.entries[0].hash);
    const admin = await request(service.app).get(`/api/cases/${target.id}/audit`).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    expect(admin.body.head).toBe(agency.body.head);
    expect((await request(service.app).get(`/api/cases/${target.id}/audit`)).status).toBe(404);
    expect((await verdictFor(target.id)).ok).toBe(true);
  });

  it('detects an edited row', async () => {
    await sql`update case_events set data = ${JSON.stringify({ step: 'digdir-terms', note: 'forged' })} where case_id = ${target.id} and seq = 2`.execute(service.database.db);
    const verdict = await verdictFor(target.id);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toContainEqual({ kind: 'edited', seq: 2 });
    const api = await request(service.app).get(`/api/cases/${target.id}/audit`).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    expect(api.body.verified).toBe(false);
  });

  it('detects an edited actor or time', async () => {
    await sql`update case_events set actor = 'agency' where case_id = ${target.id} and seq = 3`.execute(service.database.db);
    expect((await verdictFor(target.id)).problems).toContainEqual({ kind: 'edited', seq: 3 });
  });

  it('detects a deleted row in the middle', async () => {
    await sql`delete from case_events where case_id = ${target.id} and seq = 3`.execute(service.database.db);
    const verdict = await verdictFor(target.id);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toContainEqual({ kind: 'gap', afterSeq: 2, nextSeq: 4 });
    expect(verdict.problems).toContainEqual({ kind: 'broken-link', seq: 4 });
  });

  it('detects a deleted last row through the head stored on the case', async () => {
    await sql`delete from case_events where case_id = ${target.id} and seq = 5`.execute(service.database.db);
    const verdict = await verdictFor(target.id);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems.map((p) => p.kind)).toEqual(['head-mismatch']);
  });

  it('detects an inserted row, even one with a correct-looking own hash', async () => {
    // Shift seq 3..5 up by one, then insert a fabricated entry as seq 3 that links to seq 2.
    const rows = await service.database.db.selectFrom('case_events').selectAll().where('case_id', '=', target.id).orderBy('seq', 'desc').execute();
    for (const row of rows.filter((r) => Number(r.seq) >= 3)) {
      await sql`update case_events set seq = ${Number(row.seq) + 1} where id = ${row.id}`.execute(service.database.db);
    }
    const { entryHash } = await import('../../src/audit/chain.js');
    const seq2 = rows.find((r) => Number(r.seq) === 2)!;
    const content = { caseId: target.id, seq: 3, type: 'step.completed', actor: 'servicedesk', at: seq2.at, data: { step: 'certificate' }, artefactSha256: null, prevHash: seq2.hash };
    await service.database.db
      .insertInto('case_events')
      .values({ case_id: target.id, seq: 3, type: content.type, actor: content.actor, at: content.at, data: JSON.stringify(content.data), artefact_sha256: null, prev_hash: content.prevHash, hash: entryHash(content) })
      .execute();
    const verdict = await verdictFor(target.id);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toContainEqual({ kind: 'broken-link', seq: 4 });
  });

  it('reports events that belong to no case', async () => {
    await sql`pragma foreign_keys = off`.execute(service.database.db).catch(() => undefined);
    if (service.database.dialect === 'postgres') {
      await sql`alter table case_events drop constraint if exists case_events_case_id_fkey`.execute(service.database.db);
    }
    await service.database.db
      .insertInto('case_events')
      .values({ case_id: 'no-such-case', seq: 1, type: 'case.created', actor: 'agency', at: '2026-01-01T00:00:00.000Z', data: '{}', artefact_sha256: null, prev_hash: '0'.repeat(64), hash: 'x' })
      .execute();
    const { orphanEvents } = await verifyAuditTrails(service.database.db);
    expect(orphanEvents).toBe(1);
    await sql`delete from case_events where case_id = 'no-such-case'`.execute(service.database.db);
    await sql`pragma foreign_keys = on`.execute(service.database.db).catch(() => undefined);
  });
});

describe('efm-onboarding audit verify', () => {
  it('exits 0 on intact trails and 1 after tampering, naming the case and the entry', async () => {
    const { runCli } = await import('../../src/cli/main.js');
    const target = await caseWithHistory();
    const env = { DATA_DIR: service.testDatabase.dataDir, DATABASE_URL: service.testDatabase.url ?? '' };
    let out = '';
    const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (out += t), env, cwd: process.cwd() };
    expect(await runCli(['audit', 'verify', '--case', target.id], io)).toBe(0);
    expect(out).toContain(`✓ ${target.id}`);
    await sql`update case_events set actor = 'agency' where case_id = ${target.id} and seq = 2`.execute(service.database.db);
    out = '';
    expect(await runCli(['audit', 'verify'], io)).toBe(1);
    expect(out).toContain(`✗ ${target.id}`);
    expect(out).toContain('entry 2 was changed after it was written');
    out = '';
    expect(await runCli(['audit', 'verify', '--json', '--case', target.id], io)).toBe(1);
    expect(JSON.parse(out).results[0].problems).toContainEqual({ kind: 'edited', seq: 2 });
  });
});

describe('issued documents in the trail', () => {
  it('the first issue of a document is appended with its SHA-256; a re-issue of the same facts is not', async () => {
    const created = await request(service.app).post('/api/cases').send(validRegistration({ organizationNumber: '889640782' }));
    const document = {
      id: 'ABCDEFGH',
      caseId: created.body.id as string,
      templateId: 'order-form',
      templateVersion: 1,
      locale: 'nb',
      dataHash: 'd'.repeat(64),
      sha256: 'e'.repeat(64),
      pageCount: 2,
      issuedAt: new Date().toISOString(),
    };
    await service.issuedDocuments.record(document);
    await service.issuedDocuments.record({ ...document, id: 'ZZZZZZZZ' });
    const audit = await request(service.app).get(`/api/cases/${created.body.id}/audit`).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    const issued = audit.body.entries.filter((e: { type: string }) => e.type === 'document.issued');
    expect(issued).toHaveLength(1);
    expect(issued[0]).toMatchObject({ artefactSha256: 'e'.repeat(64), data: { documentId: 'ABCDEFGH', templateId: 'order-form' } });
    expect(audit.body.verified).toBe(true);
  });
});
