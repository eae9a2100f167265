import { createHash, randomBytes } from 'node:crypto';
import { parseCertificate, parseName, parseSignatureAlgorithm, signedBy, type ParsedCertificate, type SignatureAlgorithm } from '../certificate.js';
import {
  bitString,
  children,
  decodeOid,
  decodeTime,
  derNull,
  encoded,
  encodeOid,
  expectTag,
  integerHex,
  octetString,
  readRoot,
  sameBytes,
  sequence,
  smallInteger,
  TAG,
  tlv,
  value,
  type Tlv,
} from '../der.js';
import { HASH_ALGORITHMS, OID } from '../oids.js';
import { verifySignature } from '../signature.js';
import { TransportError, type RevocationChecker, type RevocationOutcome, type RevocationSubject, type RevocationTransport } from './types.js';

/**
 * OCSP (RFC 6960) client: request for one certificate, POSTed to the URL in the
 * certificate's Authority Information Access; the answer counts only when it is
 * signed by the issuing CA or by a responder the issuing CA delegated to, is
 * about this certificate, and is fresh.
 */

const CLOCK_SKEW_MS = 5 * 60_000;
/** A response without nextUpdate is accepted only this soon after it was made. */
const MAX_AGE_WITHOUT_NEXT_UPDATE_MS = 24 * 3600_000;

export const CRL_REASONS: Readonly<Record<number, string>> = {
  0: 'unspecified',
  1: 'keyCompromise',
  2: 'cACompromise',
  3: 'affiliationChanged',
  4: 'superseded',
  5: 'cessationOfOperation',
  6: 'certificateHold',
  8: 'removeFromCRL',
  9: 'privilegeWithdrawn',
  10: 'aACompromise',
};

function hexBytes(hex: string): Uint8Array {
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
}

/** CertID with SHA-1, which every responder supports (RFC 6960 4.1.1; RFC 5019). */
function certId(subject: RevocationSubject, hash = 'sha1'): { nameHash: Buffer; keyHash: Buffer } {
  return {
    nameHash: createHash(hash).update(subject.issuer.subject.der).digest(),
    keyHash: createHash(hash).update(subject.issuer.subjectPublicKeyBits).digest(),
  };
}

export function buildOcspRequest(subject: RevocationSubject, nonce: Uint8Array | null): Uint8Array {
  const { nameHash, keyHash } = certId(subject);
  // The serial's content octets as they appear in the certificate (two's complement, positive).
  let serial = hexBytes(subject.leaf.serialNumber);
  if (serial[0]! & 0x80) serial = Buffer.concat([Uint8Array.of(0), serial]);
  const request = sequence(sequence(sequence(encodeOid(OID.sha1), derNull()), octetString(nameHash), octetString(keyHash), tlv(TAG.INTEGER, serial)));
  const extensions = nonce ? [tlv(0xa2, sequence(sequence(encodeOid(OID.ocspNonce), octetString(octetString(nonce)))))] : [];
  return sequence(sequence(sequence(request), ...extensions));
}

export interface SingleResponse {
  hashAlgorithm: string;
  issuerNameHash: Buffer;
  issuerKeyHash: Buffer;
  serialNumber: string;
  status: 'good' | 'revoked' | 'unknown';
  revokedAt: Date | null;
  reason: string | null;
  thisUpdate: Date;
  nextUpdate: Date | null;
}

export interface ParsedOcspResponse {
  /** 0 successful; 1 malformedRequest, 2 internalError, 3 tryLater, 5 sigRequired, 6 unauthorized. */
  responseStatus: number;
  basic: {
    tbs: Uint8Array;
    signatureAlgorithm: SignatureAlgorithm;
    signature: Uint8Array;
    responderName: Uint8Array | null;
    responderKeyHash: Buffer | null;
    producedAt: Date;
    responses: SingleResponse[];
    nonce: Uint8Array | null;
    certificates: Uint8Array[];
  } | null;
}

