import { parseName, parseSignatureAlgorithm, type DistinguishedName, type SignatureAlgorithm } from '../certificate.js';
import { bitString, children, decodeBoolean, decodeOid, decodeTime, encoded, expectTag, integerHex, readRoot, sameBytes, smallInteger, TAG, value, type Tlv } from '../der.js';
import { OID } from '../oids.js';
import { verifySignature } from '../signature.js';
import { CRL_REASONS } from './ocsp.js';
import { TransportError, type RevocationChecker, type RevocationOutcome, type RevocationSubject, type RevocationTransport } from './types.js';

/**
 * CRL (RFC 5280 section 5) checking: fetch the CRL named in the certificate's
 * distribution points, verify that the issuing CA signed it and that it is
 * current, then look the serial number up. Anything short of that fails closed:
 * a stale, unsigned or unreachable CRL never means "not revoked".
 */

const CLOCK_SKEW_MS = 5 * 60_000;

export interface RevokedEntry {
  revokedAt: Date;
  reason: string | null;
}

export interface ParsedCrl {
  tbs: Uint8Array;
  signatureAlgorithm: SignatureAlgorithm;
  signature: Uint8Array;
  issuer: DistinguishedName;
  thisUpdate: Date;
  nextUpdate: Date | null;
  revoked: Map<string, RevokedEntry>;
  /** Why this CRL cannot be used as a complete CRL for its issuer (delta, indirect, unknown critical extension). */
  unsupported: string | null;
}

/** CRL extensions we understand well enough to accept when critical. */
const KNOWN_CRL_EXTENSIONS = new Set<string>([OID.crlNumber, OID.authorityKeyIdentifier, OID.issuingDistributionPoint]);

function extensionsOf(list: Tlv): { oid: string; critical: boolean; value: Uint8Array }[] {
  return children(expectTag(list, TAG.SEQUENCE, 'Extensions')).map((ext) => {
    const parts = children(ext);
    return { oid: decodeOid(parts[0]!), critical: parts.length === 3 ? decodeBoolean(parts[1]!) : false, value: value(parts[parts.length - 1]!) };
  });
}

export function parseCrl(bytes: Uint8Array): ParsedCrl {
  const root = readRoot(bytes);
  const [tbs, sigAlg, sig] = children(expectTag(root, TAG.SEQUENCE, 'CertificateList'));
  const fields = children(expectTag(tbs, TAG.SEQUENCE, 'TBSCertList'));
  let i = fields[0]?.tag === TAG.INTEGER ? 1 : 0; // version
  const innerAlg = parseSignatureAlgorithm(fields[i++]!);
  const issuer = parseName(fields[i++]!);
  const thisUpdate = decodeTime(fields[i++]!);
  let nextUpdate: Date | null = null;
  if (fields[i] && (fields[i]!.tag === TAG.UTC_TIME || fields[i]!.tag === TAG.GENERALIZED_TIME)) nextUpdate = decodeTime(fields[i++]!);
  let unsupported: string | null = null;
  const revoked = new Map<string, RevokedEntry>();
  if (fields[i]?.tag === TAG.SEQUENCE) {
    for (const entry of children(fields[i++]!)) {
      const [serial, date, entryExtensions] = children(entry);
      let reason: string | null = null;
      if (entryExtensions) {
        for (const ext of extensionsOf(entryExtensions)) {
          if (ext.oid === OID.crlReason) reason = CRL_REASONS[smallInteger(readRoot(ext.value))] ?? 'unspecified';
          else if (ext.oid === OID.certificateIssuer) unsupported = 'indirect CRL';
          else if (ext.critical && ext.oid !== OID.invalidityDate) unsupported = `unknown critical entry extension ${ext.oid}`;
        }
      }
      revoked.set(integerHex(expectTag(serial, TAG.INTEGER, 'userCertificate')), { revokedAt: decodeTime(date!), reason });
    }
  }
  if (fields[i]?.tag === 0xa0) {
    for (const ext of extensionsOf(children(fields[i]!)[0]!)) {
      if (ext.oid === OID.deltaCrlIndicator) unsupported = 'delta CRL';
      else if (ext.critical && !KNOWN_CRL_EXTENSIONS.has(ext.oid)) unsupported = `unknown critical extension ${ext.oid}`;
      else if (ext.oid === OID.issuingDistributionPoint) {
        // Only a full CRL covering end-entity certificates will do.
        for (const field of children(readRoot(ext.value))) {
          if (field.tag === 0x82 || field.tag === 0xa3 || field.tag === 0x84 || field.tag === 0x85) unsupported = 'partitioned or indirect CRL';
        }
      }
    }
  }
  const signatureAlgorithm = parseSignatureAlgorithm(sigAlg!);
  if (innerAlg.oid !== signatureAlgorithm.oid) throw new Error('signature algorithm differs between TBSCertList and CertificateList');
  return { tbs: encoded(tbs!), signatureAlgorithm, signature: bitString(expectTag(sig, TAG.BIT_STRING, 'signature')).bytes, issuer, thisUpdate, nextUpdate, revoked, unsupported };
}

