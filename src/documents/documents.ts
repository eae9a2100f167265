import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { buildChecklist, type ChecklistStep } from '../domain/checklist.js';
import { LOCALES, type Locale, type Localized } from '../domain/locale.js';
import { parseRegistration } from '../domain/registration.js';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from '../observability/logger.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { CaseRecord } from '../storage/case-repository.js';
import type { IssuedDocument, IssuedDocumentRepository } from '../storage/issued-document-repository.js';
import { ChromiumPool, QueueFullError, RendererUnavailableError, RenderTimeoutError, type PoolStats } from './chromium-pool.js';
import { documentNotApplicable, documentNotFound, localeUnavailable, rendererUnavailable, renderQueueFull, renderTimedOut } from './errors.js';
import { renderHtml } from './html.js';
import { checkOverlayFields, fillOverlay } from './overlay.js';
import { finishDocument, loadForFinishing } from './pdf-finish.js';
import { decodePageCode, formatReference, newDocumentId, type DecodedPageCode } from './reference.js';
import { loadTemplates, type DocumentTemplate, type TemplateRegistry } from './templates.js';
import { dataHash, documentFacts, viewModel, type DocumentFacts } from './view-model.js';

/**
 * The documents capability: which prefilled PDFs a case needs, and the PDFs
 * themselves. A document's identity is (case, template, version, locale, data
 * hash); the first download records it (issued_documents) and keeps its bytes
 * in the blob store, so later downloads of unchanged facts are the same
 * document, byte for byte, served from the cache.
 */

export interface DocumentListing {
  id: string;
  version: number;
  kind: DocumentTemplate['kind'];
  step: ChecklistStep['id'];
  title: Localized;
  locales: Locale[];
  urls: Partial<Record<Locale, string>>;
}

export interface RenderedDocument {
  bytes: Uint8Array;
  document: IssuedDocument;
  /** Strong ETag: the quoted SHA-256 of the bytes. */
  etag: string;
  fileName: string;
  fromCache: boolean;
}

export interface RenderOptions {
  /** false: render even when a cached copy exists (benchmarks, determinism checks). */
  cache?: boolean;
}

export interface Documents {
  listForCase(record: CaseRecord): DocumentListing[];
  /** Throws AppError: unknown document, not applicable, language, queue full (429), time-out (503). */
  render(record: CaseRecord, templateId: string, locale: Locale, options?: RenderOptions): Promise<RenderedDocument>;
  /** The ETag of the already issued document for these facts, if any (for If-None-Match without reading bytes). */
  currentEtag(record: CaseRecord, templateId: string, locale: Locale): Promise<string | undefined>;
  /** Authenticates a QR payload read from a page of an issued document. */
  verifyPageCode(text: string): DecodedPageCode;
  templates: TemplateRegistry;
  poolStats(): PoolStats;
  /** The pool's temp directory (browser profiles live below it); for hygiene checks. */
  rendererRoot(): string | undefined;
  warmUp(): Promise<void>;
  close(): Promise<void>;
}

export interface DocumentsOptions {
  templatesDir: string;
  issued: IssuedDocumentRepository;
  blobs: BlobStore;
  macKey: Buffer;
  logger: Logger;
  clock: () => Date;
  producer: string;
  /** Where to register the documents metrics (the service's registry). */
  registry?: Registry;
  chromium: { executablePath: string; poolSize: number; queueLimit: number; timeoutMs: number; recycleAfter: number };
}

/** assets/ sits two levels above src/documents/ and three above dist/src/documents/. */
export function assetsDir(): string {
  for (const candidate of ['../../assets', '../../../assets']) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path.join(dir, 'fonts', 'DejaVuSans.ttf'))) return dir;
  }
  throw new Error('assets/ (fonts and ICC profile) not found next to the package');
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A registration that exercises every fact, to check overlay field maps at start. */
const SAMPLE_REGISTRATION = {
  organizationNumber: '991825827',
  names: { nb: 'Eksempel', nn: 'Døme', en: 'Example', acronym: 'EKS' },
  sector: 'state',
  environment: 'test',
  services: ['DPO', 'DPV', 'DPF'],
  technicalContact: { name: 'A', email: 'a@example.no', mobile: '91234567' },
  archiveContact: { name: 'B', email: 'b@example.no', mobile: '91234568' },
  notificationContact: { name: 'C', email: 'c@example.no', mobile: '91234569' },
  invoice: { email: 'f@example.no', reference: 'R', address: { line1: 'Gate 1', line2: 'Bygg 2', postalCode: '0001', city: 'Oslo' } },
  caseArchiveSystem: { product: 'P', module: 'M' },
  dpvIpAddresses: ['192.0.2.1'],
};

