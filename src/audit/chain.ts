import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/**
 * The audit trail of a case is a hash chain: every entry carries the hash of the
 * one before it, and its own hash covers its content and that link. Editing,
 * inserting or deleting an entry breaks the chain from that point on; the case
 * row keeps the hash of the newest entry, so dropping the tail is caught too.
 */
export const GENESIS = '0'.repeat(64);

export interface AuditEntryContent {
  caseId: string;
  seq: number;
  type: string;
  actor: string;
  at: string;
  data: Record<string, unknown>;
  /** SHA-256 of the artefact the event is about (a PDF, an upload, a certificate). */
  artefactSha256: string | null;
  prevHash: string;
}

export interface AuditEntry extends AuditEntryContent {
  hash: string;
}

export function entryHash(entry: AuditEntryContent): string {
  return createHash('sha256')
    .update(
      canonicalJson({
        v: 1,
        caseId: entry.caseId,
        seq: entry.seq,
        type: entry.type,
        actor: entry.actor,
        at: entry.at,
        data: entry.data,
        artefactSha256: entry.artefactSha256,
        prevHash: entry.prevHash,
      }),
    )
    .digest('hex');
}

export type ChainProblem =
  | { kind: 'edited'; seq: number }
  | { kind: 'broken-link'; seq: number }
  | { kind: 'gap'; afterSeq: number; nextSeq: number }
  | { kind: 'head-mismatch'; expected: string | null; actual: string };

export interface ChainVerdict {
  ok: boolean;
  entries: number;
  head: string;
  problems: ChainProblem[];
}

/**
 * Verifies one case's entries (in seq order) against the head hash stored on the
 * case. Reports every problem, not only the first, so an auditor sees the extent.
 */
export function verifyChain(entries: readonly AuditEntry[], storedHead: string | null): ChainVerdict {
  const problems: ChainProblem[] = [];
  let prev = GENESIS;
  let prevSeq = 0;
  for (const entry of entries) {
    if (entry.seq !== prevSeq + 1) problems.push({ kind: 'gap', afterSeq: prevSeq, nextSeq: entry.seq });
    if (entry.prevHash !== prev) problems.push({ kind: 'broken-link', seq: entry.seq });
    if (entryHash(entry) !== entry.hash) problems.push({ kind: 'edited', seq: entry.seq });
    prev = entry.hash;
    prevSeq = entry.seq;
  }
  if (storedHead !== prev && !(storedHead === null && entries.length === 0)) {
    problems.push({ kind: 'head-mismatch', expected: storedHead, actual: prev });
  }
  return { ok: problems.length === 0, entries: entries.length, head: prev, problems };
}
