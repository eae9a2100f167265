import { Router } from 'express';
import { z } from 'zod';
import { loadCaseForToken } from '../cases/case-access.js';
import type { Documents } from '../documents/documents.js';
import { LOCALES } from '../domain/locale.js';
import type { CaseRepository } from '../storage/case-repository.js';
import { bearerToken } from './auth.js';
import { parseWith } from './parse.js';
import { requestLocale } from './problem.js';

export interface DocumentsRouterDeps {
  cases: CaseRepository;
  documents: Documents;
}

export const DocumentQuery = z.object({ lang: z.enum(LOCALES).optional() });

/** True when an If-None-Match header lists `etag` (or is "*"). */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const candidate = part.trim().replace(/^W\//, '');
    return candidate === '*' || candidate === etag;
  });
}

/** Prefilled PDFs of a case; same bearer-token rules as the case itself. */
export function documentsRouter(deps: DocumentsRouterDeps): Router {
  const router = Router();

  router.get('/api/cases/:id/documents', async (req, res) => {
    const record = await loadCaseForToken(deps.cases, String(req.params.id), bearerToken(req));
    res.setHeader('Cache-Control', 'no-store').json({ documents: deps.documents.listForCase(record) });
  });

  router.get('/api/cases/:id/documents/:docId.pdf', async (req, res) => {
    const record = await loadCaseForToken(deps.cases, String(req.params.id), bearerToken(req));
    const query = parseWith(DocumentQuery, req.query);
    const docId = String(req.params.docId);
    // An explicit ?lang= is taken as asked; otherwise Accept-Language, falling back to
    // the document's own language (an overlay of an official form may exist in one only).
    const negotiated = requestLocale(req);
    const available = deps.documents.templates.get(docId)?.locales ?? [negotiated];
    const locale = query.lang ?? (available.includes(negotiated) ? negotiated : (available[0] ?? negotiated));
    // A revalidation of an unchanged document needs neither a render nor the bytes.
    const ifNoneMatch = req.get('if-none-match');
    if (ifNoneMatch) {
      const etag = await deps.documents.currentEtag(record, docId, locale);
      if (etag && matchesEtag(ifNoneMatch, etag)) {
        res.status(304).setHeader('ETag', etag).setHeader('Cache-Control', 'private, no-cache').end();
        return;
      }
    }
    const rendered = await deps.documents.render(record, docId, locale);
    res
      .status(200)
      .type('application/pdf')
      .attachment(rendered.fileName)
      .setHeader('ETag', rendered.etag)
      // Personal data: never in shared caches; browsers may keep it but must revalidate.
      .setHeader('Cache-Control', 'private, no-cache')
      .setHeader('Content-Language', locale)
      .setHeader('X-Document-Id', rendered.document.id)
      .setHeader('X-Document-Pages', String(rendered.document.pageCount))
      .setHeader('X-Cache', rendered.fromCache ? 'hit' : 'miss')
      .end(Buffer.from(rendered.bytes.buffer, rendered.bytes.byteOffset, rendered.bytes.byteLength));
  });

  return router;
}
