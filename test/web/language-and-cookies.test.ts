import { readFileSync } from 'node:fs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validRegistration } from '../support/fixtures.js';
import { ADMIN_TOKEN, startTestService, type TestService } from '../support/service.js';
import { adminAgent, csrfOf, decodeAttributes } from './support.js';

/**
 * The language switch on every page (links to nb, nn and en; <html lang> follows the
 * choice), and the Secure flag on every cookie the web app sets when the request came
 * over https through a trusted proxy, never over plain http.
 */

type Locale = 'nb' | 'nn' | 'en';
const LOCALES: Locale[] = ['nb', 'nn', 'en'];
const catalog = Object.fromEntries(LOCALES.map((l) => [l, JSON.parse(readFileSync(`src/web/locales/${l}.json`, 'utf8')) as Record<string, string>])) as Record<
  Locale,
  Record<string, string>
>;
/** As Handlebars escapes text. */
const escape = (s: string) => s.replace(/[&<>"'`=]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '`': '&#x60;', '=': '&#x3D;' })[c]!);
const setCookies = (res: request.Response): string[] => (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
const cookieNamed = (res: request.Response, name: string) => setCookies(res).find((c) => c.startsWith(`${name}=`));
const cookiePair = (setCookie: string) => setCookie.split(';')[0]!;
const attributes = (setCookie: string) => setCookie.split(';').slice(1).map((a) => a.trim().toLowerCase());

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service?.dispose();
});

async function registerCase(organizationNumber: string, app = service.app) {
  const created = await request(app).post('/api/cases').send(validRegistration({ organizationNumber }));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { id: created.body.id as string, token: created.body.accessToken as string };
}


/** The language links in the page header: code → href, and which language is marked current. */
function languageNav(html: string): { links: Record<string, string>; current: string[] } {
  const nav = /<nav[^>]*class="languages"[^>]*>([\s\S]*?)<\/nav>/.exec(html)?.[1];
  expect(nav, 'the page has a language navigation').toBeDefined();
  const links: Record<string, string> = {};
  for (const m of nav!.matchAll(/<a href="([^"]+)" lang="([a-z]+)" hreflang="([a-z]+)">/g)) {
    expect(m[3]).toBe(m[2]);
    links[m[2]!] = decodeAttributes(m[1]!);
  }
  const current = [...nav!.matchAll(/<span aria-current="true" lang="([a-z]+)">/g)].map((m) => m[1]!);
  return { links, current };
}

