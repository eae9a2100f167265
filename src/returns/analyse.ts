import { performance } from 'node:perf_hooks';
import { decodePageCode, parseReference, type DecodedPageCode } from '../documents/reference.js';
import type { UploadStatus } from '../domain/return-state.js';
import type { FileKind, Finding, SignatureReport, UploadAnalysis } from '../domain/upload-analysis.js';
import type { BlobStore, StoredBlob } from '../storage/blob-store.js';
import type { IssuedDocument, IssuedDocumentRepository } from '../storage/issued-document-repository.js';
import { WorkerFailedError, WorkerTimeoutError, type AnalysisWorker } from './analysis-worker-client.js';
import { ambiguousFileType, analysisTimedOut, emptyFile, imageProblem, pdfActiveContent, pdfEncrypted, pdfUnreadable, tooManyPages, unsupportedFileType } from './errors.js';
import { detectFileType } from './file-type.js';
import { ImageProblem, imageToPdf } from './image-to-pdf.js';
import { matchPages, type IssuedDocumentFacts, type PageReading } from './matching.js';

/**
 * The analysis of one stored upload: what it is, whether it is safe, which
 * issued document and pages it holds, and what its digital signatures say.
 * Throws an AppError when the file is refused (415/422); otherwise returns the
 * analysis to store. Work is page by page so memory stays flat with page count.
 */
export interface UploadLimits {
  maxBytes: number;
  maxPages: number;
  maxPixels: number;
}

export interface AnalyseDeps {
  worker: AnalysisWorker;
  blobs: BlobStore;
  issuedDocuments: Pick<IssuedDocumentRepository, 'findById' | 'findBySha256'>;
  documentKey: Buffer;
  limits: UploadLimits;
}

export interface AnalyseInput {
  caseId: string;
  blob: StoredBlob;
  /** The reference the agency typed, when it gave one. */
  documentReference: string | null;
}

export interface AnalyseResult {
  analysis: UploadAnalysis;
  /** The PDF that was analysed (the upload, or the PDF made from an image). */
  pdf: StoredBlob;
  timings: { totalMs: number; pages: number; pagesMs: number };
}

/** First pass resolution; pages with no code of ours are read again at RETRY_DPI. */
const FIRST_DPI = 150;
const RETRY_DPI = 300;
/** Upper bound on pixels per rendered page, whatever the page size claims. */
const MAX_RENDER_PIXELS = 16_000_000;

function dpiFor(size: { width: number; height: number }, wanted: number): number {
  const squareInches = Math.max(1e-3, (size.width / 72) * (size.height / 72));
  return Math.max(36, Math.min(wanted, Math.floor(Math.sqrt(MAX_RENDER_PIXELS / squareInches))));
}

function facts(document: IssuedDocument): IssuedDocumentFacts {
  return { id: document.id, caseId: document.caseId, templateId: document.templateId, templateVersion: document.templateVersion, pageCount: document.pageCount };
}

/** Refusals of the file itself, before any page is looked at. */
async function checkedKind(blobPath: string, blob: StoredBlob): Promise<{ kind: FileKind; mediaType: string }> {
  const detection = await detectFileType(blobPath, blob.size);
  if (detection.ok) return detection;
  if (detection.reason === 'empty') throw emptyFile();
  if (detection.reason === 'ambiguous') throw ambiguousFileType(detection.kinds);
  throw unsupportedFileType(detection.detected);
}

