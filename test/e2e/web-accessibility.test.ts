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
    await type('organizationNumber', '991 825 827');
    await type('names.nb', 'Digitaliseringsdirektoratet');
    await type('names.nn', 'Digitaliseringsdirektoratet');
    await type('names.en', 'Norwegian Digitalisation Agency');
    await type('names.acronym', 'DIGDIR');
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
    expect(await page.$eval('h1', (el) => el.textContent)).toContain('Digitaliseringsdirektoratet');
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
