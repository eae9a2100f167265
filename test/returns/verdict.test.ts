import { describe, expect, it } from 'vitest';
import type { VerifiedSignature } from '../../src/returns/pdf-signatures.js';
import { withSignatures, withUnsignedOriginal, type IssuedRevision, type Verdict } from '../../src/returns/verdict.js';

const CASE = 'case-a';
const complete: Verdict = { status: 'complete', document: { id: 'DOC00001', kind: 'dpv-terms', source: 'qr' }, pagesFound: [1, 2], missingPages: [], findings: [], signatures: [] };
const unmatched: Verdict = { status: 'unmatched', document: null, pagesFound: [], missingPages: [], findings: [{ code: 'no-codes' }], signatures: [] };
const signature = (over: Partial<VerifiedSignature> = {}): VerifiedSignature => ({
  subFilter: 'adbe.pkcs7.detached',
  intact: true,
  coversWholeFile: true,
  signer: { subject: 'CN=Kari', issuer: 'CN=Kari', serialNumber: '01', validFrom: '', validTo: '' },
  signingTime: null,
  signingTimeSource: null,
  timestampToken: false,
  chain: 'not-verified',
  problems: [],
  signedEnd: 5000,
  ...over,
});
const revision = (caseId = CASE, end = 1000): IssuedRevision => ({ end, document: { id: 'DOC00001', caseId, templateId: 'dpv-terms', pageCount: 2 } });
const codes = (v: Verdict) => v.findings.map((f) => f.code);

describe('the verdict from signatures', () => {
  it.each([
    ['intact, whole file, issued revision', complete, [signature()], [revision()], 'complete', 'issued-document-hash'],
    ['intact, whole file, identified by codes only', complete, [signature()], [], 'complete', 'issued-document-code'],
    ['broken signature', complete, [signature({ intact: false, problems: ['digest-mismatch'] })], [revision()], 'rejected', 'issued-document-hash'],
    ['changed after the only signature', complete, [signature({ coversWholeFile: false })], [revision()], 'incomplete', 'issued-document-hash'],
    ['no code, but an issued revision: identified by hash', unmatched, [signature()], [revision()], 'complete', 'issued-document-hash'],
    ['no code, no issued revision', unmatched, [signature()], [], 'unmatched', 'unknown'],
    ["an issued revision of another case's document", complete, [signature()], [revision('case-b')], 'rejected', 'unknown'],
  ] as const)('%s → %s', (_name, verdict, signatures, revisions, status, signedContent) => {
    const result = withSignatures(verdict, CASE, 2, signatures, revisions);
    expect(result.status).toBe(status);
    expect(result.signatures[0]!.signedContent).toBe(signedContent);
  });

  it('an earlier signature not covering the file is fine when the last one does (a second signer)', () => {
    const result = withSignatures(complete, CASE, 2, [signature({ coversWholeFile: false, signedEnd: 3000 }), signature({ signedEnd: 5000 })], [revision()]);
    expect(result.status).toBe('complete');
    expect(codes(result)).not.toContain('modified-after-signing');
  });

  it('identification by hash replaces the request for a reference', () => {
    expect(codes(withSignatures(unmatched, CASE, 2, [signature()], [revision()]))).not.toContain('no-codes');
  });

  it('the unsigned original is never complete, and never un-rejects', () => {
    expect(withUnsignedOriginal(complete)).toMatchObject({ status: 'incomplete', findings: [{ code: 'not-signed' }] });
    expect(withUnsignedOriginal({ ...complete, status: 'rejected' }).status).toBe('rejected');
  });
});
