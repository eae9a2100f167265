import { readFileSync } from 'node:fs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDocumentPdf, issueDocument } from '../returns/support/documents.js';
import { makeTestSigner, signPdf } from '../returns/support/sign.js';
import { startTestService, type TestService } from '../support/service.js';
import { adminAgent, browserCase, csrfOf } from './support.js';

/**
 * The agency's case page: per-language download links for each applicable document,
 * the analysis of an incomplete upload (pages found, pages missing), and what it shows
 * after servicedesk rejects an upload with a reason from its own case page.
 */

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service?.dispose();
});

/** The <li> of one step in the checklist: its title, badge and reason. */
const stepOf = (html: string, title: string) => new RegExp(`<h3>${title}</h3>\\s*<p><span class="badge badge-([a-z-]+)">([^<]*)</span>([^<]*)</p>`).exec(html);
/** The <li id="upload-…"> of one upload (up to the next upload or the next section). */
const uploadItem = (html: string, uploadId: string) => {
  const start = html.indexOf(`<li id="upload-${uploadId}">`);
  if (start < 0) return '';
  const rest = html.slice(start + 1);
  const ends = [rest.indexOf('<li id="upload-'), rest.indexOf('<h2')].filter((i) => i >= 0);
  return rest.slice(0, Math.min(...ends, rest.length));
};



