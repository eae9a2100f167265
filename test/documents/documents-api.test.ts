import { createHash } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentRenderer } from '../../src/documents/documents.js';
import { formatReference } from '../../src/documents/reference.js';
import { formatDate } from '../../src/documents/view-model.js';
import { validRegistration } from '../support/fixtures.js';
import { startTestService, type TestService } from '../support/service.js';
import { binary, connectionCounter, pdfFonts, pdfInfo, pdfText, qdf, qpdfCheck, readQrCodes } from './helpers.js';

/**
 * The documents API end to end on one service (one Chromium for the file):
 * listing, every document in every language checked with pdftotext, QR codes
 * read back from a rasterised page, PDF/A structure, determinism and the cache.
 */
let service: TestService;

const SAMI_NAMES = { nb: 'Sámediggi – Sametinget', nn: 'Sámediggi – Sametinget nynorsk', en: 'Sámediggi – the Sami Parliament', acronym: 'SD' };
const ORG_PRINTED = '991 825 827';

async function register(body: Record<string, unknown>): Promise<{ id: string; auth: string }> {
  const created = await request(service.app).post('/api/cases').send(body);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { id: created.body.id as string, auth: `Bearer ${created.body.accessToken as string}` };
}

function download(c: { id: string; auth: string }, doc: string, lang: string, headers: Record<string, string> = {}) {
  let req = request(service.app).get(`/api/cases/${c.id}/documents/${doc}.pdf?lang=${lang}`).set('Authorization', c.auth);
  for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
  return req.buffer(true).parse(binary);
}

let stateCase: { id: string; auth: string };
const pdfs = new Map<string, Buffer>();

beforeAll(async () => {
  service = await startTestService();
  stateCase = await register(validRegistration({ names: SAMI_NAMES, services: ['DPO', 'DPV', 'DPF'] }));
  // Every document in every language, once; the tests below read from this map.
  for (const doc of ['order-form', 'dpv-terms', 'ks-cover-letter']) {
    for (const lang of ['nb', 'nn', 'en']) {
      const res = await download(stateCase, doc, lang);
      expect(res.status, res.body.toString()).toBe(200);
      pdfs.set(`${doc}/${lang}`, res.body as Buffer);
    }
  }
}, 120_000);

afterAll(async () => {
  await service?.dispose();
});

describe('listing', () => {
  it('lists the documents the checklist calls for, with a URL per language', async () => {
    const res = await request(service.app).get(`/api/cases/${stateCase.id}/documents`).set('Authorization', stateCase.auth);
    expect(res.status).toBe(200);
    expect(res.body.documents.map((d: { id: string }) => d.id)).toEqual(['order-form', 'dpv-terms', 'ks-cover-letter']);
    const dpv = res.body.documents[1];
    expect(dpv).toMatchObject({ step: 'dpv-terms', version: 1, locales: ['nb', 'nn', 'en'] });
    expect(dpv.urls.nn).toBe(`/api/cases/${stateCase.id}/documents/dpv-terms.pdf?lang=nn`);
  });

  it('answers 404 without the case token, as for the case itself', async () => {
    const list = await request(service.app).get(`/api/cases/${stateCase.id}/documents`).set('Authorization', 'Bearer wrong-token');
    expect(list.status).toBe(404);
    const pdf = await request(service.app).get(`/api/cases/${stateCase.id}/documents/order-form.pdf?lang=nb`);
    expect(pdf.status).toBe(404);
    expect(pdf.headers['content-type']).toContain('application/problem+json');
  });

  it('leaves out DPV terms for a case without DPV and answers 404 with the reason', async () => {
    const c = await register(
      validRegistration({ organizationNumber: '974760673', names: { nb: 'Registerenheten', nn: 'Registereininga', en: 'Register Unit', acronym: 'RE' }, services: ['DPO'], dpvIpAddresses: undefined }),
    );
    const list = await request(service.app).get(`/api/cases/${c.id}/documents`).set('Authorization', c.auth);
    expect(list.body.documents.map((d: { id: string }) => d.id)).toEqual(['order-form']);
    const res = await request(service.app).get(`/api/cases/${c.id}/documents/dpv-terms.pdf?lang=nb`).set('Authorization', c.auth);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('document-not-applicable');
    expect(res.body.detail).toContain('DPV er ikke valgt');
    const en = await request(service.app).get(`/api/cases/${c.id}/documents/ks-cover-letter.pdf?lang=en`).set('Authorization', c.auth).set('Accept-Language', 'en');
    expect(en.status).toBe(404);
    expect(en.body.detail).toContain('DPF is not chosen');
  });

  it('says why an Altinn service owner gets no DPV terms', async () => {
    const c = await register(validRegistration({ organizationNumber: '123456785', altinnServiceOwner: true }));
    const res = await request(service.app).get(`/api/cases/${c.id}/documents/dpv-terms.pdf?lang=nn`).set('Authorization', c.auth).set('Accept-Language', 'nn');
    expect(res.status).toBe(404);
    expect(res.body.detail).toContain('tenesteeigar i Altinn');
  });

  it('answers 404 for an unknown document and 400 for an unknown language', async () => {
    const unknown = await request(service.app).get(`/api/cases/${stateCase.id}/documents/nope.pdf?lang=nb`).set('Authorization', stateCase.auth);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('document-not-found');
    const lang = await request(service.app).get(`/api/cases/${stateCase.id}/documents/order-form.pdf?lang=se`).set('Authorization', stateCase.auth);
    expect(lang.status).toBe(400);
    expect(lang.body.errors[0].path).toBe('lang');
  });
});