export async function analyseUpload(deps: AnalyseDeps, input: AnalyseInput): Promise<AnalyseResult> {
  const started = performance.now();
  const { kind, mediaType } = await checkedKind(deps.blobs.pathOf(input.blob.sha256), input.blob);

  // Images become a PDF first; from here on every upload is a PDF.
  let pdf: StoredBlob = input.blob;
  if (kind !== 'pdf') {
    try {
      const converted = await imageToPdf(deps.blobs.pathOf(input.blob.sha256), { maxPages: deps.limits.maxPages, maxPixels: deps.limits.maxPixels });
      pdf = await deps.blobs.putBuffer(converted.pdf);
    } catch (error) {
      if (!(error instanceof ImageProblem)) throw error;
      if (error.problem === 'too-many-pages') throw tooManyPages(error.params.pageCount ?? 0, deps.limits.maxPages);
      throw imageProblem(error.problem, deps.limits.maxPixels);
    }
  }
  const pdfPath = deps.blobs.pathOf(pdf.sha256);

  let inspected;
  try {
    inspected = await deps.worker.inspect(pdfPath, deps.limits.maxPages);
  } catch (error) {
    if (error instanceof WorkerTimeoutError) throw analysisTimedOut();
    // The parser took the worker down with it: the file is what is broken.
    if (error instanceof WorkerFailedError) throw pdfUnreadable('malformed');
    throw error;
  }
  const { inspection } = inspected;
  if (!inspection.ok) {
    switch (inspection.problem) {
      case 'encrypted':
        throw pdfEncrypted();
      case 'active-content':
        throw pdfActiveContent(inspection.contains);
      case 'too-many-pages':
        throw tooManyPages(inspection.pageCount, inspection.limit);
      default:
        throw pdfUnreadable(inspection.problem);
    }
  }
  // Two independent parsers must agree on what the file is: a PDF that pdf-lib
  // and poppler read differently is damaged or built to confuse one of them.
  if (inspected.popplerPageCount !== inspection.pageCount) throw pdfUnreadable('malformed');

  // Page by page (render with pdftoppm, decode with zxing, both from the
  // worker); only the decoded codes come back, so memory does not grow with pages.
  const readings: PageReading[] = [];
  const pagesStarted = performance.now();
  const readPage = async (page: number, dpi: number): Promise<DecodedPageCode[]> => {
    try {
      const result = await deps.worker.readPage(pdfPath, page, dpiFor(inspection.pageSizes[page - 1]!, dpi));
      // A page poppler cannot render counts as unreadable; the matcher reports it.
      if (result.texts === null) return [];
      return result.texts.map((text) => decodePageCode(text, deps.documentKey)).filter((d) => d.ok || d.reason !== 'not-ours');
    } catch (error) {
      // A page that hangs or crashes the reader is an unreadable page, not a failed upload.
      if (error instanceof WorkerTimeoutError || error instanceof WorkerFailedError) return [];
      throw error;
    }
  };
  for (let page = 1; page <= inspection.pageCount; page++) {
    let codes = await readPage(page, FIRST_DPI);
    if (codes.length === 0) codes = await readPage(page, RETRY_DPI);
    readings.push({ page, codes });
  }

  // Look up every document a valid code of this case names, and the one the agency typed.
  const hintId = input.documentReference ? parseReference(input.documentReference) : null;
  const ids = new Set<string>();
  for (const reading of readings) for (const c of reading.codes) if (c.ok && c.code.caseId === input.caseId) ids.add(c.code.documentId);
  if (hintId) ids.add(hintId);
  const documents = new Map<string, IssuedDocumentFacts>();
  for (const id of ids) {
    const found = await deps.issuedDocuments.findById(id);
    if (found) documents.set(id, facts(found));
  }
  const match = matchPages({
    caseId: input.caseId,
    pageCount: inspection.pageCount,
    readings,
    documents,
    hint: input.documentReference ? { documentId: hintId, text: input.documentReference } : null,
  });

  let { status, document, pagesFound, missingPages } = match;
  const findings: Finding[] = [...match.findings];
  const notComplete = (to: UploadStatus) => {
    if (status === 'complete' || (to === 'rejected' && status !== 'rejected')) status = to;
  };

  // The file we issued, unchanged: nobody signed it.
  if (kind === 'pdf') {
    const same = await deps.issuedDocuments.findBySha256(input.blob.sha256);
    if (same && same.caseId === input.caseId) {
      findings.push({ code: 'not-signed' });
      notComplete('incomplete');
    }
  }

  // Digital signatures: each one verified over its byte range, and whether what
  // it signed is a document we issued (a revision equal to it byte for byte, or
  // the pages' codes when the signature covers the whole file).
  const signatures: SignatureReport[] = [];
  if (inspected.signatures.length > 0) {
    const issuedRevisions: Array<{ end: number; document: IssuedDocument }> = [];
    for (const revision of inspection.revisionHashes) {
      const found = await deps.issuedDocuments.findBySha256(revision.sha256);
      if (found) issuedRevisions.push({ end: revision.end, document: found });
    }
    if (issuedRevisions.some((r) => r.document.caseId !== input.caseId)) {
      findings.push({ code: 'other-case' });
      status = 'rejected';
      document = null;
      pagesFound = [];
      missingPages = [];
    } else if (status === 'unmatched' && issuedRevisions.length > 0) {
      // No code could be read, but the file contains an issued document verbatim.
      const issued = issuedRevisions[0]!.document;
      document = { id: issued.id, kind: issued.templateId, source: 'hash' };
      pagesFound = Array.from({ length: issued.pageCount }, (_, i) => i + 1);
      missingPages = [];
      status = inspection.pageCount >= issued.pageCount ? 'complete' : 'incomplete';
      const drop = new Set(['no-codes', 'awaiting-manual-review', 'reference-unknown']);
      for (let i = findings.length - 1; i >= 0; i--) if (drop.has(findings[i]!.code)) findings.splice(i, 1);
    }
    inspected.signatures.forEach((verified, i) => {
      const index = i + 1;
      const { signedEnd, ...report } = verified;
      const byHash = issuedRevisions.some((r) => r.document.caseId === input.caseId && r.end <= signedEnd);
      const signedContent: SignatureReport['signedContent'] = byHash
        ? 'issued-document-hash'
        : document && status !== 'rejected' && report.coversWholeFile
          ? 'issued-document-code'
          : 'unknown';
      signatures.push({ index, ...report, signedContent });
      if (report.intact) findings.push({ code: 'signature-intact', params: { index, signer: report.signer?.subject ?? '?' } });
      else findings.push({ code: 'signature-invalid', params: { index } });
      findings.push({ code: signedContent === 'unknown' ? 'signed-content-unknown' : 'signed-content-issued', params: { index } });
    });
    if (signatures.some((s) => !s.intact)) notComplete('rejected');
    const last = signatures[signatures.length - 1]!;
    if (last.intact && !last.coversWholeFile) {
      findings.push({ code: 'modified-after-signing', params: { index: last.index } });
      notComplete('incomplete');
    }
  }

  const analysis: UploadAnalysis = {
    kind,
    mediaType,
    convertedFromImage: kind !== 'pdf',
    pageCount: inspection.pageCount,
    status,
    document,
    pagesFound,
    missingPages,
    findings,
    signatures,
    pages: match.pages,
  };
  return { analysis, pdf, timings: { totalMs: performance.now() - started, pages: inspection.pageCount, pagesMs: performance.now() - pagesStarted } };
}