async function uploadFromPage(agent: ReturnType<typeof request.agent>, id: string, csrf: string, pdf: Uint8Array) {
  const posted = await agent.post(`/case/${id}/uploads`).field('_csrf', csrf).attach('file', Buffer.from(pdf), 'skann.pdf');
  expect(posted.status, posted.text.slice(0, 1000)).toBe(303);
  const uploadId = /[?&]upload=([^#&]+)/.exec(posted.headers.location as string)?.[1];
  expect(uploadId).toBeDefined();
  return uploadId!;
}

describe('case page: documents to download', () => {
  const TITLES = {
    'order-form': { nb: 'Bestilling av eFormidling', en: 'eFormidling order form' },
    'dpv-terms': { nb: 'Bruksvilkår for Altinn Digital post til virksomheter (DPV)', en: 'Terms of use for Altinn Digital Post to Businesses (DPV)' },
    'ks-cover-letter': { nb: 'Følgebrev: signert avtalesett til KS', en: 'Cover letter: signed agreement set to KS' },
  } as const;
  const LANGUAGE_NAMES = { nb: 'Bokmål', nn: 'Nynorsk', en: 'English' } as const;

  /** Each document listed in the page's documents section, with its links. */
  function documentsOf(html: string) {
    const section = /<h2 id="documents">[\s\S]*?<ul class="artefacts">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
    return [...section.matchAll(/<li><strong>([^<]+)<\/strong>:([\s\S]*?)<\/li>/g)].map((m) => ({
      title: m[1]!,
      links: [...m[2]!.matchAll(/<a class="[^"]*" href="([^"]+)" lang="([a-z]+)" download>([^<]+)<\/a>/g)].map((l) => ({
        href: l[1]!.replace(/&#x3D;/g, '='),
        lang: l[2]!,
        label: l[3]!,
      })),
    }));
  }

  it('shows a download link in nb, nn and en for every document the checklist calls for (DPO, DPV, DPF: order form, DPV terms, KS letter)', async () => {
    const { id, agent, html } = await browserCase(service.app, '991825827');
    const documents = documentsOf(html);
    expect(documents.map((d) => d.title)).toEqual([TITLES['order-form'].nb, TITLES['dpv-terms'].nb, TITLES['ks-cover-letter'].nb]);
    const ids = ['order-form', 'dpv-terms', 'ks-cover-letter'];
    documents.forEach((document, i) => {
      expect(document.links, document.title).toEqual(
        (['nb', 'nn', 'en'] as const).map((lang) => ({ href: `/case/${id}/documents/${ids[i]}.pdf?lang=${lang}`, lang, label: LANGUAGE_NAMES[lang] })),
      );
    });

    // The titles follow the page's language; the links stay the same.
    await agent.get(`/case/${id}?lang=en`);
    const english = documentsOf((await agent.get(`/case/${id}`)).text);
    expect(english.map((d) => d.title)).toEqual([TITLES['order-form'].en, TITLES['dpv-terms'].en, TITLES['ks-cover-letter'].en]);
    expect(english.map((d) => d.links)).toEqual(documents.map((d) => d.links));
  });

  it('lists only the documents that apply: DPO alone gets the order form, not the DPV terms or the KS letter', async () => {
    const { id, html } = await browserCase(service.app, '974760673', { services: ['DPO'], dpvIpAddresses: undefined });
    const documents = documentsOf(html);
    expect(documents.map((d) => d.title)).toEqual([TITLES['order-form'].nb]);
    expect(documents[0]!.links.map((l) => l.lang)).toEqual(['nb', 'nn', 'en']);
    expect(html).not.toContain(`/case/${id}/documents/dpv-terms.pdf`);
    expect(html).not.toContain(`/case/${id}/documents/ks-cover-letter.pdf`);
  });

  it('a download link works: the nynorsk link of the order form answers with that PDF', async () => {
    const { id, agent, html } = await browserCase(service.app, '123456785');
    const link = documentsOf(html)[0]!.links.find((l) => l.lang === 'nn')!;
    const pdf = await agent.get(link.href).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toMatch(/^application\/pdf/);
    expect(pdf.headers['content-disposition']).toMatch(/attachment; filename="bestilling-eformidling[^"]*\.pdf"/);
    expect((pdf.body as Buffer).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // The site language was not changed by the document's ?lang=.
    expect((await agent.get(`/case/${id}`)).text).toContain('<html lang="nb">');
  }, 120_000);
});

describe('case page: an incomplete upload', () => {
  it('shows the status, the pages found and the missing pages, and leaves the step to do', async () => {
    const { id, agent, csrf } = await browserCase(service.app, '910075918');
    // A three-page DPV terms document; the scan holds pages 1 and 3 only.
    const { document } = await issueDocument(service, id, { templateId: 'dpv-terms', pageCount: 3 });
    const partial = await buildDocumentPdf({ documentId: document.id, caseId: id, templateId: 'dpv-terms', templateVersion: 1, pageCount: 3 }, service.documentKey, { pages: [1, 3] });
    const uploadId = await uploadFromPage(agent, id, csrf, await signPdf(partial, makeTestSigner(), new Date(Date.UTC(2026, 10, 26, 9))));

    const page = await agent.get(`/case/${id}`);
    const item = uploadItem(page.text, uploadId);
    expect(item).toContain('<span class="badge badge-incomplete">Ufullstendig</span>');
    expect(item).toContain('2 sider');
    expect(item).toMatch(/Sider funnet: 1, 3 · <strong>Mangler: 2<\/strong>/);
    // Not a complete return: the step is not "received".
    expect(stepOf(page.text, 'Bruksvilkår for Altinn DPV')?.[1]).toBe('todo');

    // The same in English.
    await agent.get(`/case/${id}?lang=en`);
    const english = uploadItem((await agent.get(`/case/${id}`)).text, uploadId);
    expect(english).toContain('<span class="badge badge-incomplete">Incomplete</span>');
    expect(english).toMatch(/Pages found: 1, 3 · <strong>Missing: 2<\/strong>/);
  });

  it('a complete upload shows every page found and no missing pages', async () => {
    const { id, agent, csrf } = await browserCase(service.app, '983163327');
    const { pdf } = await issueDocument(service, id, { templateId: 'dpv-terms', pageCount: 2 });
    const uploadId = await uploadFromPage(agent, id, csrf, await signPdf(pdf, makeTestSigner(), new Date(Date.UTC(2026, 10, 26, 9))));
    const item = uploadItem((await agent.get(`/case/${id}`)).text, uploadId);
    expect(item).toContain('badge-complete');
    expect(item).toContain('Sider funnet: 1, 2');
    expect(item).not.toContain('Mangler');
  });
});

describe('servicedesk rejects an upload with a reason from its case page', () => {
  it('the agency sees the rejection and its reason, the step is back to do, and a new upload can be sent', async () => {
    const { id, agent, csrf } = await browserCase(service.app, '971526920');
    const dpv = await issueDocument(service, id, { templateId: 'dpv-terms', pageCount: 1 });
    const signed = await signPdf(dpv.pdf, makeTestSigner(), new Date(Date.UTC(2026, 10, 26, 9)));
    const uploadId = await uploadFromPage(agent, id, csrf, signed);
    expect(stepOf((await agent.get(`/case/${id}`)).text, 'Bruksvilkår for Altinn DPV')?.[1]).toBe('received');

    const admin = await adminAgent(service.app);
    const adminPage = await admin.get(`/admin/cases/${id}`);
    expect(adminPage.text).toContain(`action="/admin/cases/${id}/uploads/${uploadId}/decision"`);
    const reason = 'Signert av feil person – daglig leder må signere';
    const decided = await admin.post(`/admin/cases/${id}/uploads/${uploadId}/decision`).type('form').send({ _csrf: csrfOf(adminPage.text), decision: 'reject', reason });
    expect(decided.status).toBe(303);
    expect(decided.headers.location).toBe(`/admin/cases/${id}#uploads`);

    // Servicedesk: decided, so no form for it any more; the step shows the rejection too.
    const adminAfter = await admin.get(`/admin/cases/${id}`);
    expect(adminAfter.text).not.toContain(`/uploads/${uploadId}/decision`);
    expect(uploadItem(adminAfter.text, uploadId)).toContain(`<span class="badge badge-rejected">Avvist av servicedesk</span> ${reason}`);

    // The agency: the upload says who rejected it and why; the step is to do again with the reason.
    const page = await agent.get(`/case/${id}`);
    expect(uploadItem(page.text, uploadId)).toContain(`<span class="badge badge-rejected">Avvist av servicedesk</span> ${reason}`);
    const step = stepOf(page.text, 'Bruksvilkår for Altinn DPV');
    expect(step?.[1]).toBe('todo');
    expect(step?.[2]).toBe('Gjenstår');
    expect(step?.[3]).toMatch(new RegExp(`Servicedesk avviste dokumentet dere lastet opp \\d{4}-\\d{2}-\\d{2}: «${reason}»\\. Last opp et nytt signert eksemplar\\.`));
    expect(page.text).toContain('Servicedesk har vurdert opplastingen');
    // The upload form is there to send a new copy.
    expect(page.text).toContain(`action="/case/${id}/uploads"`);

    // In nynorsk the reason reads in nynorsk around the servicedesk's own words.
    await agent.get(`/case/${id}?lang=nn`);
    const nynorsk = await agent.get(`/case/${id}`);
    expect(stepOf(nynorsk.text, 'Bruksvilkår for Altinn DPV')?.[3]).toContain(`Servicedesk avviste dokumentet de lasta opp`);
    expect(uploadItem(nynorsk.text, uploadId)).toContain(`Avvist av servicedesk</span> ${reason}`);
    await agent.get(`/case/${id}?lang=nb`);

    // A new signed copy puts the step back to "received".
    const again = await signPdf(dpv.pdf, makeTestSigner('Daglig Leder'), new Date(Date.UTC(2026, 10, 27, 9)));
    await uploadFromPage(agent, id, csrfOf(page.text), again);
    expect(stepOf((await agent.get(`/case/${id}`)).text, 'Bruksvilkår for Altinn DPV')?.[1]).toBe('received');
  });
});

describe('case history names events and actors in words', () => {
  it('after a recognised upload, the history shows no raw actor key', async () => {
    const { id, agent, csrf } = await browserCase(service.app, '889640782');
    const { pdf } = await issueDocument(service, id, { templateId: 'dpv-terms', pageCount: 1 });
    await uploadFromPage(agent, id, csrf, pdf);
    const history = /<ol class="history">([\s\S]*?)<\/ol>/.exec((await agent.get(`/case/${id}`)).text)?.[1] ?? '';
    expect(history).toContain('Dokument gjenkjent');
    expect(history).not.toMatch(/\(actor\.[a-z]+\)/);
  });

  it('after servicedesk decides on a certificate, the history names the decision and the step in words', async () => {
    // Digdir's real Commfides test certificate: accepted for 991825827 in the test environment.
    const { id, agent, csrf } = await browserCase(service.app, '991825827', {}, { closeOpenCase: true });
    const pem = readFileSync('test/fixtures/real-certs/commfides-test-g3-digdir-auth-valid-2028.pem');
    const submitted = await agent.post(`/case/${id}/certificates`).field('_csrf', csrf).attach('file', pem, 'digdir.cer');
    expect(submitted.status).toBe(201);
    const admin = await adminAgent(service.app);
    const adminPage = await admin.get(`/admin/cases/${id}`);
    const submissionId = /action="\/admin\/cases\/[^/]+\/certificates\/([^/]+)\/decision"/.exec(adminPage.text)![1]!;
    const decided = await admin.post(`/admin/cases/${id}/certificates/${submissionId}/decision`).type('form').send({ _csrf: csrfOf(adminPage.text), decision: 'approve', reason: '' });
    expect(decided.status).toBe(303);
    const history = /<ol class="history">([\s\S]*?)<\/ol>/.exec((await agent.get(`/case/${id}`)).text)?.[1] ?? '';
    expect(history).toContain('Sertifikat godkjent');
    expect(history).toContain('Sertifikat vurdert av servicedesk');
    expect(history).not.toContain('event.certificate.decided');
    // The step the certificate completed is named by its title, not its id.
    expect(history).toContain('Steg fullført (tjenesten): Virksomhetssertifikat');
    expect(history).not.toMatch(/: certificate\b/);
  });
});
