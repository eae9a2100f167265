import { createHash, randomBytes } from 'node:crypto';
import { PDFDocument, StandardFonts, rgb } from '@cantoo/pdf-lib';
import QRCode from 'qrcode';
import { encodePageCode, newDocumentId, pageLabel } from '../../../src/documents/reference.js';
import type { IssuedDocument } from '../../../src/storage/issued-document-repository.js';
import type { Service } from '../../../src/service.js';

/**
 * Stand-in for issued documents until the real renderer (issue 3) lands: a
 * 1–3 page A4 PDF with some text, the page's QR code (28 mm, vector) and the
 * human reference on every page, recorded like the renderer records its output.
 * Matching must not depend on how this PDF is made.
 */
export interface IssuedTestDocument {
  document: IssuedDocument;
  pdf: Uint8Array;
}

const MM = 72 / 25.4;

export async function buildDocumentPdf(
  code: { documentId: string; caseId: string; templateId: string; templateVersion: number; pageCount: number },
  key: Buffer,
  options: { pages?: number[] } = {},
): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const pages = options.pages ?? Array.from({ length: code.pageCount }, (_, i) => i + 1);
  for (const page of pages) {
    const p = doc.addPage([595.28, 841.89]);
    p.drawText(`Test document ${code.templateId} - page ${page} of ${code.pageCount}`, { x: 56, y: 780, size: 16, font });
    for (let line = 0; line < 20; line++) {
      p.drawText(`Clause ${page}.${line + 1}: the agency agrees to the terms set out in this document.`, { x: 56, y: 740 - line * 18, size: 10, font });
    }
    p.drawText('Signature: ______________________   Name: ______________________', { x: 56, y: 300, size: 11, font });
    const text = encodePageCode({ ...code, page }, key);
    const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
    const n = qr.modules.size;
    let path = '';
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) if (qr.modules.get(y, x)) path += `M${x} ${y}h1v1h-1z`;
    const size = 28 * MM;
    // drawSvgPath needs an explicit fill colour, or the modules are stroked into a blob.
    p.drawSvgPath(path, { x: 595.28 - 15 * MM - size, y: 15 * MM + size, scale: size / n, color: rgb(0, 0, 0) });
    p.drawText(pageLabel(code.documentId, page, code.pageCount, 'nb'), { x: 56, y: 15 * MM + 4, size: 10, font });
  }
  return doc.save({ useObjectStreams: false });
}

/** Builds and records an issued document for `caseId`. `key` defaults to the service's. */
export async function issueDocument(
  service: Pick<Service, 'issuedDocuments' | 'documentKey'>,
  caseId: string,
  options: { templateId?: string; pageCount?: number; key?: Buffer } = {},
): Promise<IssuedTestDocument> {
  const templateId = options.templateId ?? 'dpv-terms';
  const pageCount = options.pageCount ?? 2;
  const id = newDocumentId();
  const pdf = await buildDocumentPdf({ documentId: id, caseId, templateId, templateVersion: 1, pageCount }, options.key ?? service.documentKey);
  const document = await service.issuedDocuments.record({
    id,
    caseId,
    templateId,
    templateVersion: 1,
    locale: 'nb',
    dataHash: randomBytes(32).toString('hex'),
    sha256: createHash('sha256').update(pdf).digest('hex'),
    pageCount,
    issuedAt: new Date().toISOString(),
  });
  return { document, pdf };
}
