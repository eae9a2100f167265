import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validRegistration } from '../support/fixtures.js';
import { startTestService, type TestService } from '../support/service.js';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service.dispose();
});

describe('smoke', () => {
  it('registers and reads a case', async () => {
    const created = await request(service.app).post('/api/cases').send(validRegistration());
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const read = await request(service.app).get(`/api/cases/${created.body.id}`).set('Authorization', `Bearer ${created.body.accessToken}`);
    expect(read.status).toBe(200);
    expect(read.body.case.organizationNumber).toBe('991825827');
  });
});
