import type { Express } from 'express';
import request from 'supertest';
import { expect } from 'vitest';
import { validRegistration } from '../support/fixtures.js';
import { ADMIN_TOKEN } from '../support/service.js';

/** The CSRF token a page's forms carry. */
export const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** Attribute values as a browser reads them: Handlebars writes `=` as &#x3D; and `&` as &amp;. */
export const decodeAttributes = (html: string) => html.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');

/**
 * A case registered over the API and opened in a "browser": the secret link exchanged for
 * the case cookie. `closeOpenCase`: first close an open case an earlier test left for the
 * same organisation number (one open case per organisation and environment).
 */
export async function browserCase(app: Express, organizationNumber: string, overrides: Record<string, unknown> = {}, options: { closeOpenCase?: boolean } = {}) {
  if (options.closeOpenCase) {
    const open = await request(app).get(`/api/admin/cases?organizationNumber=${organizationNumber}&status=open`).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    for (const item of open.body.items as { id: string }[]) {
      await request(app).post(`/api/admin/cases/${item.id}/close`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).send({ reason: 'test' });
    }
  }
  const created = await request(app).post('/api/cases').send(validRegistration({ organizationNumber, ...overrides }));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const agent = request.agent(app);
  expect((await agent.get(`/c/${created.body.id}/${created.body.accessToken}`)).status).toBe(303);
  const page = await agent.get(`/case/${created.body.id}`);
  expect(page.status).toBe(200);
  return { id: created.body.id as string, agent, csrf: csrfOf(page.text), html: page.text };
}

/** A "browser" logged in to /admin with the admin token. */
export async function adminAgent(app: Express) {
  const admin = request.agent(app);
  const login = await admin.get('/admin/login');
  const ok = await admin.post('/admin/login').type('form').send({ _csrf: csrfOf(login.text), token: ADMIN_TOKEN });
  expect(ok.status).toBe(303);
  return admin;
}