describe('content', () => {
  it('fills every document in every language with the case facts (pdftotext)', async () => {
    // The printed date is the case's, not the clock's.
    const createdAt = (await service.cases.findById(stateCase.id))!.createdAt;
    for (const [key, pdf] of pdfs) {
      const [doc, lang] = key.split('/') as [string, 'nb' | 'nn' | 'en'];
      const text = await pdfText(pdf);
      expect(text, key).toContain(SAMI_NAMES[lang]);
      expect(text, key).toContain(ORG_PRINTED);
      expect(text, key).toContain(stateCase.id);
      expect(text, key).toMatch(/EFM-[0-9A-Z]{4}-[0-9A-Z]{4} · (side|page) 1\/\d/);
      if (lang === 'nn') expect(text, `${key} in nynorsk`).toMatch(/ikkje|verksemd|Namn|opplysingar|følgje/);
      if (lang === 'nb') expect(text, key).not.toMatch(/ikkje|verksemda/);
      if (doc === 'order-form') {
        for (const fact of ['kari@digdir.no', 'ola@digdir.no', 'varsling@digdir.no', '+47 912 34 567', 'Public 360', 'eFormidling-modul', '192.0.2.10', '2001:db8::/64', 'EFM-2026', 'faktura@digdir.no', 'Postboks 1382 Vika', '(SD)'.slice(1, 3), 'servicedesk@digdir.no', formatDate(createdAt, lang)]) {
          expect(text, `${key}: ${fact}`).toContain(fact);
        }
      }
    }
  });

  it('ends the DPV terms with the signature block and where to send them', async () => {
    const nb = await pdfText(pdfs.get('dpv-terms/nb')!);
    for (const line of ['Org.nr.', 'Forvaltningsorganets navn', 'Sted/dato', 'Signatur', 'Navn (blokkbokstaver)', 'firmapost@brreg.no', 'tjenesteeiere i Altinn, trenger ikke signere']) {
      expect(nb).toContain(line);
    }
    const nn = await pdfText(pdfs.get('dpv-terms/nn')!);
    expect(nn).toContain('Namn (blokkbokstavar)');
    expect(nn).toContain('treng ikkje signere');
    expect(nn.replace(/\s+/g, ' ')).toContain('send skanninga til firmapost@brreg.no');
    const en = (await pdfText(pdfs.get('dpv-terms/en')!)).replace(/\s+/g, ' ');
    for (const line of ['Name (block capitals)', 'send the scan to firmapost@brreg.no', 'Altinn service owners need not sign']) expect(en).toContain(line);
    expect((await pdfInfo(pdfs.get('dpv-terms/nb')!)).Pages).toBe('2');
  });

  it('writes the KS cover letter in every language: one PDF of the agreement and all 7 annexes, annex 4 naming the local administrator, servicedesk in copy, the fee note for state agencies only', async () => {
    const flat = async (key: string) => (await pdfText(pdfs.get(key)!)).replace(/\s+/g, ' ');
    const expected: Record<'nb' | 'nn' | 'en', string[]> = {
      nb: ['alle de 7 bilagene', 'til én PDF-fil', 'Bilag 4 navngir den lokale administratoren', 'servicedesk@digdir.no står på kopi', 'dekker tilknytningsavgiften'],
      nn: ['alle dei 7 bilaga', 'til éi PDF-fil', 'Bilag 4 namngir den lokale administratoren', 'servicedesk@digdir.no står på kopi', 'dekkjer tilknytingsavgifta'],
      en: ['all 7 annexes', 'into one PDF file', 'Annex 4 names the local administrator', 'servicedesk@digdir.no is in copy', 'covers the KS connection fee'],
    };
    for (const [lang, phrases] of Object.entries(expected)) {
      const text = await flat(`ks-cover-letter/${lang}`);
      for (const phrase of phrases) expect(text, `ks-cover-letter/${lang}: ${phrase}`).toContain(phrase);
    }
    const municipality = await register(validRegistration({ organizationNumber: '964338531', sector: 'municipality', names: { nb: 'Oslo kommune', nn: 'Oslo kommune', en: 'City of Oslo', acronym: 'OK' } }));
    for (const [lang, fee] of [['nb', 'tilknytningsavgift'], ['nn', 'tilknytingsavgift'], ['en', 'connection fee']] as const) {
      const res = await download(municipality, 'ks-cover-letter', lang);
      expect(res.status).toBe(200);
      const text = await pdfText(res.body as Buffer);
      expect(text).toContain(lang === 'en' ? 'City of Oslo' : 'Oslo kommune');
      expect(text, `no fee note for a municipality (${lang})`).not.toContain(fee);
    }
  });
});

