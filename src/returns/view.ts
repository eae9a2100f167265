import { formatReference } from '../documents/reference.js';
import type { Locale } from '../domain/locale.js';
import type { UploadRecord } from '../domain/upload-analysis.js';
import { findingMessage, signatureSummary } from './messages.js';

/** The public shape of an upload and its analysis, in the reader's language. */
export function uploadView(upload: UploadRecord, locale: Locale, base: string) {
  const a = upload.analysis;
  const self = `${base}/${upload.id}`;
  return {
    id: upload.id,
    sha256: upload.sha256,
    size: upload.size,
    mediaType: upload.mediaType,
    fileName: upload.fileName,
    createdAt: upload.createdAt,
    pageCount: a.pageCount,
    status: a.status,
    document: a.document ? { id: a.document.id, kind: a.document.kind, reference: formatReference(a.document.id), source: a.document.source } : null,
    pagesFound: a.pagesFound,
    missingPages: a.missingPages,
    findings: a.findings.map((f) => ({ code: f.code, ...(f.page !== undefined ? { page: f.page } : {}), message: findingMessage(f, locale) })),
    signatures: a.signatures.map((s) => ({ ...s, summary: signatureSummary(s, locale) })),
    convertedFromImage: a.convertedFromImage,
    pages: a.pages,
    decision: upload.decision ? { outcome: upload.decision.outcome, reason: upload.decision.reason, at: upload.decision.at } : null,
    links: { self, file: `${self}/file`, pdf: `${self}/pdf` },
  };
}
