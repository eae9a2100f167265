import { performance } from 'node:perf_hooks';
import { decodePageCode, parseReference, type DecodedPageCode } from '../documents/reference.js';
import type { FileKind, UploadAnalysis } from '../domain/upload-analysis.js';
import type { BlobStore, StoredBlob } from '../storage/blob-store.js';
import type { IssuedDocument, IssuedDocumentRepository } from '../storage/issued-document-repository.js';
import { WorkerFailedError, WorkerTimeoutError, type AnalysisWorker } from './analysis-worker-client.js';
import type { InspectResult } from './analysis-worker.js';
import { ambiguousFileType, analysisTimedOut, emptyFile, imageProblem, pdfActiveContent, pdfEncrypted, pdfUnreadable, tooManyPages, unsupportedFileType } from './errors.js';
import { detectFileType } from './file-type.js';
import { ImageProblem, imageToPdf } from './image-to-pdf.js';
import { matchPages, type IssuedDocumentFacts, type PageReading } from './matching.js';
import type { PdfStructure } from './pdf-inspect.js';
import type { VerifiedSignature } from './pdf-signatures.js';
import { withSignatures, withUnsignedOriginal, type IssuedRevision, type Verdict } from './verdict.js';

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

/** Images become a PDF (stored as a blob of its own); a PDF stays itself. */
async function asPdf(deps: AnalyseDeps, blob: StoredBlob, kind: FileKind): Promise<StoredBlob> {
  if (kind === 'pdf') return blob;
  try {
    const converted = await imageToPdf(deps.blobs.pathOf(blob.sha256), { maxPages: deps.limits.maxPages, maxPixels: deps.limits.maxPixels });
    return await deps.blobs.putBuffer(converted.pdf);
  } catch (error) {
    if (!(error instanceof ImageProblem)) throw error;
    if (error.problem === 'too-many-pages') throw tooManyPages(error.params.pageCount ?? 0, deps.limits.maxPages);
    throw imageProblem(error.problem, deps.limits.maxPixels);
  }
}

/** The PDF's structure and signatures, or the refusal that says what is wrong with it. */
async function inspected(deps: AnalyseDeps, pdfPath: string): Promise<{ structure: PdfStructure; signatures: VerifiedSignature[] }> {
  let result: InspectResult;
  try {
    result = await deps.worker.inspect(pdfPath, deps.limits.maxPages);
  } catch (error) {
    if (error instanceof WorkerTimeoutError) throw analysisTimedOut();
    // The parser took the worker down with it: the file is what is broken.
    if (error instanceof WorkerFailedError) throw pdfUnreadable('malformed');
    throw error;
  }
  const { inspection } = result;
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
  if (result.popplerPageCount !== inspection.pageCount) throw pdfUnreadable('malformed');
  return { structure: inspection, signatures: result.signatures };
}

/**
 * Page by page (render with pdftoppm, decode with zxing, both from the worker);
 * only our decoded codes come back, so memory does not grow with the page count.
 * A page without any code of ours is read again at a higher resolution.
 */
async function readPages(deps: AnalyseDeps, pdfPath: string, structure: PdfStructure): Promise<PageReading[]> {
  const readPage = async (page: number, dpi: number): Promise<DecodedPageCode[]> => {
    try {
      const result = await deps.worker.readPage(pdfPath, page, dpiFor(structure.pageSizes[page - 1]!, dpi));
      // A page poppler cannot render counts as unreadable; the matcher reports it.
      if (result.texts === null) return [];
      return result.texts.map((text) => decodePageCode(text, deps.documentKey)).filter((d) => d.ok || d.reason !== 'not-ours');
    } catch (error) {
      // A page that hangs or crashes the reader is an unreadable page, not a failed upload.
      if (error instanceof WorkerTimeoutError || error instanceof WorkerFailedError) return [];
      throw error;
    }
  };
  const readings: PageReading[] = [];
  for (let page = 1; page <= structure.pageCount; page++) {
    let codes = await readPage(page, FIRST_DPI);
    if (codes.length === 0) codes = await readPage(page, RETRY_DPI);
    readings.push({ page, codes });
  }
  return readings;
}

/** Every issued document a valid code of this case names, and the one the agency typed. */
async function documentsNamed(deps: AnalyseDeps, caseId: string, readings: PageReading[], hintId: string | null): Promise<Map<string, IssuedDocumentFacts>> {
  const ids = new Set<string>();
  for (const reading of readings) for (const c of reading.codes) if (c.ok && c.code.caseId === caseId) ids.add(c.code.documentId);
  if (hintId) ids.add(hintId);
  const documents = new Map<string, IssuedDocumentFacts>();
  for (const id of ids) {
    const found = await deps.issuedDocuments.findById(id);
    if (found) documents.set(id, facts(found));
  }
  return documents;
}

/** Issued documents found byte for byte as revisions of a signed file. */
async function issuedRevisions(deps: AnalyseDeps, structure: PdfStructure): Promise<IssuedRevision[]> {
  const revisions: IssuedRevision[] = [];
  for (const revision of structure.revisionHashes) {
    const found = await deps.issuedDocuments.findBySha256(revision.sha256);
    if (found) revisions.push({ end: revision.end, document: found });
  }
  return revisions;
}

export async function analyseUpload(deps: AnalyseDeps, input: AnalyseInput): Promise<AnalyseResult> {
  const started = performance.now();
  const { kind, mediaType } = await checkedKind(deps.blobs.pathOf(input.blob.sha256), input.blob);
  const pdf = await asPdf(deps, input.blob, kind);
  const pdfPath = deps.blobs.pathOf(pdf.sha256);
  const { structure, signatures } = await inspected(deps, pdfPath);

  const pagesStarted = performance.now();
  const readings = await readPages(deps, pdfPath, structure);
  const hintId = input.documentReference ? parseReference(input.documentReference) : null;
  const match = matchPages({
    caseId: input.caseId,
    pageCount: structure.pageCount,
    readings,
    documents: await documentsNamed(deps, input.caseId, readings, hintId),
    hint: input.documentReference ? { documentId: hintId, text: input.documentReference } : null,
  });

  let verdict: Verdict = { ...match, signatures: [] };
  if (kind === 'pdf') {
    const same = await deps.issuedDocuments.findBySha256(input.blob.sha256);
    if (same && same.caseId === input.caseId) verdict = withUnsignedOriginal(verdict);
  }
  if (signatures.length > 0) verdict = withSignatures(verdict, input.caseId, structure.pageCount, signatures, await issuedRevisions(deps, structure));

  const analysis: UploadAnalysis = {
    kind,
    mediaType,
    convertedFromImage: kind !== 'pdf',
    pageCount: structure.pageCount,
    status: verdict.status,
    document: verdict.document,
    pagesFound: verdict.pagesFound,
    missingPages: verdict.missingPages,
    findings: verdict.findings,
    signatures: verdict.signatures,
    pages: match.pages,
  };
  const now = performance.now();
  return { analysis, pdf, timings: { totalMs: now - started, pages: structure.pageCount, pagesMs: now - pagesStarted } };
}
