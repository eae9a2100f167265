import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestService, type TestService } from '../support/service.js';
import { validRegistration } from '../support/fixtures.js';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service.dispose();
});

const admin = (req: request.Test) => req.set('Authorization', `Bearer ${ADMIN_TOKEN}`);

describe('request format problems', () => {
  it('malformed JSON is a 400 problem', async () => {
    const response = await request(service.app).post('/api/cases').set('Content-Type', 'application/json').send('{"organizationNumber": "991825827",');
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.body.code).toBe('malformed-json');
  });

  it('a JSON array or string instead of an object is a 400, not a 500', async () => {
    for (const body of ['[1,2]', '"text"', 'null']) {
      const response = await request(service.app).post('/api/cases').set('Content-Type', 'application/json').send(body);
      expect(response.status, body).toBe(400);
    }
  });

  it('a wrong content type is a 415 problem', async () => {
    const response = await request(service.app).post('/api/cases').set('Content-Type', 'text/plain').send('organizationNumber=991825827');
    expect(response.status).toBe(415);
    expect(response.body.code).toBe('unsupported-media-type');
    expect(response.body.detail).toMatch(/application\/json/);
  });

  it('a form-encoded body is a 415 problem', async () => {
    const response = await request(service.app).post('/api/cases').type('form').send({ organizationNumber: '991825827' });
    expect(response.status).toBe(415);
  });

  it('a body over 100 kB is a 413 problem', async () => {
    const body = validRegistration({ names: { nb: 'x'.repeat(110_000), nn: 'a', en: 'b', acronym: 'AB' } });
    const response = await request(service.app).post('/api/cases').set('Content-Type', 'application/json').send(JSON.stringify(body));
    expect(response.status).toBe(413);
    expect(response.body.code).toBe('payload-too-large');
  });

  it('an unknown route is a 404 problem', async () => {
    const response = await request(service.app).get('/api/nothing-here');
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
  });
});

