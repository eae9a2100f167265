import { createHash, createHmac } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestService, type TestService } from '../support/service.js';
import { csrfOf, decodeAttributes } from './support.js';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service.dispose();
});


/** The registration form as a browser would post it. */
function formFields(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    organizationNumber: '974 760 673',
    'names.nb': 'Registerenheten i Brønnøysund',
    'names.nn': 'Registereininga i Brønnøysund',
    'names.en': 'The Brønnøysund Register Centre',
    'names.acronym': 'BRREG',
    sector: 'state',
    environment: 'test',
    services: ['DPO', 'DPV'],
    dpvIpAddresses: '192.0.2.10\n2001:db8::/64',
    'technicalContact.name': 'Kari Nordmann',
    'technicalContact.email': 'kari@example.no',
    'technicalContact.mobile': '912 34 567',
    'archiveContact.name': 'Ola Nordmann',
    'archiveContact.email': 'ola@example.no',
    'archiveContact.mobile': '41234567',
    'notificationContact.name': 'Varsel',
    'notificationContact.email': 'varsel@example.no',
    'notificationContact.mobile': '+4791234568',
    'invoice.organizationNumber': '',
    'invoice.reference': '',
    'invoice.email': 'faktura@example.no',
    'invoice.address.line1': '',
    'invoice.address.postalCode': '',
    'invoice.address.city': '',
    'caseArchiveSystem.product': 'Elements',
    'caseArchiveSystem.module': '',
    ...overrides,
  };
}

