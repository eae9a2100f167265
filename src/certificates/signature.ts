import { constants, verify, type KeyObject } from 'node:crypto';
import type { SignatureAlgorithm } from './certificate.js';
import { SIGNATURE_ALGORITHMS } from './oids.js';

/**
 * Verifies a signature over raw bytes (a CRL's or an OCSP response's signed
 * part) with the algorithm named in the structure. Certificates themselves are
 * verified by Node's X509Certificate.verify; this is for what Node has no API for.
 */
export function verifySignature(algorithm: SignatureAlgorithm, data: Uint8Array, signature: Uint8Array, key: KeyObject): boolean {
  const known = SIGNATURE_ALGORITHMS[algorithm.oid];
  if (!known) return false;
  try {
    switch (known.key) {
      case 'rsa':
        return verify(algorithm.hash, data, key, signature);
      case 'rsa-pss':
        return verify(algorithm.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: algorithm.pssSaltLength ?? 20 }, signature);
      case 'ec':
      case 'dsa':
        return verify(algorithm.hash, data, { key, dsaEncoding: 'der' }, signature);
      case 'ed':
        return verify(null, data, key, signature);
    }
  } catch {
    return false;
  }
}