describe('registering and reading a case', () => {
  let id: string;
  let token: string;

  it('answers 201 with id, token, case, checklist and a Location', async () => {
    const response = await request(service.app).post('/api/cases').send(validRegistration());
    expect(response.status).toBe(201);
    ({ id, accessToken: token } = response.body);
    expect(response.headers.location).toBe(`/api/cases/${id}`);
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(response.body.case).toMatchObject({ id, status: 'open', organizationNumber: '991825827', environment: 'test' });
    expect(response.body.checklist.map((s: { id: string }) => s.id)).toEqual([
      'order-form', 'digdir-terms', 'dpv-terms', 'ks-agreement', 'certificate', 'integration-point', 'dpf-production', 'dpi',
    ]);
    expect(response.body.case).not.toHaveProperty('tokenHash');
    expect(JSON.stringify(response.body.case)).not.toContain(token);
  });

  it('stores only a hash of the token', async () => {
    const row = await service.database.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads the case with its token', async () => {
    const response = await request(service.app).get(`/api/cases/${id}`).set('Authorization', `Bearer ${token}`);
    expect(response.status).toBe(200);
    expect(response.body.case.id).toBe(id);
    expect(response.body.checklist).toHaveLength(8);
    expect(response.body.history[0]).toMatchObject({ type: 'case.created', actor: 'agency' });
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('answers 404 without a token, with a wrong token, and with another case’s token', async () => {
    const other = await request(service.app).post('/api/cases').send(validRegistration({ organizationNumber: '974760673' }));
    expect(other.status).toBe(201);
    const attempts = [
      request(service.app).get(`/api/cases/${id}`),
      request(service.app).get(`/api/cases/${id}`).set('Authorization', `Bearer ${token}x`),
      request(service.app).get(`/api/cases/${id}`).set('Authorization', `Bearer ${other.body.accessToken}`),
      request(service.app).get(`/api/cases/${id}`).set('Authorization', `Bearer ${ADMIN_TOKEN}`),
      request(service.app).get(`/api/cases/00000000-0000-0000-0000-000000000000`).set('Authorization', `Bearer ${token}`),
    ];
    for (const attempt of attempts) {
      const response = await attempt;
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('not-found');
    }
  });

  it('refuses a second open case for the same organisation number and environment, naming the first', async () => {
    const response = await request(service.app).post('/api/cases').send(validRegistration({ organizationNumber: '991 825 827' }));
    expect(response.status).toBe(409);
    expect(response.body.existingCaseId).toBe(id);
    expect(JSON.stringify(response.body)).not.toContain(token);
  });

  it('allows the same organisation number in the other environment', async () => {
    const response = await request(service.app).post('/api/cases').send(validRegistration({ environment: 'production' }));
    expect(response.status).toBe(201);
  });

  it('allows a new case once servicedesk has closed the old one', async () => {
    const closed = await admin(request(service.app).post(`/api/admin/cases/${id}/close`)).send({ reason: 'Registered twice by mistake' });
    expect(closed.status).toBe(200);
    expect(closed.body.case.status).toBe('closed');
    const again = await request(service.app).post('/api/cases').send(validRegistration());
    expect(again.status).toBe(201);
    const closedAgain = await admin(request(service.app).post(`/api/admin/cases/${id}/close`)).send({ reason: 'again' });
    expect(closedAgain.status).toBe(409);
  });
});

describe('servicedesk API', () => {
  it('needs the admin token', async () => {
    for (const auth of [undefined, 'Bearer wrong-token', 'Basic abc']) {
      const req = request(service.app).get('/api/admin/cases');
      const response = await (auth ? req.set('Authorization', auth) : req);
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(/Bearer/);
    }
  });

  it('lists cases with filters, pagination and counts', async () => {
    for (const [org, services] of [
      ['983163327', ['DPO']],
      ['988312495', ['DPF', 'DPO']],
      ['910075918', ['DPI', 'DPO']],
    ] as const) {
      const response = await request(service.app).post('/api/cases').send(validRegistration({ organizationNumber: org, services, dpvIpAddresses: undefined }));
      expect(response.status).toBe(201);
    }
    const all = await admin(request(service.app).get('/api/admin/cases'));
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(all.body.items.length);
    expect(all.body.counts.open + all.body.counts.closed).toBe(all.body.total);
    expect(all.body.counts.closed).toBe(1);

    const dpf = await admin(request(service.app).get('/api/admin/cases?service=DPF'));
    expect(dpf.body.items.every((c: { services: string[] }) => c.services.includes('DPF'))).toBe(true);
    expect(dpf.body.items.map((c: { organizationNumber: string }) => c.organizationNumber)).toContain('988312495');
    expect(dpf.body.items.map((c: { organizationNumber: string }) => c.organizationNumber)).not.toContain('983163327');

    const byOrg = await admin(request(service.app).get('/api/admin/cases?organizationNumber=910075918'));
    expect(byOrg.body.total).toBe(1);
    expect(byOrg.body.items[0].checklist.find((s: { id: string }) => s.id === 'dpi').status).toBe('blocked');

    const closed = await admin(request(service.app).get('/api/admin/cases?status=closed'));
    expect(closed.body.total).toBe(1);

    const page1 = await admin(request(service.app).get('/api/admin/cases?limit=2&offset=0'));
    const page2 = await admin(request(service.app).get('/api/admin/cases?limit=2&offset=2'));
    expect(page1.body.items).toHaveLength(2);
    expect(page1.body.total).toBe(all.body.total);
    const ids = [...page1.body.items, ...page2.body.items].map((c: { id: string }) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('rejects bad filters with field paths', async () => {
    const response = await admin(request(service.app).get('/api/admin/cases?service=FAX&limit=0&colour=red'));
    expect(response.status).toBe(400);
    const paths = response.body.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['colour', 'limit', 'service']);
  });

  it('reads any case, marks steps done, and unblocks DPF production after DPO verification', async () => {
    const created = await request(service.app).post('/api/cases').send(validRegistration({ organizationNumber: '123456785' }));
    const id = created.body.id as string;
    const detail = await admin(request(service.app).get(`/api/admin/cases/${id}`));
    expect(detail.status).toBe(200);
    const step = (body: { checklist: { id: string; status: string }[] }, stepId: string) => body.checklist.find((s) => s.id === stepId)?.status;
    expect(step(detail.body, 'dpf-production')).toBe('blocked');

    const terms = await admin(request(service.app).post(`/api/admin/cases/${id}/steps/digdir-terms`)).send({ status: 'done', note: 'Signed in eSignering' });
    expect(terms.status).toBe(200);
    expect(step(terms.body, 'digdir-terms')).toBe('done');

    const blocked = await admin(request(service.app).post(`/api/admin/cases/${id}/steps/dpf-production`)).send({ status: 'done' });
    expect(blocked.status).toBe(409);
    expect(blocked.body.code).toBe('step-not-completable');

    const verified = await admin(request(service.app).post(`/api/admin/cases/${id}/dpo-verification`)).send({ verified: true });
    expect(step(verified.body, 'dpf-production')).toBe('todo');
    expect(verified.body.case.dpoVerifiedAt).toEqual(expect.any(String));

    const reopened = await admin(request(service.app).post(`/api/admin/cases/${id}/steps/digdir-terms`)).send({ status: 'todo' });
    expect(step(reopened.body, 'digdir-terms')).toBe('todo');

    const badStep = await admin(request(service.app).post(`/api/admin/cases/${id}/steps/coffee`)).send({ status: 'done' });
    expect(badStep.status).toBe(400);

    // The agency sees what servicedesk did.
    const agency = await request(service.app).get(`/api/cases/${id}`).set('Authorization', `Bearer ${created.body.accessToken}`);
    expect(agency.body.history.map((e: { type: string }) => e.type)).toEqual(['case.created', 'step.completed', 'dpo.verified', 'step.reopened']);
  });

  it('answers 404 for an unknown case', async () => {
    const response = await admin(request(service.app).get('/api/admin/cases/does-not-exist'));
    expect(response.status).toBe(404);
  });
});
