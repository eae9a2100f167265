import type { DecodedPageCode } from '../documents/reference.js';
import { formatReference } from '../documents/reference.js';
import type { UploadStatus } from '../domain/return-state.js';
import type { Finding, MatchedDocument, UploadAnalysis } from '../domain/upload-analysis.js';

/**
 * Deciding, from the QR codes read on each page, which issued document an
 * upload is and which of its pages are there. Pure: it sees only the decoded
 * codes and the issued-document records, never how the PDF was made.
 */

export interface IssuedDocumentFacts {
  id: string;
  caseId: string;
  templateId: string;
  templateVersion: number;
  pageCount: number;
}

export interface PageReading {
  /** Page of the upload, 1-based. */
  page: number;
  /** Our codes found on the page (codes of other systems are left out). */
  codes: DecodedPageCode[];
}

export interface MatchInput {
  caseId: string;
  pageCount: number;
  readings: readonly PageReading[];
  /** Every issued document a valid code on the upload names (looked up beforehand). */
  documents: ReadonlyMap<string, IssuedDocumentFacts>;
  /** The reference the agency typed, parsed to a document id (null when none or unparseable). */
  hint: { documentId: string | null; text: string } | null;
}

export type MatchResult = Pick<UploadAnalysis, 'status' | 'document' | 'pagesFound' | 'missingPages' | 'findings' | 'pages'>;

interface Hit {
  page: number;
  documentId: string;
  documentPage: number;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

export function matchPages(input: MatchInput): MatchResult {
  const findings: Finding[] = [];
  const hits: Hit[] = [];
  const flagged = new Set<number>();
  let otherCase = false;

  for (const reading of input.readings) {
    for (const decoded of reading.codes) {
      if (!decoded.ok) {
        if (decoded.reason === 'not-ours') continue;
        findings.push({ code: 'forged-code', page: reading.page });
        flagged.add(reading.page);
        continue;
      }
      const code = decoded.code;
      // The MAC proves we issued this code, so its case id can be trusted as is.
      if (code.caseId !== input.caseId) {
        otherCase = true;
        findings.push({ code: 'other-case', page: reading.page });
        flagged.add(reading.page);
        continue;
      }
      const issued = input.documents.get(code.documentId);
      if (!issued) {
        findings.push({ code: 'unknown-document', page: reading.page, params: { reference: formatReference(code.documentId) } });
        flagged.add(reading.page);
        continue;
      }
      if (issued.caseId !== input.caseId) {
        otherCase = true;
        findings.push({ code: 'other-case', page: reading.page });
        flagged.add(reading.page);
        continue;
      }
      if (issued.templateId !== code.templateId || issued.templateVersion !== code.templateVersion || issued.pageCount !== code.pageCount) {
        findings.push({ code: 'code-mismatch', page: reading.page, params: { reference: formatReference(code.documentId) } });
        flagged.add(reading.page);
        continue;
      }
      hits.push({ page: reading.page, documentId: code.documentId, documentPage: code.page });
    }
  }

  const pageOf = (page: number) => hits.find((h) => h.page === page);
  const pages = range(input.pageCount).map((page) => {
    const hit = pageOf(page);
    return { page, documentId: hit?.documentId ?? null, documentPage: hit?.documentPage ?? null };
  });

  // A page of another agency's document never attaches to this case.
  if (otherCase) return { status: 'rejected', document: null, pagesFound: [], missingPages: [], findings, pages };

  if (hits.length === 0) {
    const hinted = input.hint?.documentId ? input.documents.get(input.hint.documentId) : undefined;
    if (input.hint && hinted && hinted.caseId === input.caseId) {
      findings.push({ code: 'awaiting-manual-review', params: { reference: formatReference(hinted.id) } });
      return { status: 'unmatched', document: { id: hinted.id, kind: hinted.templateId, source: 'reference' }, pagesFound: [], missingPages: [], findings, pages };
    }
    if (input.hint) findings.push({ code: 'reference-unknown', params: { reference: input.hint.text.slice(0, 40) } });
    else findings.push({ code: 'no-codes' });
    return { status: 'unmatched', document: null, pagesFound: [], missingPages: [], findings, pages };
  }

  // The document is the one the agency named, if its pages are here; otherwise
  // the one with the most distinct pages (ties: the one seen first).
  const pagesPerDocument = new Map<string, Set<number>>();
  for (const hit of hits) pagesPerDocument.set(hit.documentId, (pagesPerDocument.get(hit.documentId) ?? new Set()).add(hit.documentPage));
  let primary = hits[0]!.documentId;
  for (const [id, found] of pagesPerDocument) if (found.size > pagesPerDocument.get(primary)!.size) primary = id;
  if (input.hint?.documentId && pagesPerDocument.has(input.hint.documentId)) primary = input.hint.documentId;
  const issued = input.documents.get(primary)!;

  const seen = new Set<number>();
  let foreignPages = false;
  for (const hit of hits) {
    if (hit.documentId !== primary) {
      foreignPages = true;
      findings.push({ code: 'other-document', page: hit.page, params: { reference: formatReference(hit.documentId) } });
      continue;
    }
    if (seen.has(hit.documentPage)) findings.push({ code: 'repeated-page', page: hit.page, params: { documentPage: hit.documentPage } });
    seen.add(hit.documentPage);
  }
  for (const page of range(input.pageCount)) {
    if (!pageOf(page) && !flagged.has(page)) findings.push({ code: 'unreadable-page', page });
  }
  const pagesFound = [...seen].sort((a, b) => a - b);
  const missingPages = range(issued.pageCount).filter((p) => !seen.has(p));
  if (missingPages.length > 0) findings.push({ code: 'missing-pages', params: { pages: missingPages.join(', ') } });

  // Complete means: every page of one of this case's documents, nothing of
  // another document mixed in, and no page whose code failed authentication.
  const suspicious = findings.some((f) => f.code === 'forged-code' || f.code === 'code-mismatch' || f.code === 'unknown-document');
  const status: UploadStatus = missingPages.length === 0 && !foreignPages && !suspicious ? 'complete' : 'incomplete';
  const document: MatchedDocument = { id: issued.id, kind: issued.templateId, source: 'qr' };
  findings.sort((a, b) => (a.page ?? Number.MAX_SAFE_INTEGER) - (b.page ?? Number.MAX_SAFE_INTEGER));
  return { status, document, pagesFound, missingPages, findings, pages };
}