describe('language switch on every page', () => {
  let pages: { name: string; path: string; agent: ReturnType<typeof request.agent>; phrase: string }[];

  beforeAll(async () => {
    const kase = await registerCase('991825827');
    const caseAgent = request.agent(service.app);
    expect((await caseAgent.get(`/c/${kase.id}/${kase.token}`)).status).toBe(303);
    const admin = await adminAgent(service.app);
    // A phrase from the body of each page whose wording differs between nb, nn and en.
    pages = [
      { name: 'start', path: '/', agent: request.agent(service.app), phrase: 'home.step1.title' },
      { name: 'register', path: '/register', agent: request.agent(service.app), phrase: 'form.org.legend' },
      { name: 'case', path: `/case/${kase.id}`, agent: caseAgent, phrase: 'case.logout' },
      { name: 'servicedesk login', path: '/admin/login', agent: request.agent(service.app), phrase: 'nav.skip' },
      { name: 'servicedesk list', path: '/admin', agent: admin, phrase: 'admin.table.name' },
      { name: 'servicedesk case', path: `/admin/cases/${kase.id}`, agent: admin, phrase: 'admin.case.facts' },
    ];
  });

  it('the sample phrases really differ between the three languages', () => {
    for (const key of ['home.step1.title', 'form.org.legend', 'case.logout', 'nav.skip', 'admin.table.name', 'admin.case.facts']) {
      expect(new Set(LOCALES.map((l) => catalog[l][key])).size, key).toBe(3);
    }
  });

  for (const name of ['start', 'register', 'case', 'servicedesk login', 'servicedesk list', 'servicedesk case']) {
    it(`${name} page: links to nb, nn and en that switch the language, and <html lang> follows`, async () => {
      const page = pages.find((p) => p.name === name)!;
      const { agent, path } = page;
      // Nothing chosen yet and no Accept-Language: bokmål.
      const first = await agent.get(path);
      expect(first.status, first.text.slice(0, 500)).toBe(200);
      expect(first.text).toContain('<html lang="nb">');

      let html = first.text;
      let current: Locale = 'nb';
      // Walk nb → nn → en → nb using the links the page itself offers.
      for (const next of ['nn', 'en', 'nb'] as Locale[]) {
        const nav = languageNav(html);
        expect(nav.current, `${path} in ${current}`).toEqual([current]);
        expect(Object.keys(nav.links).sort(), `${path} in ${current}`).toEqual(LOCALES.filter((l) => l !== current).sort());
        for (const [code, href] of Object.entries(nav.links)) expect(href).toBe(`${path}?lang=${code}`);

        const switched = await agent.get(nav.links[next]!);
        expect(switched.status).toBe(303);
        expect(switched.headers.location).toBe(path);
        expect(cookieNamed(switched, 'efm_lang')).toMatch(new RegExp(`^efm_lang=${next};`));

        const after = await agent.get(path);
        expect(after.status).toBe(200);
        expect(after.text).toContain(`<html lang="${next}">`);
        expect(after.headers['content-language']).toBe(next);
        expect(after.text).toContain(escape(catalog[next][page.phrase]!));
        for (const other of LOCALES.filter((l) => catalog[l][page.phrase] !== catalog[next][page.phrase])) {
          expect(after.text, `${path} in ${next} still shows the ${other} text`).not.toContain(`>${escape(catalog[other][page.phrase]!)}<`);
        }
        html = after.text;
        current = next;
      }
    });
  }

  it('the switch on the servicedesk list keeps its filters', async () => {
    const admin = await adminAgent(service.app);
    const page = await admin.get('/admin?status=open&service=DPV');
    expect(page.status).toBe(200);
    const switched = await admin.get('/admin?status=open&service=DPV&lang=en');
    expect(switched.status).toBe(303);
    expect(switched.headers.location).toBe('/admin?status=open&service=DPV');
    expect((await admin.get(switched.headers.location as string)).text).toContain('<html lang="en">');
  });

  it('no page shows an untranslated key in any language', async () => {
    // translate() shows the key itself when a locale lacks it; none may reach a page.
    const looksLikeKey = /(?<![\w@.\/-])(?:site|nav|footer|home|form|created|case|status|event|actor|error|notfound|admin|field|documents|upload|certificate|check|lang)\.[a-z][\w-]*(?:\.[\w-]+)*/g;
    const problems: string[] = [];
    for (const page of pages) {
      for (const locale of LOCALES) {
        await page.agent.get(`${page.path}?lang=${locale}`);
        const html = (await page.agent.get(page.path)).text;
        const text = html.replace(/<[^>]+>/g, ' ');
        for (const m of text.matchAll(looksLikeKey)) problems.push(`${page.path} (${locale}): ${m[0]}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('Secure cookies over https', () => {
  let proxied: TestService;
  beforeAll(async () => {
    // Behind one reverse proxy (the test client's connection is the proxy's).
    proxied = await startTestService({ env: { TRUST_PROXY: '1' } });
  });
  afterAll(async () => {
    await proxied?.dispose();
  });

  /**
   * Goes through every place the web app sets a cookie, by hand (a cookie jar would
   * not send Secure cookies over the test's plain connection), and returns each
   * Set-Cookie header by name.
   */
  async function collectCookies(app: TestService['app'], https: boolean, organizationNumber: string) {
    const headers: Record<string, string> = https ? { 'X-Forwarded-Proto': 'https' } : {};
    const found: Record<string, string> = {};
    const keep = (res: request.Response) => {
      for (const c of setCookies(res)) found[c.slice(0, c.indexOf('='))] = c;
    };

    const lang = await request(app).get('/?lang=nn').set(headers);
    expect(lang.status).toBe(303);
    keep(lang);

    const form = await request(app).get('/register').set(headers);
    expect(form.status).toBe(200);
    keep(form);

    const created = await request(app).post('/api/cases').send(validRegistration({ organizationNumber }));
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const exchange = await request(app).get(`/c/${id}/${created.body.accessToken}`).set(headers);
    expect(exchange.status).toBe(303);
    keep(exchange);
    const caseCookie = cookiePair(cookieNamed(exchange, `efm_case_${id}`)!);

    const login = await request(app).get('/admin/login').set(headers);
    keep(login);
    const csrfCookie = cookiePair(cookieNamed(login, 'efm_csrf')!);
    const session = await request(app).post('/admin/login').set(headers).set('Cookie', csrfCookie).type('form').send({ _csrf: csrfOf(login.text), token: ADMIN_TOKEN });
    expect(session.status).toBe(303);
    keep(session);
    const adminCookie = cookiePair(cookieNamed(session, 'efm_admin')!);

    // Clearing a cookie must carry Secure as well over https (a browser ignores a plain
    // Set-Cookie that would overwrite a Secure one).
    const casePage = await request(app).get(`/case/${id}`).set(headers).set('Cookie', `${caseCookie}; ${csrfCookie}`);
    expect(casePage.status).toBe(200);
    const forget = await request(app).post(`/case/${id}/forget`).set(headers).set('Cookie', `${caseCookie}; ${csrfCookie}`).type('form').send({ _csrf: csrfOf(casePage.text) });
    expect(forget.status).toBe(303);
    const forgotten = cookieNamed(forget, `efm_case_${id}`)!;
    const adminPage = await request(app).get('/admin').set(headers).set('Cookie', `${adminCookie}; ${csrfCookie}`);
    expect(adminPage.status).toBe(200);
    const logout = await request(app).post('/admin/logout').set(headers).set('Cookie', `${adminCookie}; ${csrfCookie}`).type('form').send({ _csrf: csrfOf(adminPage.text) });
    expect(logout.status).toBe(303);
    const loggedOut = cookieNamed(logout, 'efm_admin')!;

    return {
      language: found.efm_lang!,
      csrf: found.efm_csrf!,
      case: found[`efm_case_${id}`]!,
      admin: found.efm_admin!,
      caseCleared: forgotten,
      adminCleared: loggedOut,
    };
  }

  it('with TRUST_PROXY and X-Forwarded-Proto: https, the language, CSRF, case and servicedesk cookies all carry Secure', async () => {
    const cookies = await collectCookies(proxied.app, true, '991825827');
    for (const [name, cookie] of Object.entries(cookies)) {
      expect(cookie, name).toBeDefined();
      expect(attributes(cookie), `${name}: ${cookie}`).toContain('secure');
      expect(attributes(cookie), `${name}: ${cookie}`).toContain('httponly');
    }
    // The other attributes are unchanged by https.
    expect(cookies.admin).toMatch(/SameSite=Strict/);
    expect(cookies.csrf).toMatch(/SameSite=Strict/);
    expect(cookies.case).toMatch(/SameSite=Lax/);
    expect(cookies.language).toMatch(/^efm_lang=nn;/);
  });

  it('over plain http on the same service, none of them carries Secure', async () => {
    const cookies = await collectCookies(proxied.app, false, '974760673');
    for (const [name, cookie] of Object.entries(cookies)) {
      expect(cookie, name).toBeDefined();
      expect(attributes(cookie), `${name}: ${cookie}`).not.toContain('secure');
    }
  });

  it('without TRUST_PROXY a forged X-Forwarded-Proto: https does not make the cookies Secure (the connection is plain http)', async () => {
    const cookies = await collectCookies(service.app, true, '974760673');
    for (const [name, cookie] of Object.entries(cookies)) {
      expect(cookie, name).toBeDefined();
      expect(attributes(cookie), `${name}: ${cookie}`).not.toContain('secure');
    }
  });
});
