import type { UploadDecision, UploadStatus } from './return-state.js';

/**
 * What the service concluded about an uploaded return. Stored as JSON on the
 * upload row; messages are written at read time in the reader's language, so
 * findings carry a stable code and parameters, never text.
 */
export const ACCEPTED_KINDS = ['pdf', 'jpeg', 'png', 'tiff'] as const;
export type FileKind = (typeof ACCEPTED_KINDS)[number];

export const FINDING_CODES = [
  'missing-pages',
  'repeated-page',
  'unreadable-page',
  'other-case',
  'other-document',
  'forged-code',
  'unknown-document',
  'code-mismatch',
  'no-codes',
  'awaiting-manual-review',
  'reference-unknown',
  'not-signed',
  'signature-intact',
  'signature-invalid',
  'modified-after-signing',
  'signed-content-issued',
  'signed-content-unknown',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

export interface Finding {
  code: FindingCode;
  /** Page of the upload (1-based) the finding is about, when it is about one. */
  page?: number;
  params?: Record<string, string | number>;
}

/** How the document was identified. */
export type DocumentSource = 'qr' | 'hash' | 'reference' | 'servicedesk';

export interface MatchedDocument {
  id: string;
  /** The template the document was issued from, e.g. "dpv-terms". */
  kind: string;
  source: DocumentSource;
}

export interface SignatureReport {
  /** 1-based, in file order. */
  index: number;
  subFilter: string | null;
  /** The CMS signature verifies over its byte range with the embedded signer certificate. */
  intact: boolean;
  /** The byte range is the whole file: nothing was appended after signing. */
  coversWholeFile: boolean;
  signer: { subject: string; issuer: string; serialNumber: string; validFrom: string; validTo: string } | null;
  signingTime: string | null;
  /** A signed attribute, or only the unsigned /M entry of the PDF (a claim). */
  signingTimeSource: 'signed-attribute' | 'pdf-dictionary' | null;
  /** A timestamp token is attached; it is not verified offline. */
  timestampToken: boolean;
  /** Always "not-verified": no trust list, OCSP or CRL is consulted offline. */
  chain: 'not-verified';
  /** Whether what was signed is a document we issued, and how we know. */
  signedContent: 'issued-document-hash' | 'issued-document-code' | 'unknown';
  /** Why `intact` is false, as codes (e.g. digest-mismatch, bad-signature). */
  problems: string[];
}

export interface UploadAnalysis {
  kind: FileKind;
  mediaType: string;
  /** True when the upload was an image and the analysed PDF was made from it. */
  convertedFromImage: boolean;
  pageCount: number;
  status: UploadStatus;
  document: MatchedDocument | null;
  /** Pages of the document present in the upload (document page numbers). */
  pagesFound: number[];
  missingPages: number[];
  findings: Finding[];
  signatures: SignatureReport[];
  /** Per page of the upload: which document page its code says it is, if any. */
  pages: Array<{ page: number; documentId: string | null; documentPage: number | null }>;
}

export interface UploadRecord {
  id: string;
  caseId: string;
  sha256: string;
  size: number;
  mediaType: string;
  pdfSha256: string;
  fileName: string | null;
  analysis: UploadAnalysis;
  createdAt: string;
  decision: (UploadDecision & { by: string }) | null;
}
