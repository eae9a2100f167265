import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument, rgb } from '@cantoo/pdf-lib';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, defaultChromiumPath, loadConfig } from '../../src/config.js';
import { isHeadlessShell } from '../../src/documents/chromium-pool.js';
import { assetsDir } from '../../src/documents/documents.js';
import { registerFontkit } from '../../src/documents/pdf-finish.js';
import { loadTemplates, TemplateError } from '../../src/documents/templates.js';
import { createTestDatabase } from '../support/database.js';
import { validRegistration } from '../support/fixtures.js';
import { startTestService, type TestService } from '../support/service.js';
import { binary, pdfInfo, pdfText, qdf, qpdfCheck, readQrCodes } from './helpers.js';

/**
 * Overlay templates (an existing PDF plus a field map and/or its own AcroForm
 * fields, filled with pdf-lib, no browser), the template registry's rules, and
 * the document MAC key. Nothing in this file starts Chromium.
 */
const SHIPPED = path.resolve('templates');
const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'efm-templates-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A two-page "official form" made here: printed labels, two AcroForm fields, empty boxes. */
async function makeOfficialForm(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  registerFontkit(doc);
  const font = await doc.embedFont(readFileSync(path.join(assetsDir(), 'fonts', 'DejaVuSans.ttf')), { subset: true });
  const form = doc.getForm();
  const first = doc.addPage([595.28, 841.89]);
  first.drawText('OFFISIELT SKJEMA FOR PRØVE', { x: 50, y: 780, size: 16, font });
  first.drawText('Org.nr.:', { x: 50, y: 700, size: 11, font });
  first.drawText('Forvaltningsorganets navn:', { x: 50, y: 660, size: 11, font });
  form.createTextField('orgnr').addToPage(first, { x: 220, y: 694, width: 200, height: 18, font });
  form.createTextField('agency').addToPage(first, { x: 220, y: 654, width: 300, height: 18, font });
  first.drawText('Saksreferanse:', { x: 50, y: 620, size: 11, font });
  first.drawRectangle({ x: 218, y: 612, width: 330, height: 20, borderColor: rgb(0, 0, 0), borderWidth: 0.5 });
  const second = doc.addPage([595.28, 841.89]);
  second.drawText('Side to: underskrift', { x: 50, y: 780, size: 12, font });
  second.drawText('Kontaktperson:', { x: 50, y: 700, size: 11, font });
  return doc.save();
}

function overlayMeta(overrides: Record<string, unknown> = {}) {
  return {
    id: 'dpv-official',
    kind: 'overlay',
    version: 3,
    step: 'dpv-terms',
    title: { nb: 'Offisielt DPV-skjema', nn: 'Offisielt DPV-skjema', en: 'Official DPV form' },
    subject: { nb: 'Utfylt skjema', nn: 'Utfylt skjema', en: 'Filled form' },
    fileName: { nb: 'dpv-skjema', nn: 'dpv-skjema', en: 'dpv-form' },
    source: 'form.pdf',
    locales: ['nb'],
    fields: [
      { page: 1, x: 218, y: 612, width: 330, height: 20, fontSize: 10, field: 'caseReference' },
      { page: 2, x: 160, y: 694, width: 300, height: 16, fontSize: 11, field: 'technicalContact.name' },
    ],
    acroForm: { orgnr: 'organizationNumber', agency: 'agency.nb' },
    ...overrides,
  };
}

async function overlayTemplatesDir(meta: Record<string, unknown>): Promise<string> {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'dpv-official'));
  writeFileSync(path.join(dir, 'dpv-official', 'form.pdf'), await makeOfficialForm());
  writeFileSync(path.join(dir, 'dpv-official', 'template.json'), JSON.stringify(meta));
  return dir;
}

