import type { UploadStatus } from '../domain/return-state.js';
import type { Finding, MatchedDocument, SignatureReport } from '../domain/upload-analysis.js';
import type { VerifiedSignature } from './pdf-signatures.js';

/**
 * The final word on an upload, from what page matching found plus what the file
 * itself says (an unsigned original, digital signatures). Pure.
 */
export interface Verdict {
  status: UploadStatus;
  document: MatchedDocument | null;
  pagesFound: number[];
  missingPages: number[];
  findings: Finding[];
  signatures: SignatureReport[];
}

/** An issued document found byte for byte as a prefix (a revision) of the file. */
export interface IssuedRevision {
  end: number;
  document: { id: string; caseId: string; templateId: string; pageCount: number };
}

/** Lowers a verdict: complete becomes `to`; anything becomes rejected when `to` is rejected. */
function lower(status: UploadStatus, to: UploadStatus): UploadStatus {
  if (to === 'rejected') return 'rejected';
  return status === 'complete' ? to : status;
}

/** The file is the PDF we issued, unchanged: nobody signed it. */
export function withUnsignedOriginal(verdict: Verdict): Verdict {
  return { ...verdict, status: lower(verdict.status, 'incomplete'), findings: [...verdict.findings, { code: 'not-signed' }] };
}

const SUPERSEDED_BY_HASH = new Set(['no-codes', 'awaiting-manual-review', 'reference-unknown']);

/**
 * Digital signatures: each one verified over its byte range, and whether what
 * it signed is a document we issued (a revision equal to it byte for byte, or
 * the pages' codes when the signature covers the whole file).
 * - a revision issued for another case: rejected, nothing attached;
 * - no code read, but an issued revision inside: identified by its hash;
 * - any broken signature: rejected;
 * - changes after the last signature: not complete.
 */
export function withSignatures(verdict: Verdict, caseId: string, pageCount: number, verified: readonly VerifiedSignature[], revisions: readonly IssuedRevision[]): Verdict {
  if (verified.length === 0) return verdict;
  let { status, document, pagesFound, missingPages } = verdict;
  let findings = [...verdict.findings];
  if (revisions.some((r) => r.document.caseId !== caseId)) {
    findings.push({ code: 'other-case' });
    status = 'rejected';
    document = null;
    pagesFound = [];
    missingPages = [];
  } else if (status === 'unmatched' && revisions.length > 0) {
    const issued = revisions[0]!.document;
    document = { id: issued.id, kind: issued.templateId, source: 'hash' };
    pagesFound = Array.from({ length: issued.pageCount }, (_, i) => i + 1);
    missingPages = [];
    status = pageCount >= issued.pageCount ? 'complete' : 'incomplete';
    findings = findings.filter((f) => !SUPERSEDED_BY_HASH.has(f.code));
  }

  const signatures: SignatureReport[] = verified.map(({ signedEnd, ...report }, i) => {
    const byHash = revisions.some((r) => r.document.caseId === caseId && r.end <= signedEnd);
    const byCode = document !== null && status !== 'rejected' && report.coversWholeFile;
    return { index: i + 1, ...report, signedContent: byHash ? 'issued-document-hash' : byCode ? 'issued-document-code' : 'unknown' };
  });
  for (const s of signatures) {
    findings.push(s.intact ? { code: 'signature-intact', params: { index: s.index, signer: s.signer?.subject ?? '?' } } : { code: 'signature-invalid', params: { index: s.index } });
    findings.push({ code: s.signedContent === 'unknown' ? 'signed-content-unknown' : 'signed-content-issued', params: { index: s.index } });
  }
  if (signatures.some((s) => !s.intact)) status = lower(status, 'rejected');
  const last = signatures[signatures.length - 1]!;
  if (last.intact && !last.coversWholeFile) {
    findings.push({ code: 'modified-after-signing', params: { index: last.index } });
    status = lower(status, 'incomplete');
  }
  return { status, document, pagesFound, missingPages, findings, signatures };
}
