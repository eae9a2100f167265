import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validRegistration } from '../support/fixtures.js';
import { startTestService, type TestService } from '../support/service.js';

let service: TestService;
beforeAll(async () => {
  service = await startTestService({ env: { REGISTRATION_RATE_LIMIT: '2', LOGIN_RATE_LIMIT: '2' } });
});
afterAll(async () => {
  await service.dispose();
});

describe('rate limits', () => {
  it('limits registrations per client across the API and the web form, with Retry-After', async () => {
    const first = await request(service.app).post('/api/cases').send(validRegistration());
    expect(first.status).toBe(201);
    const second = await request(service.app).post('/api/cases').send({});
    expect(second.status).toBe(400);
    const third = await request(service.app).post('/api/cases').send(validRegistration({ organizationNumber: '974760673' }));
    expect(third.status).toBe(429);
    expect(third.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    const web = await request(service.app).post('/register').type('form').send({});
    expect(web.status).toBe(429);
    expect(web.headers['content-type']).toMatch(/text\/html/);
  });

  it('limits servicedesk login attempts', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await request(service.app).post('/admin/login').type('form').send({ token: 'guess' })).status);
    expect(statuses).toEqual([403, 403, 429]);
  });
});
