import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validRegistration, withPath } from '../support/fixtures.js';
import { startTestService, type TestService } from '../support/service.js';

/**
 * Every registration rule: send the bad value, expect a 400 problem naming the
 * field path and the rule. One service for the file; the org number varies per
 * accepted case so the one-open-case rule does not interfere.
 */
let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service.dispose();
});

const post = (body: unknown, lang = 'en') =>
  request(service.app).post('/api/cases').set('Accept-Language', lang).set('Content-Type', 'application/json').send(JSON.stringify(body));

type Case = [label: string, path: string, value: unknown, expectedPath: string, expectedCode: string];

const cases: Case[] = [
  ['org number with a wrong check digit', 'organizationNumber', '991825828', 'organizationNumber', 'invalid_organization_number'],
  ['org number with 8 digits', 'organizationNumber', '99182582', 'organizationNumber', 'invalid_organization_number'],
  ['org number whose check digit would be 10', 'organizationNumber', '123456700', 'organizationNumber', 'invalid_organization_number'],
  ['org number as a number', 'organizationNumber', 991825827, 'organizationNumber', 'invalid_type'],
  ['missing org number', 'organizationNumber', undefined, 'organizationNumber', 'required'],
  ['missing nynorsk name', 'names.nn', undefined, 'names.nn', 'required'],
  ['blank English name', 'names.en', '   ', 'names.en', 'required'],
  ['name over 200 characters', 'names.nb', 'x'.repeat(201), 'names.nb', 'too_long'],
  ['control character in a name', 'names.nb', 'Digdir\u0007', 'names.nb', 'control_characters'],
  ['newline inside a contact name', 'technicalContact.name', 'Kari\nNordmann', 'technicalContact.name', 'control_characters'],
  ['acronym of one letter', 'names.acronym', 'D', 'names.acronym', 'invalid_acronym'],
  ['acronym of 16 letters', 'names.acronym', 'ABCDEFGHIJKLMNOP', 'names.acronym', 'invalid_acronym'],
  ['acronym with a space', 'names.acronym', 'DIG DIR', 'names.acronym', 'invalid_acronym'],
  ['unknown sector', 'sector', 'federal', 'sector', 'invalid_option'],
  ['unknown environment', 'environment', 'staging', 'environment', 'invalid_option'],
  ['empty service list', 'services', [], 'services', 'empty_list'],
  ['unknown service', 'services', ['DPO', 'DPX'], 'services.1', 'invalid_option'],
  ['duplicate service', 'services', ['DPO', 'DPO'], 'services.1', 'duplicate'],
  ['services not a list', 'services', 'DPO', 'services', 'invalid_type'],
  ['altinnServiceOwner not a boolean', 'altinnServiceOwner', 'yes', 'altinnServiceOwner', 'invalid_type'],
  ['usesEInnsyn not a boolean', 'usesEInnsyn', 1, 'usesEInnsyn', 'invalid_type'],
  ['bad technical e-mail', 'technicalContact.email', 'kari@', 'technicalContact.email', 'invalid_email'],
  ['bad technical mobile', 'technicalContact.mobile', '22334455', 'technicalContact.mobile', 'invalid_mobile'],
  ['missing archive contact mobile', 'archiveContact.mobile', undefined, 'archiveContact.mobile', 'required'],
  ['bad archive e-mail', 'archiveContact.email', 'ola at digdir.no', 'archiveContact.email', 'invalid_email'],
  ['bad notification mobile', 'notificationContact.mobile', '+47 123', 'notificationContact.mobile', 'invalid_mobile'],
  ['missing notification contact', 'notificationContact', undefined, 'notificationContact', 'required'],
  ['invoice org number invalid', 'invoice.organizationNumber', '123456789', 'invoice.organizationNumber', 'invalid_organization_number'],
  ['invoice postal code of 3 digits', 'invoice.address.postalCode', '151', 'invoice.address.postalCode', 'invalid_postal_code'],
  ['invoice postal code with letters', 'invoice.address.postalCode', '01A1', 'invoice.address.postalCode', 'invalid_postal_code'],
  ['invoice e-mail invalid', 'invoice.email', 'faktura', 'invoice.email', 'invalid_email'],
  ['invoice without e-mail or address', 'invoice', { reference: 'X' }, 'invoice', 'invoice_contact_required'],
  ['missing case archive product', 'caseArchiveSystem.product', undefined, 'caseArchiveSystem.product', 'required'],
  ['DPV without IP addresses', 'dpvIpAddresses', [], 'dpvIpAddresses', 'dpv_ip_required'],
  ['invalid IP address', 'dpvIpAddresses', ['192.0.2.300'], 'dpvIpAddresses.0', 'invalid_ip'],
  ['invalid CIDR prefix', 'dpvIpAddresses', ['2001:db8::/129'], 'dpvIpAddresses.0', 'invalid_ip'],
  ['duplicate IP address', 'dpvIpAddresses', ['192.0.2.10', '192.0.2.10'], 'dpvIpAddresses.1', 'duplicate'],
  ['unknown top-level field', 'nickname', 'dd', 'nickname', 'unknown_field'],
  ['unknown nested field', 'technicalContact.phone', '91234567', 'technicalContact.phone', 'unknown_field'],
];

