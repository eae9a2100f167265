import { describe, expect, it } from 'vitest';
import { decodePageCode, encodePageCode, type DecodedPageCode } from '../../src/documents/reference.js';
import { matchPages, type IssuedDocumentFacts, type PageReading } from '../../src/returns/matching.js';

const KEY = Buffer.alloc(32, 7);
const OTHER_KEY = Buffer.alloc(32, 8);
const CASE = '11111111-2222-3333-4444-555555555555';
const OTHER_CASE = '99999999-2222-3333-4444-555555555555';

const docA: IssuedDocumentFacts = { id: 'AAAAAAAA', caseId: CASE, templateId: 'dpv-terms', templateVersion: 1, pageCount: 3 };
const docB: IssuedDocumentFacts = { id: 'BBBBBBBB', caseId: CASE, templateId: 'order-form', templateVersion: 1, pageCount: 2 };
const docX: IssuedDocumentFacts = { id: 'XXXXXXXX', caseId: OTHER_CASE, templateId: 'dpv-terms', templateVersion: 1, pageCount: 2 };
const documents = new Map([docA, docB, docX].map((d) => [d.id, d]));

/** The decoded code of page `page` of `doc`, as the QR reader would return it. */
function code(doc: IssuedDocumentFacts, page: number, key = KEY): DecodedPageCode {
  return decodePageCode(encodePageCode({ documentId: doc.id, caseId: doc.caseId, templateId: doc.templateId, templateVersion: doc.templateVersion, page, pageCount: doc.pageCount }, key), KEY);
}
const pages = (...codes: Array<DecodedPageCode[]>): PageReading[] => codes.map((c, i) => ({ page: i + 1, codes: c }));
const match = (readings: PageReading[], hint: { documentId: string | null; text: string } | null = null) =>
  matchPages({ caseId: CASE, pageCount: readings.length, readings, documents, hint });
const codesOf = (result: ReturnType<typeof match>) => result.findings.map((f) => `${f.code}${f.page ? `@${f.page}` : ''}`);

describe('matching pages to the issued document', () => {
  it('every page, in any order: complete', () => {
    const result = match(pages([code(docA, 2)], [code(docA, 1)], [code(docA, 3)]));
    expect(result).toMatchObject({ status: 'complete', document: { id: 'AAAAAAAA', kind: 'dpv-terms', source: 'qr' }, pagesFound: [1, 2, 3], missingPages: [] });
    expect(result.findings).toEqual([]);
  });

  it('a missing page: incomplete, and which one', () => {
    const result = match(pages([code(docA, 1)], [code(docA, 3)]));
    expect(result).toMatchObject({ status: 'incomplete', pagesFound: [1, 3], missingPages: [2] });
    expect(codesOf(result)).toEqual(['missing-pages']);
  });

  it('a repeated page is reported but does not hide completeness', () => {
    const result = match(pages([code(docA, 1)], [code(docA, 2)], [code(docA, 2)], [code(docA, 3)]));
    expect(result.status).toBe('complete');
    expect(codesOf(result)).toEqual(['repeated-page@3']);
  });

  it('a blank back page (duplex scan) is unreadable but harmless', () => {
    const result = match(pages([code(docA, 1)], [], [code(docA, 2)], [code(docA, 3)]));
    expect(result.status).toBe('complete');
    expect(codesOf(result)).toEqual(['unreadable-page@2']);
  });

  it('pages of two documents mixed: the main one by page count, the others reported', () => {
    const result = match(pages([code(docA, 1)], [code(docB, 1)], [code(docA, 2)], [code(docA, 3)]));
    expect(result).toMatchObject({ status: 'incomplete', document: { id: 'AAAAAAAA' }, missingPages: [] });
    expect(codesOf(result)).toEqual(['other-document@2']);
  });

  it('a page of another case: rejected, nothing attached, nothing of the other case revealed', () => {
    const result = match(pages([code(docA, 1)], [code(docX, 1)]));
    expect(result).toMatchObject({ status: 'rejected', document: null, pagesFound: [], missingPages: [] });
    expect(codesOf(result)).toContain('other-case@2');
    expect(JSON.stringify(result)).not.toContain(docX.id);
    expect(JSON.stringify(result)).not.toContain(OTHER_CASE);
  });

  it('another case is recognised from the authenticated code even when its record is unknown here', () => {
    const unknown = { ...docX, id: 'ZZZZZZZZ' };
    expect(match(pages([code(unknown, 1)])).status).toBe('rejected');
  });

  it('forged codes (wrong key): unmatched, every forged page named', () => {
    const result = match(pages([code(docA, 1, OTHER_KEY)], [code(docA, 2, OTHER_KEY)]));
    expect(result).toMatchObject({ status: 'unmatched', document: null });
    expect(codesOf(result)).toEqual(['forged-code@1', 'forged-code@2', 'no-codes']);
  });

  it('a forged page among genuine ones keeps the upload from being complete', () => {
    const result = match(pages([code(docA, 1)], [code(docA, 2)], [code(docA, 3)], [code(docB, 1, OTHER_KEY)]));
    expect(result.status).toBe('incomplete');
    expect(codesOf(result)).toContain('forged-code@4');
  });

  it('codes of other systems (a URL on the page) are ignored', () => {
    const result = match(pages([code(docA, 1), { ok: false, reason: 'not-ours' }], [code(docA, 2)], [code(docA, 3)]));
    expect(result.status).toBe('complete');
  });

  it('no code but a reference of this case: waits for manual review with that document', () => {
    const result = match(pages([], []), { documentId: 'BBBBBBBB', text: 'EFM-BBBB-BBBB' });
    expect(result).toMatchObject({ status: 'unmatched', document: { id: 'BBBBBBBB', kind: 'order-form', source: 'reference' } });
    expect(codesOf(result)).toEqual(['awaiting-manual-review']);
  });

  it('no code and a reference of another case: unknown, not attached', () => {
    const result = match(pages([]), { documentId: 'XXXXXXXX', text: 'EFM-XXXX-XXXX' });
    expect(result).toMatchObject({ status: 'unmatched', document: null });
    expect(codesOf(result)).toEqual(['reference-unknown']);
  });

  it('no code and no reference: asks for the reference', () => {
    expect(codesOf(match(pages([])))).toEqual(['no-codes']);
  });

  it('a code that disagrees with the issued record (template version) is not trusted', () => {
    const stale = decodePageCode(encodePageCode({ documentId: docA.id, caseId: CASE, templateId: 'dpv-terms', templateVersion: 2, page: 1, pageCount: 3 }, KEY), KEY);
    const result = match(pages([stale], [code(docA, 2)], [code(docA, 3)]));
    expect(result.status).toBe('incomplete');
    expect(codesOf(result)).toContain('code-mismatch@1');
  });

  it('the reference the agency gave picks the document when two are present in equal part', () => {
    const result = match(pages([code(docB, 1)], [code(docA, 1)]), { documentId: 'AAAAAAAA', text: 'EFM-AAAA-AAAA' });
    expect(result.document?.id).toBe('AAAAAAAA');
  });
});
