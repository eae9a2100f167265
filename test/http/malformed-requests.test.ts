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