type CrlProblem = Extract<RevocationOutcome, { status: 'error' }>['problem'];

/** Why this CRL cannot answer for `subject` right now, or null when it can. */
export function crlProblem(crl: ParsedCrl, subject: RevocationSubject, now: Date): { problem: CrlProblem; detail: string } | null {
  if (!sameBytes(crl.issuer.der, subject.leaf.issuer.der) && crl.issuer.canonical !== subject.leaf.issuer.canonical) {
    return { problem: 'wrong-issuer', detail: `the CRL is from ${crl.issuer.text}` };
  }
  if (!subject.issuer.publicKey || !verifySignature(crl.signatureAlgorithm, crl.tbs, crl.signature, subject.issuer.publicKey)) {
    return { problem: 'bad-signature', detail: 'the CRL is not signed by the issuing CA' };
  }
  if (crl.unsupported) return { problem: 'unsupported', detail: crl.unsupported };
  if (crl.thisUpdate.getTime() > now.getTime() + CLOCK_SKEW_MS) return { problem: 'not-yet-valid', detail: `thisUpdate ${crl.thisUpdate.toISOString()} is in the future` };
  if (!crl.nextUpdate || crl.nextUpdate.getTime() < now.getTime() - CLOCK_SKEW_MS) {
    return { problem: 'stale', detail: crl.nextUpdate ? `the CRL expired at ${crl.nextUpdate.toISOString()}` : 'the CRL has no nextUpdate' };
  }
  return null;
}

export function lookUp(crl: ParsedCrl, subject: RevocationSubject, url: string, now: Date): RevocationOutcome {
  const problem = crlProblem(crl, subject, now);
  if (problem) return { status: 'error', source: 'crl', url, ...problem };
  const entry = crl.revoked.get(subject.leaf.serialNumber);
  if (entry) return { status: 'revoked', source: 'crl', url, revokedAt: entry.revokedAt, reason: entry.reason };
  return { status: 'good', source: 'crl', url, checkedAt: now };
}

export interface CrlCheckerOptions {
  transport: RevocationTransport;
  timeoutMs: number;
  maxBytes: number;
  /** A fetched CRL is reused until its nextUpdate, but at most this long. */
  maxCacheMs?: number;
  /** How many distinct CRL URLs to keep. */
  maxCachedCrls?: number;
}

interface CacheEntry {
  crl: ParsedCrl;
  fetchedAt: number;
}

export function createCrlChecker(options: CrlCheckerOptions): RevocationChecker {
  const maxCacheMs = options.maxCacheMs ?? 3600_000;
  const maxCached = options.maxCachedCrls ?? 64;
  const cache = new Map<string, CacheEntry>();
  const inFlight = new Map<string, Promise<ParsedCrl>>();

  async function download(url: string): Promise<ParsedCrl> {
    const pending = inFlight.get(url);
    if (pending) return pending;
    const promise = (async () => {
      const bytes = await options.transport.fetch({ url, method: 'GET', accept: 'application/pkix-crl', timeoutMs: options.timeoutMs, maxBytes: options.maxBytes });
      return parseCrl(bytes);
    })();
    inFlight.set(url, promise);
    try {
      return await promise;
    } finally {
      inFlight.delete(url);
    }
  }

  return {
    mode: 'crl',
    async check(subject, now) {
      const url = subject.leaf.crlUrls.find((u) => /^https?:\/\//i.test(u)) ?? null;
      if (!url) return { status: 'error', source: 'crl', url: null, problem: 'no-url', detail: 'the certificate names no HTTP CRL distribution point' };
      const cached = cache.get(url);
      const usable = cached && !crlProblem(cached.crl, subject, now);
      if (cached && usable && now.getTime() - cached.fetchedAt < maxCacheMs) return lookUp(cached.crl, subject, url, now);
      let crl: ParsedCrl;
      try {
        crl = await download(url);
      } catch (error) {
        // A cached CRL that is still current remains authoritative until its nextUpdate.
        if (cached && usable) return lookUp(cached.crl, subject, url, now);
        if (error instanceof TransportError) return { status: 'error', source: 'crl', url, problem: error.problem, detail: error.message };
        return { status: 'error', source: 'crl', url, problem: 'malformed', detail: error instanceof Error ? error.message : 'unreadable CRL' };
      }
      const outcome = lookUp(crl, subject, url, now);
      if (outcome.status !== 'error') {
        cache.delete(url);
        cache.set(url, { crl, fetchedAt: now.getTime() });
        while (cache.size > maxCached) cache.delete(cache.keys().next().value!);
      }
      return outcome;
    },
  };
}