describe('overlay templates', () => {
  let service: TestService;
  let pdf: Buffer;
  let caseId: string;
  let auth: string;
  const names = { nb: 'Guovdageainnu suohkan – Kautokeino kommune ŋšŧž', nn: 'Kautokeino nn', en: 'Kautokeino en', acronym: 'GS' };

  beforeAll(async () => {
    service = await startTestService({ env: { TEMPLATES_DIR: await overlayTemplatesDir(overlayMeta()) } });
    const created = await request(service.app).post('/api/cases').send(validRegistration({ names }));
    caseId = created.body.id;
    auth = `Bearer ${created.body.accessToken}`;
    const res = await request(service.app).get(`/api/cases/${caseId}/documents/dpv-official.pdf?lang=nb`).set('Authorization', auth).buffer(true).parse(binary);
    expect(res.status, res.body.toString()).toBe(200);
    pdf = res.body as Buffer;
  });
  afterAll(async () => {
    await service?.dispose();
  });

  it('is listed for the step it serves, in the language of its PDF', async () => {
    const res = await request(service.app).get(`/api/cases/${caseId}/documents`).set('Authorization', auth);
    expect(res.body.documents).toEqual([
      expect.objectContaining({ id: 'dpv-official', kind: 'overlay', version: 3, locales: ['nb'], urls: { nb: `/api/cases/${caseId}/documents/dpv-official.pdf?lang=nb` } }),
    ]);
    const en = await request(service.app).get(`/api/cases/${caseId}/documents/dpv-official.pdf?lang=en`).set('Authorization', auth);
    expect(en.status).toBe(404);
    expect(en.body.code).toBe('document-language-unavailable');
    // Without ?lang=, an English-speaking client gets the form in the language it exists in.
    const negotiated = await request(service.app).get(`/api/cases/${caseId}/documents/dpv-official.pdf`).set('Authorization', auth).set('Accept-Language', 'en').buffer(true).parse(binary);
    expect(negotiated.status).toBe(200);
    expect(negotiated.headers['content-language']).toBe('nb');
    expect(Buffer.compare(negotiated.body as Buffer, pdf)).toBe(0);
  });

  it('fills the field map and the AcroForm fields, flattened, with the bundled font', async () => {
    const text = await pdfText(pdf);
    expect(text).toContain('OFFISIELT SKJEMA FOR PRØVE');
    expect(text).toContain('991 825 827');
    expect(text).toContain(names.nb);
    expect(text).toContain(`/ ${caseId}`);
    expect(text).toContain('Kari Nordmann');
    const info = await pdfInfo(pdf);
    expect(info.Form).toBe('none');
    expect(info.Pages).toBe('2');
    expect(await qpdfCheck(pdf)).toContain('No syntax or stream encoding errors');
  });

  it('gets the same QR codes, references and archival metadata as the HTML documents', async () => {
    const text = await pdfText(pdf);
    expect(text).toMatch(/EFM-[0-9A-Z]{4}-[0-9A-Z]{4} · side 1\/2/);
    expect(text).toMatch(/EFM-[0-9A-Z]{4}-[0-9A-Z]{4} · side 2\/2/);
    const [code] = await readQrCodes(pdf, 2);
    const decoded = service.documents.verifyPageCode(code!);
    expect(decoded).toMatchObject({ ok: true, code: { caseId, templateId: 'dpv-official', templateVersion: 3, page: 2, pageCount: 2 } });
    const info = await pdfInfo(pdf);
    expect(info.Title).toBe(`Offisielt DPV-skjema – ${names.nb}`);
    expect(info.Author).toBe(names.nb);
    const raw = await qdf(pdf);
    expect(raw).toContain('<pdfaid:part>2</pdfaid:part>');
    expect(raw).toMatch(/\/S \/GTS_PDFA1/);
    expect(pdf.subarray(0, 8).toString('latin1')).toBe('%PDF-1.7');
  });

  it('is deterministic and cached, and never starts a browser', async () => {
    const record = (await service.cases.findById(caseId))!;
    const again = await service.documents.render(record, 'dpv-official', 'nb', { cache: false });
    expect(Buffer.compare(Buffer.from(again.bytes), pdf)).toBe(0);
    const cached = await service.documents.render(record, 'dpv-official', 'nb');
    expect(cached.fromCache).toBe(true);
    expect(service.documents.poolStats().launches).toBe(0);
  });
});