function readExtensions(list: Tlv | undefined): Map<string, Uint8Array> {
  const map = new Map<string, Uint8Array>();
  if (!list) return map;
  const [sequenceOf] = children(list);
  for (const ext of children(expectTag(sequenceOf, TAG.SEQUENCE, 'Extensions'))) {
    const parts = children(ext);
    map.set(decodeOid(parts[0]!), value(parts[parts.length - 1]!));
  }
  return map;
}

function parseSingle(single: Tlv): SingleResponse {
  const [id, status, thisUpdate, ...rest] = children(expectTag(single, TAG.SEQUENCE, 'SingleResponse'));
  const [alg, nameHash, keyHash, serial] = children(expectTag(id, TAG.SEQUENCE, 'CertID'));
  const [hashOid] = children(expectTag(alg, TAG.SEQUENCE, 'AlgorithmIdentifier'));
  let revokedAt: Date | null = null;
  let reason: string | null = null;
  let state: SingleResponse['status'];
  if (status!.tag === 0x80) state = 'good';
  else if (status!.tag === 0xa1) {
    state = 'revoked';
    const [time, reasonTlv] = children(status!);
    revokedAt = decodeTime(time!);
    if (reasonTlv?.tag === 0xa0) {
      const [code] = children(reasonTlv);
      reason = code ? CRL_REASONS[smallInteger(code)] ?? 'unspecified' : null;
    }
  } else if (status!.tag === 0x82) state = 'unknown';
  else throw new Error('bad CertStatus');
  const next = rest.find((t) => t.tag === 0xa0);
  return {
    hashAlgorithm: HASH_ALGORITHMS[decodeOid(hashOid!)] ?? 'unknown',
    issuerNameHash: Buffer.from(value(expectTag(nameHash, TAG.OCTET_STRING, 'issuerNameHash'))),
    issuerKeyHash: Buffer.from(value(expectTag(keyHash, TAG.OCTET_STRING, 'issuerKeyHash'))),
    serialNumber: integerHex(expectTag(serial, TAG.INTEGER, 'serialNumber')),
    status: state,
    revokedAt,
    reason,
    thisUpdate: decodeTime(thisUpdate!),
    nextUpdate: next ? decodeTime(children(next)[0]!) : null,
  };
}

export function parseOcspResponse(bytes: Uint8Array): ParsedOcspResponse {
  const root = readRoot(bytes);
  const [statusTlv, responseBytes] = children(expectTag(root, TAG.SEQUENCE, 'OCSPResponse'));
  const responseStatus = smallInteger(expectTag(statusTlv, TAG.ENUMERATED, 'responseStatus'));
  if (responseStatus !== 0 || !responseBytes) return { responseStatus, basic: null };
  const [typeTlv, response] = children(children(responseBytes)[0]!);
  if (decodeOid(typeTlv!) !== OID.ocspBasic) throw new Error('not a basic OCSP response');
  const basicTlv = readRoot(value(expectTag(response, TAG.OCTET_STRING, 'response')));
  const [tbs, sigAlg, sig, certsTlv] = children(expectTag(basicTlv, TAG.SEQUENCE, 'BasicOCSPResponse'));
  const fields = children(expectTag(tbs, TAG.SEQUENCE, 'ResponseData'));
  let i = fields[0]?.tag === 0xa0 ? 1 : 0; // version
  const responder = fields[i++]!;
  let responderName: Uint8Array | null = null;
  let responderKeyHash: Buffer | null = null;
  if (responder.tag === 0xa1) responderName = parseName(children(responder)[0]!).der;
  else if (responder.tag === 0xa2) responderKeyHash = Buffer.from(value(expectTag(children(responder)[0], TAG.OCTET_STRING, 'KeyHash')));
  else throw new Error('bad ResponderID');
  const producedAt = decodeTime(fields[i++]!);
  const responses = children(expectTag(fields[i++], TAG.SEQUENCE, 'responses')).map(parseSingle);
  const extensions = readExtensions(fields[i]?.tag === 0xa1 ? fields[i] : undefined);
  const certificates = certsTlv?.tag === 0xa0 ? children(children(certsTlv)[0]!).map((c) => encoded(c)) : [];
  return {
    responseStatus,
    basic: {
      tbs: encoded(tbs!),
      signatureAlgorithm: parseSignatureAlgorithm(sigAlg!),
      signature: bitString(sig!).bytes,
      responderName,
      responderKeyHash,
      producedAt,
      responses,
      nonce: extensions.get(OID.ocspNonce) ?? null,
      certificates,
    },
  };
}

