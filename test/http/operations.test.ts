import { Writable } from 'node:stream';
import { PDFDocument } from '@cantoo/pdf-lib';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { createService } from '../../src/service.js';
import { createTestDatabase } from '../support/database.js';
import { validRegistration } from '../support/fixtures.js';
import { ADMIN_TOKEN, startTestService } from '../support/service.js';

const disposers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const dispose of disposers.reverse()) await dispose();
});

describe('health, readiness, metrics and OpenAPI', () => {
  it('serves /healthz, /readyz, /metrics and /openapi.json', async () => {
    const service = await startTestService();
    disposers.push(() => service.dispose());
    expect((await request(service.app).get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await request(service.app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks.database).toBe('ok');

    await request(service.app).post('/api/cases').send(validRegistration());
    const metrics = await request(service.app).get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/efm_cases_registered_total\{environment="test"\} 1/);
    expect(metrics.text).toMatch(/efm_http_requests_total\{method="POST",route="\/api\/cases",status="201"\} 1/);

    const openapi = await request(service.app).get('/openapi.json');
    expect(openapi.body.openapi).toMatch(/^3\./);
    const registration = openapi.body.components.schemas.Registration;
    expect(registration.required).toEqual(expect.arrayContaining(['organizationNumber', 'names', 'services', 'technicalContact', 'invoice']));
    expect(Object.keys(registration.properties)).toEqual(
      expect.arrayContaining(['organizationNumber', 'names', 'sector', 'environment', 'services', 'altinnServiceOwner', 'usesEInnsyn', 'technicalContact', 'archiveContact', 'notificationContact', 'invoice', 'caseArchiveSystem', 'dpvIpAddresses']),
    );
    expect(registration.additionalProperties).toBe(false);
    expect(openapi.body.paths['/api/cases'].post).toBeDefined();
  });

  it('/readyz answers 503 when the database is gone', async () => {
    const service = await startTestService();
    await service.database.close();
    const response = await request(service.app).get('/readyz');
    expect(response.status).toBe(503);
    expect(response.body.checks.database).toBe('unavailable');
    await service.testDatabase.drop();
  });
});

describe('durability and first start', () => {
  it('a case survives a restart', async () => {
    const database = await createTestDatabase();
    const first = await startTestService({ database });
    const created = await request(first.app).post('/api/cases').send(validRegistration());
    expect(created.status).toBe(201);
    await first.close();

    const second = await startTestService({ database });
    disposers.push(() => second.dispose());
    const read = await request(second.app).get(`/api/cases/${created.body.id}`).set('Authorization', `Bearer ${created.body.accessToken}`);
    expect(read.status).toBe(200);
    expect(read.body.case.names.nb).toBe('Digitaliseringsdirektoratet');
  });

  it('without ADMIN_TOKEN, generates one at first start, stores only its hash, and keeps it across restarts', async () => {
    const database = await createTestDatabase();
    const config = loadConfig({ DATA_DIR: database.dataDir, DATABASE_URL: database.url, LOG_LEVEL: 'silent' });
    const logger = createLogger({ level: 'silent' });
    const first = await createService({ config, logger });
    const token = first.generatedAdminToken;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const settings = await first.database.db.selectFrom('settings').selectAll().execute();
    expect(JSON.stringify(settings)).not.toContain(token);
    await first.close();

    const second = await createService({ config, logger });
    disposers.push(async () => {
      await second.close();
      await database.drop();
    });
    expect(second.generatedAdminToken).toBeUndefined();
    expect((await request(second.app).get('/api/admin/cases').set('Authorization', `Bearer ${token}`)).status).toBe(200);
  });
});

describe('logs', () => {
  it('carry a request id and never a token or personal data', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const database = await createTestDatabase();
    const config = loadConfig({ DATA_DIR: database.dataDir, DATABASE_URL: database.url, ADMIN_TOKEN, LOG_LEVEL: 'info' });
    const service = await createService({ config, logger: createLogger({ level: 'info', destination }) });
    disposers.push(async () => {
      await service.close();
      await database.drop();
    });
    const created = await request(service.app).post('/api/cases').set('X-Request-Id', 'req-123').send(validRegistration());
    expect(created.headers['x-request-id']).toBe('req-123');
    await request(service.app).get(`/api/cases/${created.body.id}`).set('Authorization', `Bearer ${created.body.accessToken}`);
    await request(service.app).get('/api/admin/cases').set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    // An upload (analysed and logged) and a document download.
    const pdf = await PDFDocument.create();
    pdf.addPage();
    const uploaded = await request(service.app)
      .post(`/api/cases/${created.body.id}/uploads`)
      .set('Authorization', `Bearer ${created.body.accessToken}`)
      .attach('file', Buffer.from(await pdf.save()), 'Kari Nordmann signert.pdf');
    expect(uploaded.status).toBe(201);
    const log = lines.join('');
    expect(log).toContain('upload analysed');
    expect(log).toContain('"requestId":"req-123"');
    expect(log).toContain('"route":"/api/cases/:id"');
    for (const secret of [created.body.accessToken, ADMIN_TOKEN, 'Kari Nordmann', 'kari@digdir.no', '+4791234567', created.body.id, 'signert.pdf']) {
      expect(log).not.toContain(secret);
    }
  });
});

describe('configuration', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.dataDir).toMatch(/\/data$/);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.logLevel).toBe('info');
  });

  it('explains invalid values', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must be a postgres:\/\/ URL/);
    expect(() => loadConfig({ ADMIN_TOKEN: 'short' })).toThrow(/ADMIN_TOKEN/);
    // An hour between polls would look like mail that is never sent.
    expect(() => loadConfig({ DELIVERY_POLL_MS: '3600000' })).toThrow(/DELIVERY_POLL_MS/);
    expect(loadConfig({ DELIVERY_POLL_MS: '600000' }).delivery.pollIntervalMs).toBe(600_000);
  });
});