describe('archival PDF', () => {
  it('is PDF/A-2b shaped: XMP with pdfaid, sRGB OutputIntent, /ID, embedded fonts, tagged, metadata', async () => {
    const pdf = pdfs.get('dpv-terms/nb')!;
    expect(pdf.subarray(0, 8).toString('latin1')).toBe('%PDF-1.7');
    expect(await qpdfCheck(pdf)).toContain('No syntax or stream encoding errors');
    const info = await pdfInfo(pdf);
    expect(info.Title).toBe(`Bruksvilkår for Altinn Digital post til virksomheter (DPV) – ${SAMI_NAMES.nb}`);
    expect(info.Author).toBe(SAMI_NAMES.nb);
    expect(info.Subject).toContain('firmapost@brreg.no');
    expect(info.Keywords).toContain('991825827');
    expect(info.Tagged).toBe('yes');
    expect(info['Metadata Stream']).toBe('yes');
    const fonts = await pdfFonts(pdf);
    expect(fonts).toContain('DejaVuSans');
    // Every font embedded (column "emb" = yes on each font line).
    const fontLines = fonts.split('\n').slice(2).filter((l) => l.trim());
    expect(fontLines.length).toBeGreaterThan(0);
    for (const line of fontLines) expect(line).toMatch(/\s+yes\s+yes\s+yes\s+\d+\s+\d+\s*$/);
    const raw = await qdf(pdf);
    expect(raw).toContain('<pdfaid:part>2</pdfaid:part>');
    expect(raw).toContain('<pdfaid:conformance>B</pdfaid:conformance>');
    expect(raw).toMatch(/\/S \/GTS_PDFA1/);
    expect(raw).toMatch(/\/DestOutputProfile \d+ 0 R/);
    expect(raw).toMatch(/\/OutputConditionIdentifier \(sRGB IEC61966-2.1\)/);
    expect(raw).toMatch(/\/ID \[\s*<[0-9a-f]{32}>\s*<[0-9a-f]{32}>\s*\]/);
    expect(raw).toMatch(/\/Lang \(nb-NO\)/);
    expect(raw).toMatch(/\/StructTreeRoot \d+ 0 R/);
    expect(raw).not.toMatch(/\/JavaScript|\/Encrypt|\/Launch/);
    // The stamp is an artifact, outside the structure tree.
    expect(raw).toContain('/Artifact BMC');
  });

  it('embeds the bundled font with Norwegian and Sámi letters', async () => {
    const c = await register(validRegistration({ organizationNumber: '889640782', names: { nb: 'Áččá Đŋš Ŧž æøå ÆØÅ', nn: 'Áččá Đŋš Ŧž nn', en: 'Áččá Đŋš Ŧž en', acronym: 'AD' } }));
    const res = await download(c, 'order-form', 'nb');
    expect(await pdfText(res.body as Buffer)).toContain('Áččá Đŋš Ŧž æøå ÆØÅ');
    expect(await pdfFonts(res.body as Buffer)).toMatch(/DejaVuSans\s+CID TrueType\s+Identity-H\s+yes yes yes/);
  });
});