/** The answer about `subject` in a response: same serial number and the same issuer name and key hashes. */
function singleFor(responses: readonly SingleResponse[], subject: RevocationSubject): SingleResponse | undefined {
  return responses.find((r) => {
    if (r.serialNumber !== subject.leaf.serialNumber) return false;
    if (r.hashAlgorithm === 'unknown') return false;
    const expected = certId(subject, r.hashAlgorithm);
    return expected.nameHash.equals(r.issuerNameHash) && expected.keyHash.equals(r.issuerKeyHash);
  });
}

/**
 * Decides what an OCSP response says about `subject`, or why it cannot be
 * trusted. `nonce` is the extension value we sent (when we sent one).
 */
export function evaluateOcspResponse(
  response: ParsedOcspResponse,
  subject: RevocationSubject,
  now: Date,
  url: string,
  sentNonce: Uint8Array | null,
): RevocationOutcome {
  const error = (problem: Extract<RevocationOutcome, { status: 'error' }>['problem'], detail: string): RevocationOutcome => ({ status: 'error', source: 'ocsp', url, problem, detail });
  if (response.responseStatus !== 0 || !response.basic) return error('responder-error', `responder status ${response.responseStatus}`);
  const basic = response.basic;
  const issuer = subject.issuer;
  const keyHashOf = (cert: ParsedCertificate) => createHash('sha1').update(cert.subjectPublicKeyBits).digest();
  const matchesResponder = (cert: ParsedCertificate) =>
    basic.responderName ? sameBytes(basic.responderName, cert.subject.der) : keyHashOf(cert).equals(basic.responderKeyHash!);

  // Who signed: the issuing CA itself, or a responder certificate it issued for OCSP signing.
  let signer: ParsedCertificate | null = matchesResponder(issuer) ? issuer : null;
  if (!signer) {
    for (const der of basic.certificates) {
      let cert: ParsedCertificate;
      try {
        cert = parseCertificate(der);
      } catch {
        continue;
      }
      if (!matchesResponder(cert)) continue;
      if (!signedBy(cert, issuer.publicKey) || !cert.extendedKeyUsage?.includes(OID.ocspSigning)) {
        return error('unauthorized-responder', `${cert.subject.text} is not an OCSP responder of ${issuer.subject.text}`);
      }
      if (now < cert.notBefore || now > cert.notAfter) return error('unauthorized-responder', `the responder certificate ${cert.subject.text} is not valid now`);
      signer = cert;
      break;
    }
  }
  if (!signer?.publicKey) return error('unauthorized-responder', 'the response is not signed by the issuing CA or a responder it authorised');
  if (!verifySignature(basic.signatureAlgorithm, basic.tbs, basic.signature, signer.publicKey)) return error('bad-signature', 'the OCSP response signature does not verify');
  if (sentNonce && basic.nonce && !sameBytes(basic.nonce, sentNonce)) return error('nonce-mismatch', 'the response answers another request');

  const single = singleFor(basic.responses, subject);
  if (!single) return error('wrong-certificate', 'the response is about another certificate');
  if (single.thisUpdate.getTime() > now.getTime() + CLOCK_SKEW_MS) return error('not-yet-valid', `thisUpdate ${single.thisUpdate.toISOString()} is in the future`);
  if (single.nextUpdate ? single.nextUpdate.getTime() < now.getTime() - CLOCK_SKEW_MS : single.thisUpdate.getTime() < now.getTime() - MAX_AGE_WITHOUT_NEXT_UPDATE_MS) {
    return error('stale', `the response from ${single.thisUpdate.toISOString()} is too old`);
  }
  if (single.status === 'good') return { status: 'good', source: 'ocsp', url, checkedAt: now };
  if (single.status === 'revoked') return { status: 'revoked', source: 'ocsp', url, revokedAt: single.revokedAt!, reason: single.reason };
  return { status: 'unknown', source: 'ocsp', url };
}

