import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validRegistration } from '../support/fixtures.js';
import { ADMIN_TOKEN, startTestService, type TestService } from '../support/service.js';

/** Requests no client should send, answered with a problem that says what to do, never a 500. */
let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service?.dispose();
});

describe('malformed addresses', () => {
  it('answers 400 malformed-address for a broken %-escape in an id, on agency and servicedesk routes', async () => {
    for (const [path, auth] of [
      ['/api/cases/%ZZ', 'Bearer x'],
      ['/api/cases/%ZZ/documents', 'Bearer x'],
      ['/api/cases/%E0%A4%A/uploads', 'Bearer x'],
      ['/api/admin/cases/%ZZ', `Bearer ${ADMIN_TOKEN}`],
    ] as const) {
      const res = await request(service.app).get(path).set('Authorization', auth).set('Accept-Language', 'nn');
      expect(res.status, path).toBe(400);
      expect(res.headers['content-type'], path).toContain('application/problem+json');
      expect(res.body.code, path).toBe('malformed-address');
      expect(res.body.detail, path).toContain('Kopier lenka på nytt');
    }
  });
});

describe('compressed bodies', () => {
  it('refuses a compressed JSON body with 415 and the advice to send it uncompressed, whether or not it inflates', async () => {
    const body = JSON.stringify(validRegistration());
    for (const [encoding, bytes] of [
      ['gzip', gzipSync(body)],
      ['gzip', Buffer.from('{}')],
      ['br', Buffer.from('{}')],
    ] as const) {
      const res = await request(service.app).post('/api/cases').set('Content-Type', 'application/json').set('Content-Encoding', encoding).send(bytes);
      expect(res.status, encoding).toBe(415);
      expect(res.body.code).toBe('unsupported-encoding');
      expect(res.body.detail).toContain('uten komprimering');
    }
    // Nothing was registered.
    const listed = await request(service.app).get('/api/admin/cases').set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    expect(listed.body.total ?? listed.body.cases?.length).toBe(0);
  });

  it('refuses a compressed web form the same way instead of failing', async () => {
    const res = await request(service.app).post('/register').set('Content-Type', 'application/x-www-form-urlencoded').set('Content-Encoding', 'gzip').send(Buffer.from('a=1'));
    expect(res.status).toBeLessThan(500);
    expect(res.status).toBeGreaterThanOrEqual(400);
  });
});

describe('wording of parameter errors', () => {
  it('speaks of the request, not of a registration, when a query parameter is wrong', async () => {
    const created = await request(service.app).post('/api/cases').send(validRegistration());
    const res = await request(service.app)
      .get(`/api/cases/${created.body.id}/documents/order-form.pdf?lang=xx`)
      .set('Authorization', `Bearer ${created.body.accessToken}`)
      .set('Accept-Language', 'en');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation-failed');
    expect(res.body.detail).toBe('The request has 1 error(s). Correct the parameters or fields listed in "errors" and try again.');
    expect(res.body.errors[0].path).toBe('lang');
    const outbox = await request(service.app).get('/api/admin/outbox?status=bogus').set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    expect(outbox.status).toBe(400);
    expect(outbox.body.detail).toMatch(/^Forespørselen har 1 feil/);
  });
});
