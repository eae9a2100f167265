import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueDocument } from '../returns/support/documents.js';
import { makeTestSigner, signPdf } from '../returns/support/sign.js';
import { startTestService, type TestService } from '../support/service.js';
import { adminAgent, browserCase, csrfOf, decodeAttributes } from './support.js';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service.dispose();
});



describe('case page: uploads and certificate', () => {
  it('uploads a signed return from the form and shows the analysis', async () => {
    const { id, agent, csrf } = await browserCase(service.app, '991825827');
    const dpv = await issueDocument(service, id, { templateId: 'dpv-terms', pageCount: 2 });
    const signed = await signPdf(dpv.pdf, makeTestSigner(), new Date(Date.UTC(2026, 10, 26, 9)));
    const posted = await agent.post(`/case/${id}/uploads`).field('_csrf', csrf).attach('file', Buffer.from(signed), 'skann.pdf');
    expect(posted.status).toBe(303);
    const page = await agent.get(`/case/${id}`);
    expect(page.text).toMatch(/badge badge-complete">Komplett/);
    expect(page.text).toContain('Sider funnet: 1, 2');
    expect(page.text).toMatch(/Bruksvilkår for Altinn DPV<\/h3>\s*<p><span class="badge badge-received">/);
  });

  it('shows a wrong file type next to the file field', async () => {
    const { id, agent, csrf } = await browserCase(service.app, '974760673');
    const response = await agent.post(`/case/${id}/uploads`).field('_csrf', csrf).attach('file', Buffer.from('<html>not a scan</html>'), 'skann.pdf');
    expect(response.status).toBe(415);
    expect(response.text).toMatch(/id="f-file-error"[^>]*>[\s\S]*?PDF, JPEG, PNG/);
    expect(response.text).toContain('<a href="#f-file">');
  });

  it('refuses an upload without the CSRF token and keeps nothing', async () => {
    const { id, agent } = await browserCase(service.app, '123456785');
    const response = await agent.post(`/case/${id}/uploads`).attach('file', Buffer.from('%PDF-1.7\n%%EOF'), 'x.pdf');
    expect(response.status).toBe(403);
    expect((await service.returns.list(id))).toHaveLength(0);
  });

  it('submits a certificate and shows every check with its verdict; a private key is refused next to the field', async () => {
    const { id, agent, csrf } = await browserCase(service.app, '100101696');
    const garbage = await agent.post(`/case/${id}/certificates`).field('_csrf', csrf).attach('file', Buffer.from('-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n'), 'key.pem');
    expect(garbage.status).toBe(422);
    expect(garbage.text).toMatch(/id="f-certificate-error"[^>]*>[\s\S]*?privat/i);
    const { readFileSync } = await import('node:fs');
    const pem = readFileSync('test/fixtures/real-certs/commfides-test-g3-digdir-auth-valid-2028.pem');
    const response = await agent.post(`/case/${id}/certificates`).field('_csrf', csrf).attach('file', pem, 'digdir.cer');
    // Digdir's certificate is for 991825827, not this case's 100101696: rejected, with the reason shown.
    expect(response.status).toBe(422);
    expect(response.text).toContain('badge badge-rejected');
    expect(response.text).toMatch(/badge badge-fail">Feil<\/span>[^<]*991825827/);
    expect(response.text).toMatch(/badge badge-pass">OK/);
  });

  it('servicedesk approves an upload from the case page and the agency sees it', async () => {
    const { id, agent } = await caseWithSignedDpvReturn('910075918');
    const admin = await adminAgent(service.app);
    // The case list says this case has something to review.
    const rowOf = () => caseListRow(admin, id);
    expect(await rowOf()).toMatch(/class="pending"><span class="badge badge-received">1 venter</);
    const { page, uploadId } = await adminCasePage(admin, id);
    const decided = await admin.post(`/admin/cases/${id}/uploads/${uploadId}/decision`).type('form').send({ _csrf: csrfOf(page.text), decision: 'approve', reason: 'Signert av daglig leder' });
    expect(decided.status).toBe(303);
    expect(await rowOf()).toMatch(/class="pending">–</);
    const agencyPage = await agent.get(`/case/${id}`);
    expect(agencyPage.text).toContain('Godkjent av servicedesk');
    expect(agencyPage.text).toMatch(/Bruksvilkår for Altinn DPV<\/h3>\s*<p><span class="badge badge-done">/);
    // The history says it in words: the step by its title, no internal note.
    const history = /<ol class="history">([\s\S]*?)<\/ol>/.exec(agencyPage.text)![1]!;
    expect(history).toMatch(/Steg fullført \(servicedesk\): Bruksvilkår for Altinn DPV/);
    expect(history).not.toMatch(/approved|upload [0-9a-f-]{36}/);
  });

  it('servicedesk rejects an upload without a reason: the message stands next to that form\'s reason field and nothing is decided', async () => {
    const { id } = await caseWithSignedDpvReturn('983163327');
    const admin = await adminAgent(service.app);
    const { page, uploadId } = await adminCasePage(admin, id);
    const refused = await admin.post(`/admin/cases/${id}/uploads/${uploadId}/decision`).type('form').send({ _csrf: csrfOf(page.text), decision: 'reject', reason: '  ' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain(`<a href="#f-reason-${uploadId}">`);
    expect(refused.text).toMatch(new RegExp(`id="f-reason-${uploadId}-error"[^>]*>[\\s\\S]*?Skriv en begrunnelse`));
    expect(refused.text).toMatch(new RegExp(`id="f-reason-${uploadId}"[^>]*aria-invalid="true"`));
    // The language links on this error page lead to the case page, not to the form's POST address.
    const decoded = decodeAttributes(refused.text);
    expect(decoded).toContain(`href="/admin/cases/${id}?lang=en"`);
    expect(decoded).not.toContain('/decision?lang=');
    expect((await service.returns.get(id, uploadId)).decision).toBeNull();
  });

  it('the reason field belongs to the reject form: Enter in it rejects, never approves; a form without a decision is refused', async () => {
    const { id } = await caseWithSignedDpvReturn('988312495');
    const admin = await adminAgent(service.app);
    const { page, uploadId } = await adminCasePage(admin, id);
    const forms = [...page.text.matchAll(new RegExp(`<form[^>]*action="/admin/cases/${id}/uploads/${uploadId}/decision"[^>]*>([\\s\\S]*?)</form>`, 'g'))].map((m) => m[1]!);
    expect(forms).toHaveLength(2);
    const withReason = forms.filter((f) => f.includes(`id="f-reason-${uploadId}"`));
    expect(withReason).toHaveLength(1);
    expect(withReason[0]).toContain('name="decision" value="reject"');
    expect(withReason[0]).not.toContain('value="approve"');
    const noDecision = await admin.post(`/admin/cases/${id}/uploads/${uploadId}/decision`).type('form').send({ _csrf: csrfOf(page.text), reason: 'hmm' });
    expect(noDecision.status).toBe(400);
    expect((await service.returns.get(id, uploadId)).decision).toBeNull();
  });

  it('servicedesk rejects an accepted certificate with a reason from the case page; the agency sees the reason and the step open again', async () => {
    // Digdir's real Commfides test certificate: accepted for 991825827 in the test environment.
    const { id, agent, csrf } = await browserCase(service.app, '991825827', {}, { closeOpenCase: true });
    const { readFileSync } = await import('node:fs');
    const pem = readFileSync('test/fixtures/real-certs/commfides-test-g3-digdir-auth-valid-2028.pem');
    const submitted = await agent.post(`/case/${id}/certificates`).field('_csrf', csrf).attach('file', pem, 'digdir.cer');
    expect(submitted.status, submitted.text.slice(0, 2000)).toBeLessThan(400);
    const admin = await adminAgent(service.app);
    const page = await admin.get(`/admin/cases/${id}`);
    const submissionId = /action="\/admin\/cases\/[^/]+\/certificates\/([^/]+)\/decision"/.exec(page.text)![1]!;
    const rowOf = () => caseListRow(admin, id);
    expect(await rowOf()).toMatch(/1 venter/);
    const noReason = await admin.post(`/admin/cases/${id}/certificates/${submissionId}/decision`).type('form').send({ _csrf: csrfOf(page.text), decision: 'reject', reason: '' });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toMatch(new RegExp(`id="f-reason-${submissionId}-error"`));
    const decided = await admin
      .post(`/admin/cases/${id}/certificates/${submissionId}/decision`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), decision: 'reject', reason: 'Bestilt til feil underenhet' });
    expect(decided.status).toBe(303);
    // Decided: no form for it any more.
    expect((await admin.get(`/admin/cases/${id}`)).text).not.toContain(`/certificates/${submissionId}/decision`);
    expect(await rowOf()).toMatch(/class="pending">–</);
    const agencyPage = await agent.get(`/case/${id}`);
    expect(agencyPage.text).toContain('Avvist av servicedesk');
    expect(agencyPage.text).toContain('Bestilt til feil underenhet');
    expect(agencyPage.text).toMatch(/Virksomhetssertifikat<\/h3>\s*<p><span class="badge badge-todo">[^<]*<\/span>\s*Servicedesk avviste sertifikatet/);
  });
});

/** A browser case whose agency has uploaded a signed scan of its DPV terms (complete, waiting for servicedesk). */
async function caseWithSignedDpvReturn(organizationNumber: string) {
  const opened = await browserCase(service.app, organizationNumber);
  const dpv = await issueDocument(service, opened.id, { templateId: 'dpv-terms', pageCount: 1 });
  const signed = await signPdf(dpv.pdf, makeTestSigner(), new Date(Date.UTC(2026, 10, 26, 9)));
  await opened.agent.post(`/case/${opened.id}/uploads`).field('_csrf', opened.csrf).attach('file', Buffer.from(signed), 'skann.pdf');
  return opened;
}

/** The servicedesk case page and the id of the (first) upload it offers a decision on. */
async function adminCasePage(admin: Awaited<ReturnType<typeof adminAgent>>, id: string) {
  const page = await admin.get(`/admin/cases/${id}`);
  const uploadId = /action="\/admin\/cases\/[^/]+\/uploads\/([^/]+)\/decision"/.exec(page.text)![1]!;
  return { page, uploadId };
}

/** The case's row in the servicedesk case list. */
async function caseListRow(admin: Awaited<ReturnType<typeof adminAgent>>, id: string): Promise<string> {
  return new RegExp(`href="/admin/cases/${id}">[\\s\\S]*?</tr>`).exec((await admin.get('/admin?status=open&limit=100')).text)![0];
}