describe('template registry', () => {
  it('ships the three documents, each in nb, nn and en, without raw output', () => {
    const registry = loadTemplates(SHIPPED);
    expect(registry.all().map((t) => [t.id, t.kind, t.locales])).toEqual([
      ['order-form', 'html', ['nb', 'nn', 'en']],
      ['dpv-terms', 'html', ['nb', 'nn', 'en']],
      ['ks-cover-letter', 'html', ['nb', 'nn', 'en']],
    ]);
    const sources = readdirSync(SHIPPED, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.hbs'));
    expect(sources.length).toBeGreaterThanOrEqual(11);
    for (const file of sources) expect(readFileSync(path.join(SHIPPED, file), 'utf8'), file).not.toMatch(/\{\{\{|\{\{~?\s*&/);
  });

  it('refuses a template with triple-stash (unescaped) output', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'bad'));
    const meta = { id: 'bad', kind: 'html', version: 1, step: 'order-form', title: { nb: 'x', nn: 'x', en: 'x' }, subject: { nb: 'x', nn: 'x', en: 'x' }, fileName: { nb: 'x', nn: 'x', en: 'x' } };
    writeFileSync(path.join(dir, 'bad', 'template.json'), JSON.stringify(meta));
    for (const locale of ['nb', 'nn', 'en']) writeFileSync(path.join(dir, 'bad', `${locale}.hbs`), '<p>{{agency.name}}</p>');
    expect(() => loadTemplates(dir)).not.toThrow();
    writeFileSync(path.join(dir, 'bad', 'nn.hbs'), '<p>{{{agency.name}}}</p>');
    expect(() => loadTemplates(dir)).toThrow(/raw \(unescaped\) output/);
    writeFileSync(path.join(dir, 'bad', 'nn.hbs'), '<p>{{& agency.name}}</p>');
    expect(() => loadTemplates(dir)).toThrow(TemplateError);
    writeFileSync(path.join(dir, 'bad', 'nn.hbs'), '<p>{{#if x}}</p>');
    expect(() => loadTemplates(dir)).toThrow(TemplateError);
  });

  it('refuses an overlay that names an unknown fact or a missing form field, at start', async () => {
    const unknownFact = await overlayTemplatesDir(overlayMeta({ fields: [{ page: 1, x: 0, y: 0, width: 10, height: 10, field: 'agency.shoeSize' }] }));
    await expect(startTestService({ env: { TEMPLATES_DIR: unknownFact } })).rejects.toThrow(/unknown fact "agency.shoeSize"/);
  });
});

describe('configuration', () => {
  it('defaults the pool to one page per CPU, a queue of twice that, Debian\'s Chromium headless shell and the shipped templates', () => {
    const config = loadConfig({});
    // scripts/setup.sh installs chromium-headless-shell; without it the full browser is used.
    expect(defaultChromiumPath()).toBe('/usr/lib/chromium/chromium-headless-shell');
    expect(isHeadlessShell(defaultChromiumPath())).toBe(true);
    expect(isHeadlessShell('/usr/bin/chromium')).toBe(false);
    expect(isHeadlessShell('/opt/chrome-headless-shell/linux64/chrome-headless-shell')).toBe(true);
    expect(config.documents).toMatchObject({
      chromiumPath: '/usr/lib/chromium/chromium-headless-shell',
      poolSize: os.availableParallelism(),
      queueLimit: 2 * os.availableParallelism(),
      timeoutMs: 30_000,
      recycleAfter: 100,
      templatesDir: SHIPPED,
    });
    const custom = loadConfig({ CHROMIUM_PATH: '/opt/chrome', RENDER_POOL_SIZE: '3', RENDER_TIMEOUT_MS: '5000', RENDER_RECYCLE_AFTER: '7', TEMPLATES_DIR: 'x' });
    expect(custom.documents).toMatchObject({ chromiumPath: '/opt/chrome', poolSize: 3, queueLimit: 6, timeoutMs: 5000, recycleAfter: 7, templatesDir: path.resolve('x') });
    expect(() => loadConfig({ RENDER_POOL_SIZE: '0' })).toThrow(ConfigError);
  });
});

describe('document MAC key', () => {
  it('takes DOCUMENT_SECRET (at least 32 bytes, hex or base64)', async () => {
    const hex = 'ab'.repeat(32);
    const service = await startTestService({ env: { DOCUMENT_SECRET: hex } });
    try {
      expect(service.documentKey.equals(Buffer.from(hex, 'hex'))).toBe(true);
    } finally {
      await service.dispose();
    }
    expect(() => loadConfig({ DOCUMENT_SECRET: 'ab'.repeat(16) })).toThrow(ConfigError);
    expect(() => loadConfig({ DOCUMENT_SECRET: Buffer.alloc(40, 7).toString('base64') })).not.toThrow();
  });

  it('generates a key once and keeps it across restarts, and /readyz needs no browser', async () => {
    const database = await createTestDatabase();
    const first = await startTestService({ database });
    const key = Buffer.from(first.documentKey);
    expect(key.length).toBeGreaterThanOrEqual(32);
    const ready = await request(first.app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(first.documents.poolStats().launches).toBe(0);
    const openapi = await request(first.app).get('/openapi.json');
    expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/api/cases/{id}/documents', '/api/cases/{id}/documents/{docId}.pdf']));
    const metrics = await request(first.app).get('/metrics');
    expect(metrics.text).toContain('efm_render_queue_length');
    await first.close();
    const second = await startTestService({ database });
    try {
      expect(second.documentKey.equals(key)).toBe(true);
    } finally {
      await second.dispose();
    }
  });
});
