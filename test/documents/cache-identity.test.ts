import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDate } from '../../src/documents/view-model.js';
import { validRegistration } from '../support/fixtures.js';
import { startTestService, type TestService } from '../support/service.js';
import { binary, pdfText, readQrCodes } from './helpers.js';

/**
 * What a document is made of, and so when the cache may serve it: the case's own
 * facts and date (never the clock), the template and its version, the language.
 * One database, services started on it in turn with other clocks and templates.
 */
const DAY = 86_400_000;
let templatesDir: string;
let service: TestService;
let c: { id: string; auth: string };

function download(s: TestService, doc: string, lang: string) {
  return request(s.app).get(`/api/cases/${c.id}/documents/${doc}.pdf?lang=${lang}`).set('Authorization', c.auth).buffer(true).parse(binary);
}

/** A second service on the same database and data directory (same MAC key, same blobs). */
function sibling(options: { clock?: () => Date } = {}): Promise<TestService> {
  return startTestService({ database: service.testDatabase, env: { TEMPLATES_DIR: templatesDir }, ...options });
}

beforeAll(async () => {
  templatesDir = mkdtempSync(path.join(os.tmpdir(), 'efm-templates-'));
  cpSync(path.resolve(import.meta.dirname, '../../templates'), templatesDir, { recursive: true });
  service = await startTestService({ env: { TEMPLATES_DIR: templatesDir } });
  const created = await request(service.app).post('/api/cases').send(validRegistration());
  expect(created.status).toBe(201);
  c = { id: created.body.id as string, auth: `Bearer ${created.body.accessToken as string}` };
}, 60_000);

afterAll(async () => {
  await service?.dispose();
  rmSync(templatesDir, { recursive: true, force: true });
});

describe('dates', () => {
  it('prints the case date, not the clock: rendered again 40 days later from scratch, the bytes are the same', async () => {
    const first = await download(service, 'order-form', 'nb');
    expect(first.status).toBe(200);
    const createdAt = (await service.cases.findById(c.id))!.createdAt;
    const later = new Date(Date.now() + 40 * DAY);
    const text = await pdfText(first.body as Buffer);
    expect(text).toContain(formatDate(createdAt, 'nb'));
    const future = await sibling({ clock: () => later });
    try {
      const record = (await future.cases.findById(c.id))!;
      const again = await future.documents.render(record, 'order-form', 'nb', { cache: false });
      expect(again.fromCache).toBe(false);
      expect(Buffer.compare(Buffer.from(again.bytes), first.body as Buffer)).toBe(0);
      expect(await pdfText(again.bytes)).not.toContain(formatDate(later.toISOString(), 'nb'));
    } finally {
      await future.close();
    }
  });
});

describe('cache identity', () => {
  it('serves the same template version from the cache, and a new version as a new document with the version in its QR code', async () => {
    const v1 = await download(service, 'dpv-terms', 'en');
    expect(v1.status).toBe(200);
    const v1Id = v1.headers['x-document-id'] as string;
    expect((await download(service, 'dpv-terms', 'en')).headers['x-cache']).toBe('hit');
    // Another language of the same template is another document.
    const nn = await download(service, 'dpv-terms', 'nn');
    expect(nn.headers['x-cache']).toBe('miss');
    expect(nn.headers['x-document-id']).not.toBe(v1Id);

    // The operator publishes version 2 of the DPV terms and restarts.
    const metaFile = path.join(templatesDir, 'dpv-terms', 'template.json');
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as { version: number };
    writeFileSync(metaFile, JSON.stringify({ ...meta, version: 2 }));
    const restarted = await sibling();
    try {
      const v2 = await download(restarted, 'dpv-terms', 'en');
      expect(v2.status).toBe(200);
      expect(v2.headers['x-cache']).toBe('miss');
      expect(v2.headers['x-document-id']).not.toBe(v1Id);
      expect(v2.headers.etag).not.toBe(v1.headers.etag);
      const [code] = await readQrCodes(v2.body as Buffer, 1);
      expect(restarted.documents.verifyPageCode(code!)).toMatchObject({ ok: true, code: { templateId: 'dpv-terms', templateVersion: 2, documentId: v2.headers['x-document-id'] } });
      expect((await download(restarted, 'dpv-terms', 'en')).headers['x-cache']).toBe('hit');
      // Both versions stay on record: a scan of the version 1 print still matches its document.
      const issued = (await restarted.issuedDocuments.listForCase(c.id)).filter((d) => d.templateId === 'dpv-terms' && d.locale === 'en');
      expect(issued.map((d) => d.templateVersion).sort()).toEqual([1, 2]);
    } finally {
      await restarted.close();
    }
  });

  it('renders anew when the template text changes under the same version', async () => {
    const before = await download(service, 'ks-cover-letter', 'nb');
    expect(before.status).toBe(200);
    const file = path.join(templatesDir, 'ks-cover-letter', 'nb.hbs');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n<p>Tillegg fra operatøren.</p>\n`);
    const restarted = await sibling();
    try {
      const after = await download(restarted, 'ks-cover-letter', 'nb');
      expect(after.status).toBe(200);
      expect(after.headers['x-cache']).toBe('miss');
      expect(after.headers.etag).not.toBe(before.headers.etag);
      expect(await pdfText(after.body as Buffer)).toContain('Tillegg fra operatøren.');
    } finally {
      await restarted.close();
    }
  });
});
