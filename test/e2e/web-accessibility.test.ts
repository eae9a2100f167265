import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN } from '../support/service.js';
import { seriousViolations, startE2E, tabTo, type E2E } from './browser.js';

let e2e: E2E;
let page: Page;
const SCREENSHOTS = path.resolve('docs/screenshots');

beforeAll(async () => {
  e2e = await startE2E();
  page = await e2e.browser.newPage();
  await page.setViewport({ width: 1100, height: 900 });
}, 60_000);
afterAll(async () => {
  await e2e?.close();
});

async function expectAccessible(name: string) {
  const violations = await seriousViolations(page);
  expect(violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`), name).toEqual([]);
}

const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

describe('web app in real Chromium', () => {
  it('the start page and the empty form have no serious accessibility violations, in every language', async () => {
    for (const lang of ['nb', 'nn', 'en']) {
      await page.goto(`${e2e.baseUrl}/?lang=${lang}`);
      expect(await page.$eval('html', (el) => el.lang)).toBe(lang);
      await expectAccessible(`home ${lang}`);
    }
    await page.goto(`${e2e.baseUrl}/?lang=nb`);
    await shot('start');
    await page.goto(`${e2e.baseUrl}/register`);
    await expectAccessible('register');
  });

  it('shows a bad organisation number next to the field, with a summary that links to it', async () => {
    await page.goto(`${e2e.baseUrl}/register`);
    await page.type('#f-organizationNumber', '123456789');
    await page.click('button[type=submit]');
    await page.waitForSelector('#error-summary');
    const fieldError = await page.$eval('#f-organizationNumber-error', (el) => el.textContent ?? '');
    expect(fieldError).toMatch(/Organisasjonsnummeret er ikke gyldig/);
    expect(await page.$eval('#f-organizationNumber', (el) => el.getAttribute('aria-invalid'))).toBe('true');
    expect(await page.$eval('#f-organizationNumber', (el) => (el as HTMLInputElement).value)).toBe('123456789');
    const href = await page.$eval('#error-summary a', (el) => el.getAttribute('href'));
    expect(href).toBe('#f-organizationNumber');
    await expectAccessible('register with errors');
    await shot('register-errors');
  });

  it('completes the registration with the keyboard alone, then shows the secret link once', async () => {
    await page.goto(`${e2e.baseUrl}/register`);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const type = async (name: string, text: string) => {
      await tabTo(page, `[name="${name}"]`);
      await page.keyboard.type(text);
    };
    await type('organizationNumber', '974 760 673');
    await type('names.nb', 'Registerenheten i Brønnøysund');
    await type('names.nn', 'Registereininga i Brønnøysund');
    await type('names.en', 'The Brønnøysund Register Centre');
    await type('names.acronym', 'BRREG');
    // Sector stays "state"; environment radio: "test" is pre-selected.
    for (const service of ['DPO', 'DPV']) {
      await tabTo(page, `[name="services"][value="${service}"]`);
      await page.keyboard.press('Space');
    }
    await type('dpvIpAddresses', '192.0.2.10');
    for (const [prefix, name, email, mobile] of [
      ['technicalContact', 'Kari Nordmann', 'kari@example.no', '91234567'],
      ['archiveContact', 'Ola Nordmann', 'ola@example.no', '41234567'],
      ['notificationContact', 'Varsel Digdir', 'varsel@example.no', '+47 912 34 568'],
    ] as const) {
      await type(`${prefix}.name`, name);
      await type(`${prefix}.email`, email);
      await type(`${prefix}.mobile`, mobile);
    }
    await type('invoice.email', 'faktura@example.no');
    await type('caseArchiveSystem.product', 'Public 360');
    await tabTo(page, 'button[type=submit]');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(await page.$eval('h1', (el) => el.textContent)).toBe('Saken er opprettet');
    await expectAccessible('created');
    await shot('case-created');
    const link = await page.$eval('#case-link', (el) => (el as HTMLInputElement).value);
    expect(link).toMatch(/\/c\/[0-9a-f-]{36}\/[A-Za-z0-9_-]{43}$/);

    await page.goto(link);
    expect(new URL(page.url()).pathname).toMatch(/^\/case\/[0-9a-f-]{36}$/);
    expect(page.url()).not.toContain(link.split('/').pop()!);
    expect(await page.$eval('h1', (el) => el.textContent)).toContain('Registerenheten i Brønnøysund');
    await expectAccessible('case page');
    await shot('case');
  });

  it('servicedesk pages are accessible', async () => {
    await page.goto(`${e2e.baseUrl}/admin/login`);
    await expectAccessible('admin login');
    await page.type('#f-token', ADMIN_TOKEN);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    expect(new URL(page.url()).pathname).toBe('/admin');
    await expectAccessible('admin list');
    await shot('admin-cases');
    await Promise.all([page.waitForNavigation(), page.click('table a')]);
    await expectAccessible('admin case');
    await shot('admin-case');
  });
});

describe('the whole journey in real Chromium', () => {
  it('register, download the DPV terms, upload a signed scan of them, submit the certificate, servicedesk approves, the agency sees it', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, writeFileSync, readdirSync } = await import('node:fs');
    const os = await import('node:os');
    const journey = await e2e.browser.createBrowserContext();
    const agency = await journey.newPage();
    // A browser set to Norwegian: the pages follow Accept-Language (downloading a document in another language changes nothing).
    await agency.setExtraHTTPHeaders({ 'Accept-Language': 'nb-NO,nb;q=0.9,en;q=0.5' });
    await agency.setViewport({ width: 1100, height: 900 });
    await agency.goto(`${e2e.baseUrl}/register`);
    const fill = async (name: string, text: string) => agency.type(`[name="${name}"]`, text);
    await fill('organizationNumber', '991825827');
    await fill('names.nb', 'Digitaliseringsdirektoratet');
    await fill('names.nn', 'Digitaliseringsdirektoratet');
    await fill('names.en', 'Norwegian Digitalisation Agency');
    await fill('names.acronym', 'DIGDIR');
    await agency.click('[name="services"][value="DPO"]');
    await agency.click('[name="services"][value="DPV"]');
    await fill('dpvIpAddresses', '192.0.2.10');
    for (const prefix of ['technicalContact', 'archiveContact', 'notificationContact']) {
      await fill(`${prefix}.name`, 'Kari Nordmann');
      await fill(`${prefix}.email`, 'kari@example.no');
      await fill(`${prefix}.mobile`, '91234567');
    }
    await fill('invoice.email', 'faktura@example.no');
    await fill('caseArchiveSystem.product', 'Elements');
    await Promise.all([agency.waitForNavigation(), agency.click('button[type=submit]')]);
    const link = await agency.$eval('#case-link', (el) => (el as HTMLInputElement).value);
    await agency.goto(link);
    const casePath = new URL(agency.url()).pathname;

    // Download the prefilled DPV terms (the same request the download button makes, with the case cookie).
    const href = await agency.$eval('a[href*="/documents/dpv-terms.pdf?lang=nb"]', (a) => (a as HTMLAnchorElement).href);
    const pdfBase64 = await agency.evaluate(async (url) => {
      const response = await fetch(url);
      const bytes = new Uint8Array(await response.arrayBuffer());
      let binary = '';
      for (const b of bytes) binary += String.fromCharCode(b);
      return btoa(binary);
    }, href);
    const pdf = Buffer.from(pdfBase64, 'base64');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');

    // Print, sign and scan: rasterise every page at 150 dpi in grey and upload the scan as a multi-page image PDF.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'efm-journey-'));
    writeFileSync(path.join(dir, 'dpv.pdf'), pdf);
    execFileSync('pdftoppm', ['-r', '150', '-gray', '-jpeg', path.join(dir, 'dpv.pdf'), path.join(dir, 'page')]);
    const pages = readdirSync(dir).filter((f) => f.startsWith('page')).sort().map((f) => path.join(dir, f));
    const { PDFDocument } = await import('@cantoo/pdf-lib');
    const scan = await PDFDocument.create();
    const { readFileSync } = await import('node:fs');
    for (const file of pages) {
      const image = await scan.embedJpg(readFileSync(file));
      scan.addPage([image.width * 0.48, image.height * 0.48]).drawImage(image, { x: 0, y: 0, width: image.width * 0.48, height: image.height * 0.48 });
    }
    writeFileSync(path.join(dir, 'scan.pdf'), await scan.save());
    const fileInput = await agency.$('#f-file');
    await (fileInput as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(path.join(dir, 'scan.pdf'));
    await Promise.all([agency.waitForNavigation({ timeout: 120_000 }), agency.click('form[action$="/uploads"] button[type=submit]')]);
    const uploadText = await agency.$eval('li[id^="upload-"]', (el) => el.textContent ?? '');
    expect(uploadText).toMatch(/Komplett/);
    expect(uploadText).toMatch(/Sider funnet: 1, 2/);
    await expectAccessibleOn(agency, 'case page with upload');

    // Submit the certificate: Digdir's real Commfides test certificate (valid until 2028) for a test case.
    const certInput = await agency.$('#f-certificate');
    await (certInput as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(path.resolve('test/fixtures/real-certs/commfides-test-g3-digdir-auth-valid-2028.pem'));
    await Promise.all([agency.waitForNavigation(), agency.click('form[action$="/certificates"] button[type=submit]')]);
    const certificateText = await agency.$eval('#certificate-result', (el) => el.textContent ?? '');
    expect(certificateText).toMatch(/Godkjent/);
    expect(certificateText).not.toMatch(/Feil/);
    await expectAccessibleOn(agency, 'case page with certificate result');
    await agency.screenshot({ path: path.join(SCREENSHOTS, 'case-journey.png'), fullPage: true });

    // Servicedesk approves the upload, then the certificate.
    const desk = await journey.newPage();
    await desk.setExtraHTTPHeaders({ 'Accept-Language': 'nb-NO,nb;q=0.9' });
    await desk.goto(`${e2e.baseUrl}/admin/login`);
    await desk.type('#f-token', ADMIN_TOKEN);
    await Promise.all([desk.waitForNavigation(), desk.click('button[type=submit]')]);
    await desk.goto(`${e2e.baseUrl}/admin/cases/${casePath.split('/').pop()}`);
    await desk.setViewport({ width: 1100, height: 900 });
    await desk.screenshot({ path: path.join(SCREENSHOTS, 'admin-case-journey.png'), fullPage: true });
    await expectAccessibleOn(desk, 'servicedesk case with an upload and a certificate to decide on');
    await Promise.all([desk.waitForNavigation(), desk.click('li[id^="upload-"] input[name="decision"][value="approve"] ~ button')]);
    await expectAccessibleOn(desk, 'servicedesk case with decision');
    await Promise.all([desk.waitForNavigation(), desk.click('li[id^="certificate-"] input[name="decision"][value="approve"] ~ button')]);
    expect(await desk.$$('li[id^="certificate-"] form')).toHaveLength(0);

    // The agency sees the decision and the step done.
    await agency.goto(`${e2e.baseUrl}${casePath}`);
    const text = await agency.$eval('main', (el) => el.textContent ?? '');
    expect(text.match(/Godkjent av servicedesk/g)).toHaveLength(2);
    expect(await agency.$eval('.checklist li:nth-child(3) .badge', (el) => el.textContent)).toBe('Fullført');
    expect(await agency.$eval('.checklist li:nth-child(5) .badge', (el) => el.textContent)).toBe('Fullført');
    await journey.close();
  }, 240_000);

  it('a wrong file type is shown next to the upload field', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const os = await import('node:os');
    const context = await e2e.browser.createBrowserContext();
    const agency = await context.newPage();
    const created = await fetch(`${e2e.baseUrl}/api/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify((await import('../support/fixtures.js')).validRegistration({ organizationNumber: '123456785' })),
    }).then((r) => r.json() as Promise<{ id: string; accessToken: string }>);
    await agency.goto(`${e2e.baseUrl}/c/${created.id}/${created.accessToken}`);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'efm-wrong-'));
    writeFileSync(path.join(dir, 'notes.pdf'), 'This is a text file pretending to be a PDF.');
    const input = await agency.$('#f-file');
    await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(path.join(dir, 'notes.pdf'));
    await Promise.all([agency.waitForNavigation(), agency.click('form[action$="/uploads"] button[type=submit]')]);
    expect(await agency.$eval('#f-file-error', (el) => el.textContent ?? '')).toMatch(/PDF, JPEG, PNG/);
    expect(await agency.$eval('#f-file', (el) => el.getAttribute('aria-invalid'))).toBe('true');
    await expectAccessibleOn(agency, 'upload error');
    await context.close();
  }, 60_000);
});

async function expectAccessibleOn(target: Page, name: string) {
  const violations = await seriousViolations(target);
  expect(violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`), name).toEqual([]);
}