describe('traceability', () => {
  it('carries on every page a QR code that scans back to this document and page, with a valid MAC', async () => {
    const pdf = pdfs.get('dpv-terms/nn')!;
    const documentId = (await service.issuedDocuments.findBySha256(createHash('sha256').update(pdf).digest('hex')))!.id;
    const text = await pdfText(pdf);
    for (const page of [1, 2]) {
      const codes = await readQrCodes(pdf, page);
      expect(codes, `page ${page}`).toHaveLength(1);
      const decoded = service.documents.verifyPageCode(codes[0]!);
      expect(decoded).toEqual({
        ok: true,
        code: { documentId, caseId: stateCase.id, templateId: 'dpv-terms', templateVersion: 1, page, pageCount: 2 },
      });
      expect(text).toContain(`${formatReference(documentId)} · side ${page}/2`);
    }
  });

  it('puts a valid QR code and reference on every page of every document in every language', async () => {
    for (const [key, pdf] of pdfs) {
      const [templateId, lang] = key.split('/') as [string, 'nb' | 'nn' | 'en'];
      const record = (await service.issuedDocuments.findBySha256(createHash('sha256').update(pdf).digest('hex')))!;
      const pageCount = Number((await pdfInfo(pdf)).Pages);
      expect(record.pageCount, key).toBe(pageCount);
      const text = await pdfText(pdf);
      for (let page = 1; page <= pageCount; page++) {
        const codes = await readQrCodes(pdf, page);
        expect(codes, `${key} page ${page}`).toHaveLength(1);
        expect(service.documents.verifyPageCode(codes[0]!), `${key} page ${page}`).toEqual({
          ok: true,
          code: { documentId: record.id, caseId: stateCase.id, templateId, templateVersion: 1, page, pageCount },
        });
        expect(text, `${key} page ${page}`).toContain(`${formatReference(record.id)} · ${lang === 'en' ? 'page' : 'side'} ${page}/${pageCount}`);
      }
    }
  }, 60_000);

  it('detects a forged or altered code', async () => {
    const [code] = await readQrCodes(pdfs.get('order-form/en')!, 1);
    const parts = code!.split('.');
    const otherPage = [...parts.slice(0, 5), '2', ...parts.slice(6)].join('.');
    expect(service.documents.verifyPageCode(otherPage)).toEqual({ ok: false, reason: 'bad-mac' });
    const otherCase = code!.replace(stateCase.id.toUpperCase(), '00000000-0000-4000-8000-000000000000');
    expect(service.documents.verifyPageCode(otherCase)).toEqual({ ok: false, reason: 'bad-mac' });
  });

  it('records each issued document (id, case, template, version, locale, sha256, pages)', async () => {
    const issued = await service.issuedDocuments.listForCase(stateCase.id);
    expect(issued).toHaveLength(9);
    const pdf = pdfs.get('ks-cover-letter/en')!;
    const record = issued.find((d) => d.templateId === 'ks-cover-letter' && d.locale === 'en')!;
    expect(record).toMatchObject({ caseId: stateCase.id, templateVersion: 1, sha256: createHash('sha256').update(pdf).digest('hex') });
    expect(String(record.pageCount)).toBe((await pdfInfo(pdf)).Pages);
  });
});