export interface OcspCheckerOptions {
  transport: RevocationTransport;
  timeoutMs: number;
  maxBytes?: number;
  /** Random bytes for the nonce; tests may fix it. */
  nonce?: () => Uint8Array;
  /** How long a "good" or "revoked" answer is reused at most (never past its nextUpdate); 0 = ask every time. */
  maxCacheMs?: number;
  /** Answers kept at most (oldest dropped first). */
  maxCached?: number;
}

/**
 * An agency that submits its certificate, sees a warning and submits again, or
 * servicedesk checking the same certificate minutes later, need not cost the CA's
 * responder another request: a definite answer (good or revoked) is reused until
 * the earlier of its nextUpdate and `maxCacheMs`. Errors and "unknown" are never
 * reused: they fail closed, and the next try should ask again.
 */
export function createOcspChecker(options: OcspCheckerOptions): RevocationChecker {
  const maxCacheMs = options.maxCacheMs ?? 5 * 60_000;
  const maxCached = options.maxCached ?? 1000;
  const cache = new Map<string, { outcome: RevocationOutcome; until: number }>();
  return {
    mode: 'ocsp',
    async check(subject, now) {
      const url = subject.leaf.ocspUrls.find((u) => /^https?:\/\//i.test(u)) ?? null;
      if (!url) return { status: 'error', source: 'ocsp', url: null, problem: 'no-url', detail: 'the certificate names no OCSP responder' };
      // The question: this responder, about this serial number of this issuer (by its key).
      const key = `${url}|${createHash('sha256').update(subject.issuer.subjectPublicKeyBits).digest('hex')}|${subject.leaf.serialNumber}`;
      const cached = cache.get(key);
      if (cached && now.getTime() < cached.until) return cached.outcome;
      const outcome = await ask(subject, now, url);
      if (maxCacheMs > 0 && (outcome.outcome.status === 'good' || outcome.outcome.status === 'revoked')) {
        const until = Math.min(now.getTime() + maxCacheMs, outcome.nextUpdate?.getTime() ?? Number.POSITIVE_INFINITY);
        cache.delete(key);
        cache.set(key, { outcome: outcome.outcome, until });
        while (cache.size > maxCached) cache.delete(cache.keys().next().value!);
      }
      return outcome.outcome;
    },
  };

  async function ask(subject: RevocationSubject, now: Date, url: string): Promise<{ outcome: RevocationOutcome; nextUpdate?: Date | undefined }> {
    const nonce = (options.nonce ?? (() => randomBytes(16)))();
    const body = buildOcspRequest(subject, nonce);
    let bytes: Uint8Array;
    try {
      bytes = await options.transport.fetch({
        url,
        method: 'POST',
        body,
        contentType: 'application/ocsp-request',
        accept: 'application/ocsp-response',
        timeoutMs: options.timeoutMs,
        maxBytes: options.maxBytes ?? 64 * 1024,
      });
    } catch (error) {
      if (error instanceof TransportError) return { outcome: { status: 'error', source: 'ocsp', url, problem: error.problem, detail: error.message } };
      throw error;
    }
    let parsed: ParsedOcspResponse;
    try {
      parsed = parseOcspResponse(bytes);
    } catch (error) {
      return { outcome: { status: 'error', source: 'ocsp', url, problem: 'malformed', detail: error instanceof Error ? error.message : 'unreadable response' } };
    }
    // The nonce extension value we sent is an OCTET STRING wrapping the random bytes.
    const outcome = evaluateOcspResponse(parsed, subject, now, url, octetString(nonce));
    // The same answer evaluateOcspResponse judged: its nextUpdate bounds how long it is reused.
    const single = parsed.basic ? singleFor(parsed.basic.responses, subject) : undefined;
    return { outcome, nextUpdate: single?.nextUpdate ?? undefined };
  }
}