describe('security headers', () => {
  it('CSP without unsafe-inline, no referrer, no framing', async () => {
    const response = await request(service.app).get('/');
    const csp = response.headers['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.text).not.toMatch(/<script|style=/);
  });
});

describe('start page and languages', () => {
  it('explains the three steps, in bokmål by default, with the lang attribute set', async () => {
    const response = await request(service.app).get('/');
    expect(response.text).toContain('<html lang="nb">');
    expect(response.text).toContain('1. Forbered');
    expect(response.text).toContain('2. Signer');
    expect(response.text).toContain('3. Sertifikat');
  });

  it('switches to nynorsk and English with a remembered choice', async () => {
    const agent = request.agent(service.app);
    const switched = await agent.get('/register?lang=nn');
    expect(switched.status).toBe(303);
    expect(switched.headers.location).toBe('/register');
    const page = await agent.get('/register');
    expect(page.text).toContain('<html lang="nn">');
    expect(page.text).toContain('Registrer verksemda');
    await agent.get('/?lang=en');
    expect((await agent.get('/')).text).toContain('<html lang="en">');
  });

  it('sends the switch back to the same page with its other parameters, never to another site', async () => {
    const cases: [string, string][] = [
      ['/admin?status=closed&lang=en', '/admin?status=closed'],
      ['//evil.example/?lang=nb', '/evil.example/'],
      ['/\\evil.example?lang=nb', '/evil.example'],
      ['///evil.example/x?lang=nn&a=1', '/evil.example/x?a=1'],
    ];
    for (const [url, location] of cases) {
      const res = await request(service.app).get(url);
      expect(res.status, url).toBe(303);
      expect(res.headers.location, url).toBe(location);
      // Resolved the way a browser does: still this site.
      expect(new URL(res.headers.location as string, 'https://efm.example').host, url).toBe('efm.example');
    }
  });

  it('leaves the site language alone when ?lang= picks the language of a document download', async () => {
    const agent = request.agent(service.app);
    const res = await agent.get('/case/00000000-0000-4000-8000-000000000000/documents/order-form.pdf?lang=en');
    expect(res.status).not.toBe(303);
    // Express routes paths case-insensitively; the exception must too.
    expect((await agent.get('/CASE/00000000-0000-4000-8000-000000000000/documents/order-form.pdf?lang=en')).status).not.toBe(303);
    expect(res.headers['set-cookie'] ?? []).not.toEqual(expect.arrayContaining([expect.stringMatching(/^efm_lang=/)]));
  });

  it('follows Accept-Language when no choice was made', async () => {
    const page = await request(service.app).get('/').set('Accept-Language', 'en-GB');
    expect(page.text).toContain('<html lang="en">');
  });
});

describe('registration form', () => {
  it('shows each error next to its field and in a linked summary, and keeps the values', async () => {
    const agent = request.agent(service.app);
    const csrf = csrfOf((await agent.get('/register')).text);
    const response = await agent
      .post('/register')
      .type('form')
      .send({ ...formFields({ organizationNumber: '974760674', 'technicalContact.mobile': '2233', 'names.en': '' }), _csrf: csrf });
    expect(response.status).toBe(400);
    const html = response.text;
    expect(html).toContain('<a href="#f-organizationNumber">');
    expect(html).toMatch(/id="f-organizationNumber-error"[^>]*>[\s\S]*?Organisasjonsnummeret er ikke gyldig/);
    expect(html).toMatch(/<input id="f-organizationNumber"[^>]*aria-invalid="true"/);
    expect(html).toMatch(/<input id="f-organizationNumber"[^>]*value="974760674"/);
    expect(html).toMatch(/id="f-technicalContact-mobile-error"[^>]*>[\s\S]*?Mobilnummeret er ikke gyldig/);
    expect(html).toMatch(/id="f-names-en-error"/);
    // Values typed elsewhere are kept, including checkboxes and the IP list.
    expect(html).toMatch(/value="Registerenheten i Brønnøysund"/);
    expect(html).toMatch(/value="DPV" checked/);
    expect(html).toContain('192.0.2.10\n2001:db8::/64</textarea>');
  });

  it('rejects a post without the CSRF token', async () => {
    const response = await request(service.app).post('/register').type('form').send(formFields());
    expect(response.status).toBe(403);
    expect(response.text).toContain('Skjemaet er utløpt');
  });

  it('registers, shows the secret link once, exchanges it for a cookie and drops it from the address bar', async () => {
    const agent = request.agent(service.app);
    const csrf = csrfOf((await agent.get('/register')).text);
    const created = await agent.post('/register').type('form').send({ ...formFields(), _csrf: csrf });
    expect(created.status).toBe(201);
    expect(created.text).toContain('Ta vare på lenken nå');
    const link = /id="case-link"[^>]*value="([^"]+)"/.exec(created.text)?.[1];
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/c\/[0-9a-f-]{36}\/[A-Za-z0-9_-]{43}$/);
    const { pathname } = new URL(link!);
    const [, , id, token] = pathname.split('/');

    const exchange = await agent.get(pathname);
    expect(exchange.status).toBe(303);
    expect(exchange.headers.location).toBe(`/case/${id}`);
    const cookie = (exchange.headers['set-cookie'] as unknown as string[]).find((c: string) => c.startsWith(`efm_case_${id}=`))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toContain(`Path=/case/${id}`);

    const page = await agent.get(`/case/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Saken for Registerenheten i Brønnøysund');
    expect(page.text).toContain('Bruksvilkår for Altinn DPV');
    expect(page.text).toContain('Saken ble registrert');
    expect(page.text).not.toContain(token!);

    // Without the cookie the page is a 404; a wrong link too.
    expect((await request(service.app).get(`/case/${id}`)).status).toBe(404);
    expect((await request(service.app).get(`/c/${id}/${token}x`)).status).toBe(404);

    // Forgetting the case clears the cookie.
    const csrf2 = csrfOf(page.text);
    const forgot = await agent.post(`/case/${id}/forget`).type('form').send({ _csrf: csrf2 });
    expect(forgot.status).toBe(303);
    expect((await agent.get(`/case/${id}`)).status).toBe(404);
  });

  it('a second registration for the same organisation number shows the conflict next to the field', async () => {
    const agent = request.agent(service.app);
    const csrf = csrfOf((await agent.get('/register')).text);
    const response = await agent.post('/register').type('form').send({ ...formFields(), _csrf: csrf });
    expect(response.status).toBe(409);
    expect(response.text).toMatch(/id="f-organizationNumber-error"[^>]*>[\s\S]*?finnes allerede en åpen sak/);
  });
});

describe('servicedesk pages', () => {
  it('needs a login; a wrong token is shown next to the field', async () => {
    const agent = request.agent(service.app);
    const redirect = await agent.get('/admin');
    expect(redirect.status).toBe(303);
    expect(redirect.headers.location).toBe('/admin/login');
    const login = await agent.get('/admin/login');
    const wrong = await agent.post('/admin/login').type('form').send({ _csrf: csrfOf(login.text), token: 'wrong' });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toMatch(/id="f-token-error"[^>]*>[\s\S]*?Nøkkelen er feil/);
  });

  it('logs in with a Strict session cookie, lists cases with counts and filters, and acts on a case', async () => {
    const agent = request.agent(service.app);
    const login = await agent.get('/admin/login');
    const ok = await agent.post('/admin/login').type('form').send({ _csrf: csrfOf(login.text), token: ADMIN_TOKEN });
    expect(ok.status).toBe(303);
    const session = (ok.headers['set-cookie'] as unknown as string[]).find((c: string) => c.startsWith('efm_admin='))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Strict/);
    expect(session).toContain('Path=/admin');

    const list = await agent.get('/admin');
    expect(list.status).toBe(200);
    expect(list.text).toMatch(/Åpne: \d+ · Avsluttede: \d+/);
    expect(list.text).toContain('Registerenheten i Brønnøysund');
    const filtered = await agent.get('/admin?service=DPF');
    expect(filtered.text).not.toContain('Registerenheten i Brønnøysund');
    // The language links keep the filters.
    const decoded = decodeAttributes(filtered.text);
    expect(decoded).toContain('href="/admin?service=DPF&lang=nn"');

    const id = /href="\/admin\/cases\/([0-9a-f-]{36})"/.exec(list.text)![1]!;
    const page = await agent.get(`/admin/cases/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('kari@example.no');
    const csrf = csrfOf(page.text);

    const noCsrf = await agent.post(`/admin/cases/${id}/steps/digdir-terms`).type('form').send({ status: 'done' });
    expect(noCsrf.status).toBe(403);
    const noSuchStep = await agent.post(`/admin/cases/${id}/steps/coffee`).type('form').send({ _csrf: csrf, status: 'done' });
    expect(noSuchStep.status).toBe(404);

    const done = await agent.post(`/admin/cases/${id}/steps/digdir-terms`).type('form').send({ _csrf: csrf, status: 'done', note: 'Signert i eSignering' });
    expect(done.status).toBe(303);
    const after = await agent.get(`/admin/cases/${id}`);
    expect(after.text).toMatch(/Digdirs bruksvilkår<\/h3>\s*<p><span class="badge badge-done">Fullført/);
    expect(after.text).toContain('Signert i eSignering');

    const noReason = await agent.post(`/admin/cases/${id}/close`).type('form').send({ _csrf: csrf, reason: '' });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toMatch(/id="f-reason-error"/);

    const logout = await agent.post('/admin/logout').type('form').send({ _csrf: csrf });
    expect(logout.status).toBe(303);
    expect((await agent.get('/admin')).status).toBe(303);
  });

  it('a forged session cookie is refused', async () => {
    const response = await request(service.app).get('/admin').set('Cookie', 'efm_admin=9999999999.abcdefghijklmnop.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect(response.status).toBe(303);
  });

  it('keeps sessions on the server by hash only: the database gives no way in, and logging out ends the session there', async () => {
    const agent = request.agent(service.app);
    const login = await agent.get('/admin/login');
    const ok = await agent.post('/admin/login').type('form').send({ _csrf: csrfOf(login.text), token: ADMIN_TOKEN });
    const cookie = (ok.headers['set-cookie'] as unknown as string[]).find((c: string) => c.startsWith('efm_admin='))!.split(';')[0]!;
    const value = cookie.slice('efm_admin='.length);
    expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Everything the database holds, as text: the session value is not in it.
    const db = service.database.db;
    const dump = JSON.stringify([await db.selectFrom('admin_sessions').selectAll().execute(), await db.selectFrom('settings').selectAll().execute()]);
    expect(dump).not.toContain(value);
    expect(dump).toContain(createHash('sha256').update(value).digest('hex'));
    // The old signed-cookie scheme rebuilt from what the database holds does not work.
    const secret = Buffer.from((await db.selectFrom('settings').select('value').where('key', '=', 'web_secret').executeTakeFirst())!.value, 'base64');
    const expiry = Math.floor(Date.now() / 1000) + 3600;
    const forged = `${expiry}.abcdefghijkl.${createHmac('sha256', secret).update(`admin:${createHash('sha256').update(ADMIN_TOKEN).digest('hex')}:${expiry}:abcdefghijkl`).digest('base64url')}`;
    expect((await request(service.app).get('/admin').set('Cookie', `efm_admin=${forged}`)).status).toBe(303);

    // A copy of the cookie kept elsewhere stops working when its owner logs out.
    expect((await request(service.app).get('/admin').set('Cookie', cookie)).status).toBe(200);
    const csrf = csrfOf((await agent.get('/admin')).text);
    await agent.post('/admin/logout').type('form').send({ _csrf: csrf });
    expect((await request(service.app).get('/admin').set('Cookie', cookie)).status).toBe(303);
  });

  it('ends every session when the admin token changes', async () => {
    const agent = request.agent(service.app);
    const login = await agent.get('/admin/login');
    const ok = await agent.post('/admin/login').type('form').send({ _csrf: csrfOf(login.text), token: ADMIN_TOKEN });
    const cookie = (ok.headers['set-cookie'] as unknown as string[]).find((c: string) => c.startsWith('efm_admin='))!.split(';')[0]!;
    const rotated = await startTestService({ database: service.testDatabase, env: { ADMIN_TOKEN: 'rotated-admin-token-0123456789abcdef' } });
    try {
      expect((await request(rotated.app).get('/admin').set('Cookie', cookie)).status).toBe(303);
    } finally {
      await rotated.close();
    }
  });
});