describe('determinism and cache', () => {
  it('serves a repeat download byte-identical from the cache, with ETag and If-None-Match', async () => {
    const first = pdfs.get('order-form/nb')!;
    const again = await download(stateCase, 'order-form', 'nb');
    expect(again.status).toBe(200);
    expect(again.headers['x-cache']).toBe('hit');
    expect(Buffer.compare(again.body as Buffer, first)).toBe(0);
    const etag = again.headers.etag as string;
    expect(etag).toBe(`"${createHash('sha256').update(first).digest('hex')}"`);
    expect(again.headers['content-type']).toBe('application/pdf');
    expect(again.headers['content-disposition']).toMatch(/^attachment; filename="?bestilling-eformidling-991825827-EFM-[0-9A-Z]{4}-[0-9A-Z]{4}\.pdf"?$/);
    const notModified = await download(stateCase, 'order-form', 'nb', { 'If-None-Match': etag });
    expect(notModified.status).toBe(304);
    const stale = await download(stateCase, 'order-form', 'nb', { 'If-None-Match': '"0000"' });
    expect(stale.status).toBe(200);
  });

  it('hands the delivery outbox the same issued bytes (documentRenderer)', async () => {
    const bytes = await documentRenderer(service.cases, service.documents)(stateCase.id, 'order-form', 'nb');
    expect(Buffer.compare(bytes, pdfs.get('order-form/nb')!)).toBe(0);
  });

  it('makes one document when the same new document is asked for twice at once', async () => {
    const c = await register(validRegistration({ organizationNumber: '983887457', names: { nb: 'Samtidig etat', nn: 'Samtidig etat', en: 'Concurrent agency', acronym: 'SE' } }));
    const [a, b] = await Promise.all([download(c, 'order-form', 'nn'), download(c, 'order-form', 'nn')]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(Buffer.compare(a.body as Buffer, b.body as Buffer)).toBe(0);
    expect(await service.issuedDocuments.listForCase(c.id)).toHaveLength(1);
  });

  it('renders the same bytes again from scratch (same case data, template version and locale)', async () => {
    const record = (await service.cases.findById(stateCase.id))!;
    for (const key of ['dpv-terms/nb', 'order-form/en']) {
      const [doc, lang] = key.split('/') as [string, 'nb' | 'en'];
      const fresh = await service.documents.render(record, doc, lang, { cache: false });
      expect(fresh.fromCache).toBe(false);
      expect(Buffer.compare(Buffer.from(fresh.bytes), pdfs.get(key)!), key).toBe(0);
    }
  });
});

describe('markup in the facts', () => {
  it('prints markup in an agency name as text and never fetches from it', async () => {
    const listener = await connectionCounter();
    try {
      const hostile = `<script>alert(1)</script><img src="http://127.0.0.1:${listener.port}/x"> {{agency.nb}}`;
      const c = await register(validRegistration({ organizationNumber: '971526920', names: { nb: hostile, nn: hostile, en: hostile, acronym: 'XSS' } }));
      const res = await download(c, 'dpv-terms', 'nb');
      expect(res.status).toBe(200);
      const text = (await pdfText(res.body as Buffer)).replace(/\s+/g, ' ');
      expect(text).toContain('<script>alert(1)</script>');
      expect(text).toContain(`<img src="http://127.0.0.1:${listener.port}/x">`);
      expect(text).toContain('{{agency.nb}}');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(listener.connections()).toBe(0);
      // The XMP stays well-formed: the name is escaped there too.
      expect(await qdf(res.body as Buffer)).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    } finally {
      await listener.close();
    }
  });
});