describe('POST /api/cases rejects each rule with its field path', () => {
  it.each(cases)('%s', async (_label, path, value, expectedPath, expectedCode) => {
    const response = await post(withPath(validRegistration(), path, value));
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.type).toBe('/problems/validation-failed');
    expect(response.body.errors).toContainEqual(expect.objectContaining({ path: expectedPath, code: expectedCode }));
    const error = response.body.errors.find((e: { path: string }) => e.path === expectedPath);
    expect(error.message.length).toBeGreaterThan(10);
  });

  it('rejects DPV IP addresses when DPV is not chosen', async () => {
    const response = await post(validRegistration({ services: ['DPO'], dpvIpAddresses: ['192.0.2.10'] }));
    expect(response.status).toBe(400);
    expect(response.body.errors).toContainEqual(expect.objectContaining({ path: 'dpvIpAddresses', code: 'dpv_ip_not_allowed' }));
  });

  it('reports every error at once', async () => {
    let body = validRegistration();
    body = withPath(body, 'organizationNumber', '123');
    body = withPath(body, 'technicalContact.email', 'nope');
    body = withPath(body, 'archiveContact.mobile', '123');
    body = withPath(body, 'invoice.address.postalCode', 'x');
    body = withPath(body, 'dpvIpAddresses', []);
    body = withPath(body, 'extra', true);
    const response = await post(body);
    expect(response.status).toBe(400);
    const paths = response.body.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(
      ['archiveContact.mobile', 'dpvIpAddresses', 'extra', 'invoice.address.postalCode', 'organizationNumber', 'technicalContact.email'].sort(),
    );
  });

  it('writes messages in bokmål by default and in English on request', async () => {
    const bad = withPath(validRegistration(), 'organizationNumber', '991825828');
    const nb = await request(service.app).post('/api/cases').send(bad);
    expect(nb.headers['content-language']).toBe('nb');
    expect(nb.body.title).toBe('Ugyldige opplysninger');
    expect(nb.body.errors[0].message).toMatch(/Organisasjonsnummeret er ikke gyldig/);
    const en = await post(bad, 'en-GB,en;q=0.9');
    expect(en.body.errors[0].message).toMatch(/organisation number is not valid/);
    const nn = await post(bad, 'nn-NO');
    expect(nn.body.errors[0].message).toMatch(/ikkje gyldig/);
  });
});

describe('POST /api/cases accepts and normalises', () => {
  let nextOrg = 0;
  // Valid organisation numbers that are not Digdir's, so each test opens its own case.
  const orgs = ['974760673', '123456785', '100101696', '910075918', '983163327', '988312495'];
  const fresh = (overrides: Record<string, unknown> = {}) => validRegistration({ organizationNumber: orgs[nextOrg++], ...overrides });

  it('stores an org number typed with spaces without them, and mobiles in E.164', async () => {
    const body = fresh();
    body.organizationNumber = (body.organizationNumber as string).replace(/(\d{3})(\d{3})(\d{3})/, '$1 $2 $3');
    const response = await post(body);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body.case.organizationNumber).toMatch(/^\d{9}$/);
    expect(response.body.case.archiveContact.mobile).toBe('+4741234567');
    expect(response.body.case.notificationContact.mobile).toBe('+4791234568');
  });

  it('trims strings and defaults the invoice organisation number to the case’s', async () => {
    const body = fresh();
    body.names = { nb: '  Testetaten  ', nn: 'Testetaten', en: 'Test Agency', acronym: ' TE ' };
    body.invoice = { email: ' faktura@test.no ' };
    const response = await post(body);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body.case.names.nb).toBe('Testetaten');
    expect(response.body.case.names.acronym).toBe('TE');
    expect(response.body.case.invoice).toEqual({ organizationNumber: body.organizationNumber, email: 'faktura@test.no' });
  });

  it('accepts an invoice with only a postal address, and services without DPV need no IP', async () => {
    const response = await post(fresh({ services: ['DPO'], dpvIpAddresses: undefined, invoice: { address: { line1: 'Gate 1', postalCode: '0151', city: 'Oslo' } } }));
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body.case.dpvIpAddresses).toEqual([]);
  });

  it('accepts foreign mobile numbers in E.164', async () => {
    const response = await post(fresh({ technicalContact: { name: 'Sven', email: 'sven@example.se', mobile: '+46 70 123 45 67' } }));
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body.case.technicalContact.mobile).toBe('+46701234567');
  });
});