export function createDocuments(options: DocumentsOptions): Documents {
  const templates = loadTemplates(options.templatesDir);
  const assets = assetsDir();
  const font = new Uint8Array(readFileSync(path.join(assets, 'fonts', 'DejaVuSans.ttf')));
  const iccProfile = new Uint8Array(readFileSync(path.join(assets, 'icc', 'sRGB.icc')));
  const sample = parseRegistration(SAMPLE_REGISTRATION);
  if (!sample.ok) throw new Error('sample registration is invalid');
  const sampleModel = viewModel({ caseId: '00000000-0000-4000-8000-000000000000', createdAt: '2026-01-01T00:00:00.000Z', registration: sample.value }, 'nb', '00000000');
  for (const template of templates.all()) if (template.kind === 'overlay') checkOverlayFields(template, sampleModel);

  const pool = new ChromiumPool({ ...options.chromium, fontDir: path.join(assets, 'fonts'), logger: options.logger });
  const served = new Counter({
    name: 'efm_documents_served_total',
    help: 'Documents served, by template and whether they came from the cache',
    labelNames: ['template', 'source'],
    registers: options.registry ? [options.registry] : [],
  });
  const poolGauge = (name: string, help: string, read: (s: PoolStats) => number) =>
    new Gauge({
      name,
      help,
      registers: options.registry ? [options.registry] : [],
      collect() {
        this.set(read(pool.stats()));
      },
    });
  poolGauge('efm_render_queue_length', 'Renders waiting for a Chromium page', (s) => s.queued);
  poolGauge('efm_render_active', 'Renders in progress', (s) => s.active);
  poolGauge('efm_chromium_launches', 'Chromium launches since start (first render, crashes, recycling)', (s) => s.launches);
  poolGauge('efm_chromium_crashes', 'Chromium disconnects since start', (s) => s.crashes);
  poolGauge('efm_render_timeouts', 'Renders that missed their deadline since start', (s) => s.timeouts);
  poolGauge('efm_render_rejected', 'Renders refused because the queue was full since start', (s) => s.rejected);

  /** Concurrent requests for the same document share one render. */
  const inFlight = new Map<string, Promise<RenderedDocument>>();

  function applicableTemplate(record: CaseRecord, templateId: string): DocumentTemplate {
    const template = templates.get(templateId);
    if (!template) throw documentNotFound(templateId);
    const step = buildChecklist(record.registration, record.progress).find((s) => s.id === template.step);
    if (!step || step.status === 'not-applicable') {
      throw documentNotApplicable(template.id, template.title, step?.reason ?? { nb: 'Steget finnes ikke.', nn: 'Steget finst ikkje.', en: 'No such step.' });
    }
    return template;
  }

  function fileNameOf(template: DocumentTemplate, locale: Locale, record: CaseRecord, documentId: string): string {
    return `${template.fileName[locale]}-${record.registration.organizationNumber}-${formatReference(documentId)}.pdf`;
  }

  async function produce(template: DocumentTemplate, facts: DocumentFacts, locale: Locale, documentId: string): Promise<{ bytes: Uint8Array; pageCount: number }> {
    const model = viewModel(facts, locale, documentId);
    const title = `${template.title[locale]} – ${model.agency.name}`;
    let doc;
    if (template.kind === 'html') {
      const html = renderHtml(template, templates.sharedCss, locale, model, title);
      let raw: Uint8Array;
      try {
        raw = await pool.render({ html, tagged: template.tagged });
      } catch (error) {
        if (error instanceof QueueFullError) throw renderQueueFull(error.retryAfterSeconds);
        if (error instanceof RenderTimeoutError) throw renderTimedOut(error.timeoutMs);
        if (error instanceof RendererUnavailableError) {
          options.logger.error({ err: error }, 'renderer unavailable');
          throw rendererUnavailable();
        }
        throw error;
      }
      doc = await loadForFinishing(raw);
    } else {
      doc = await fillOverlay(template, model, font);
    }
    return finishDocument(doc, {
      documentId,
      caseId: facts.caseId,
      templateId: template.id,
      templateVersion: template.version,
      locale,
      title,
      author: model.agency.name,
      subject: template.subject[locale],
      keywords: [...template.keywords, 'eFormidling', model.organizationNumberRaw, model.documentReference],
      date: new Date(facts.createdAt),
      macKey: options.macKey,
      font,
      iccProfile,
      producer: options.producer,
      caseLine: `${locale === 'en' ? 'Case' : 'Sak'} ${facts.caseId} · ${template.id} v${template.version}`,
    });
  }

  // One read, no existence check first: the cache path of every repeat download.
  const readBlob = (sha: string): Promise<Uint8Array | undefined> => options.blobs.readAll(sha);

  async function renderDocument(record: CaseRecord, template: DocumentTemplate, locale: Locale, hash: string, useCache: boolean): Promise<RenderedDocument> {
    const facts = documentFacts(record);
    const identity = { caseId: record.id, templateId: template.id, templateVersion: template.version, locale, dataHash: hash };
    let existing = await options.issued.findByIdentity(identity);
    if (existing && useCache) {
      const cached = await readBlob(existing.sha256);
      if (cached) {
        return { bytes: cached, document: existing, etag: `"${existing.sha256}"`, fileName: fileNameOf(template, locale, record, existing.id), fromCache: true };
      }
    }
    // Two attempts: a concurrent first issue by another instance may win the record.
    for (let attempt = 0; attempt < 2; attempt++) {
      const documentId = existing?.id ?? newDocumentId();
      const { bytes, pageCount } = await produce(template, facts, locale, documentId);
      const digest = sha256(bytes);
      let document: IssuedDocument;
      if (existing) {
        document = existing;
        if (existing.sha256 !== digest) {
          // Should not happen: same facts, template and id give the same bytes.
          options.logger.error({ documentId, templateId: template.id, recorded: existing.sha256, rendered: digest }, 'a re-render of an issued document differs from the recorded one');
        }
      } else {
        document = await options.issued.record({ id: documentId, ...identity, sha256: digest, pageCount, issuedAt: options.clock().toISOString() });
        if (document.id !== documentId) {
          existing = document;
          const cached = await readBlob(document.sha256);
          if (cached) return { bytes: cached, document, etag: `"${document.sha256}"`, fileName: fileNameOf(template, locale, record, document.id), fromCache: true };
          continue;
        }
      }
      // Same bytes already kept (a re-render of an issued document): skip the fsync'd write.
      if (!(await options.blobs.has(digest))) await options.blobs.putBuffer(bytes);
      return { bytes, document, etag: `"${digest}"`, fileName: fileNameOf(template, locale, record, document.id), fromCache: false };
    }
    throw new Error('document identity kept changing while rendering');
  }

  return {
    templates,
    listForCase(record) {
      const checklist = buildChecklist(record.registration, record.progress);
      return templates
        .all()
        .filter((template) => {
          const step = checklist.find((s) => s.id === template.step);
          return step !== undefined && step.status !== 'not-applicable';
        })
        .map((template) => ({
          id: template.id,
          version: template.version,
          kind: template.kind,
          step: template.step,
          title: template.title,
          locales: template.locales,
          urls: Object.fromEntries(template.locales.map((locale) => [locale, `/api/cases/${record.id}/documents/${template.id}.pdf?lang=${locale}`])),
        }));
    },
    async render(record, templateId, locale, renderOptions = {}) {
      const template = applicableTemplate(record, templateId);
      if (!template.locales.includes(locale)) throw localeUnavailable(template.id, template.locales);
      const hash = dataHash(documentFacts(record), template.digest);
      const useCache = renderOptions.cache !== false;
      const key = `${record.id}|${template.id}|${template.version}|${locale}|${hash}|${useCache}`;
      const running = inFlight.get(key);
      if (running) return running;
      const promise = renderDocument(record, template, locale, hash, useCache)
        .then((rendered) => {
          served.inc({ template: template.id, source: rendered.fromCache ? 'cache' : 'render' });
          return rendered;
        })
        .finally(() => inFlight.delete(key));
      inFlight.set(key, promise);
      return promise;
    },
    async currentEtag(record, templateId, locale) {
      const template = applicableTemplate(record, templateId);
      if (!template.locales.includes(locale)) return undefined;
      const hash = dataHash(documentFacts(record), template.digest);
      const existing = await options.issued.findByIdentity({ caseId: record.id, templateId: template.id, templateVersion: template.version, locale, dataHash: hash });
      return existing ? `"${existing.sha256}"` : undefined;
    },
    verifyPageCode: (text) => decodePageCode(text, options.macKey),
    poolStats: () => pool.stats(),
    rendererRoot: () => pool.profileRoot,
    warmUp: () => pool.warmUp(),
    close: () => pool.close(),
  };
}


/**
 * The documents capability as the delivery outbox wants it (DeliveryDeps.renderDocument):
 * the order form mailed to servicedesk is the same issued document the agency downloads.
 */
export function documentRenderer(
  cases: { findById(id: string): Promise<CaseRecord | undefined> },
  documents: Pick<Documents, 'render'>,
): (caseId: string, templateId: string, locale: Locale) => Promise<Buffer> {
  return async (caseId, templateId, locale) => {
    const record = await cases.findById(caseId);
    if (!record) throw new Error(`case ${caseId} not found`);
    const { bytes } = await documents.render(record, templateId, locale);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
}
