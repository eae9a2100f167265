import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCertificate, signedBy } from '../../src/certificates/certificate.js';
import { createCertificateValidator } from '../../src/certificates/engine.js';
import { pemBlocks } from '../../src/certificates/pem.js';
import { revocationOff } from '../../src/certificates/revocation/types.js';
import { bundledTrustDir, loadTrustStore } from '../../src/certificates/trust-store.js';
import type { CertificateResult, Purpose, ValidationRequest } from '../../src/certificates/types.js';

/**
 * The real CA certificates in assets/trust, and real public certificates from
 * public repositories (test/fixtures/real-certs, copied from the project's
 * shared test data), checked with a fixed clock against the verdicts recorded
 * when they were collected (reference date 2026-11-26).
 */

const trust = loadTrustStore();
const FIXTURES = new URL('../fixtures/real-certs/', import.meta.url);
const REFERENCE_NOW = new Date('2026-11-26T12:00:00Z');
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES));

async function verdict(name: string, request: Partial<ValidationRequest> & { at?: Date }, now = REFERENCE_NOW): Promise<CertificateResult> {
  const validator = createCertificateValidator({ trust, clock: () => now, revocation: revocationOff });
  const [result] = await validator.validateSubmission(fixture(name), { organizationNumber: '991825827', environment: 'test', purpose: 'authentication', ...request });
  return result!;
}
const failed = (r: CertificateResult) => r.checks.filter((c) => c.status === 'fail').map((c) => c.code);

describe('the bundled trust list (assets/trust)', () => {
  const manifest = JSON.parse(readFileSync(`${bundledTrustDir()}/manifest.json`, 'utf8')) as { certificates: Array<{ file: string; role: string; environment: string; vendor: string }> };

  it('holds the 23 Buypass and Commfides CA certificates, each matching its fingerprint and classified', () => {
    expect(manifest.certificates).toHaveLength(23);
    expect(trust.roots.length + trust.issuingCas.length).toBe(23);
    const issuing = trust.issuingCas.map((ca) => `${ca.environment} ${ca.name} SEID${ca.seidVersion}`).sort();
    expect(issuing).toEqual([
      'production Buypass Class 3 CA 3 SEID1',
      'production Buypass Class 3 CA G2 HT Business SEID2',
      'production Buypass Class 3 CA G2 ST Business SEID2',
      'production CPN Enterprise SHA256 CLASS 3 SEID1',
      'production Commfides Legal Person - G3 SEID2',
      'test Buypass Class 3 Test4 CA 3 SEID1',
      'test Buypass Class 3 Test4 CA G2 HT Business SEID2',
      'test Buypass Class 3 Test4 CA G2 ST Business SEID2',
      'test Commfides CPN Enterprise-Norwegian SHA256 CA - TEST SEID1',
      'test Commfides CPN Enterprise-Norwegian SHA256 CA - TEST2 SEID1',
      'test Commfides Legal Person - G3 - TEST SEID2',
    ]);
    for (const entry of manifest.certificates) expect(entry.file.startsWith(`${entry.vendor}/${entry.environment === 'production' ? 'prod' : 'test'}/`), entry.file).toBe(true);
  });

  it('chains every issuing CA to a root of its own environment, both re-issued Buypass Test4 roots included', () => {
    for (const ca of trust.issuingCas) {
      expect(ca.roots.length, ca.name).toBeGreaterThan(0);
      for (const root of ca.roots) {
        expect(root.environment).toBe(ca.environment);
        expect(signedBy(ca.cert, root.cert.publicKey)).toBe(true);
      }
    }
    const test4St = trust.issuingCas.find((ca) => ca.name === 'Buypass Class 3 Test4 CA G2 ST Business')!;
    expect(test4St.roots).toHaveLength(2);
  });

  it('pins exact enterprise policies (no wildcards), with the Buypass test CA using the production OID', () => {
    const policies = (name: string) => [...trust.issuingCas.find((ca) => ca.name === name)!.enterprisePolicies];
    expect(policies('Buypass Class 3 Test4 CA G2 ST Business')).toEqual(['2.16.578.1.26.1.3.2']);
    expect(policies('Buypass Class 3 CA G2 ST Business')).toEqual(['2.16.578.1.26.1.3.2']);
    expect(policies('Commfides Legal Person - G3 - TEST')).toEqual(['2.16.578.1.29.913.200.1.0', '2.16.578.1.29.913.210.1.0', '2.16.578.1.29.913.220.1.0']);
    for (const ca of trust.issuingCas) for (const p of ca.enterprisePolicies) expect(p).toMatch(/^\d+(\.\d+)+$/);
  });

  it('does not trust the person, website and QWAC CAs that hang off the same roots', () => {
    for (const name of readdirSync(new URL('untrusted-cas/', FIXTURES))) {
      const [block] = pemBlocks(readFileSync(new URL(`untrusted-cas/${name}`, FIXTURES), 'latin1'));
      const cert = parseCertificate(block!.der);
      expect(trust.issuingCasNamed(cert.subject), name).toEqual([]);
    }
    expect(trust.recognised(parseCertificate(pemBlocks(fixture('untrusted-cas/buypass-test-class3-test4-ca-g2-ht-person.pem').toString('latin1'))[0]!.der).subject)?.kind).toBe('person');
  });
});

describe('real certificates, validated on 2026-11-26', () => {
  const accepted = ['commfides-test-g3-digdir-auth-valid-2028.pem'];
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.pem'));

  it('rejects every one except the Digdir Commfides test certificate valid to 2028', async () => {
    expect(files.length).toBeGreaterThanOrEqual(34);
    expect(files.some((f) => f.startsWith('neg-buypass-prod-g2-person'))).toBe(false);
    for (const name of files) {
      const environment = name.includes('-prod-') ? 'production' : 'test';
      const result = await verdict(name, { environment, purpose: 'any' });
      expect(result.verdict, `${name}: ${failed(result).join(', ')}`).toBe(accepted.includes(name) ? 'accepted' : 'rejected');
    }
  });

  it('accepts the Digdir Commfides test certificate in test for 991825827 only', async () => {
    const name = 'commfides-test-g3-digdir-auth-valid-2028.pem';
    const ok = await verdict(name, {});
    expect(ok.certificate).toMatchObject({ organizationNumber: '991825827', seidVersion: 2, environment: 'test', issuingCa: 'Commfides Legal Person - G3 - TEST', keyAlgorithm: 'RSA', keySize: 3072 });
    expect(ok.certificate.subject).toContain('L=Lørenfaret 1C\\,0585 OSLO');
    expect(failed(await verdict(name, { environment: 'production' }))).toEqual(['chain.wrong-environment']);
    expect(failed(await verdict(name, { organizationNumber: '974760819' }))).toEqual(['org.mismatch']);
  });

  it('gives the expired certificates the right reasons now, and accepts them inside their validity', async () => {
    const cases: Array<[string, Partial<ValidationRequest>, string]> = [
      ['buypass-test-g2st-digdir-sign-rsa4096-expired-2026-09-05.pem', { purpose: 'signing' }, '2025-01-01'],
      ['buypass-test-g2st-digdir-auth-expired-2024.pem', {}, '2023-01-01'],
      ['buypass-prod-seid1-ca3-digdir-idporten-expired-2025-03.pem', { environment: 'production' }, '2024-01-01'],
      ['buypass-test-seid1-t4ca3-digdir-krr-expired-2025-02.pem', {}, '2023-01-01'],
      ['commfides-prod-g3-ks-auth-expired-2026-09.pem', { environment: 'production', organizationNumber: '971032146' }, '2025-06-01'],
      ['commfides-prod-g3-ks-sign-expired-2026-09.pem', { environment: 'production', organizationNumber: '971032146', purpose: 'signing' }, '2025-06-01'],
      ['commfides-prod-g3-ks-crypt-expired-2026-09.pem', { environment: 'production', organizationNumber: '971032146', purpose: 'encryption' }, '2025-06-01'],
      ['commfides-test-g3-kartverket-auth-expired-2025-09.pem', { organizationNumber: '971040238' }, '2024-01-01'],
      // Commfides SEID 1 test: issuing CA and leaf policies differ, so strict RFC 5280 policy processing fails; we match on the leaf.
      ['commfides-test-seid1-riksantikvaren-sign-expired-2022.pem', { organizationNumber: '974760819', purpose: 'signing' }, '2020-01-01'],
      ['commfides-test-seid1-finanstilsynet-auth-expired-2022.pem', { organizationNumber: '840747972' }, '2021-01-01'],
    ];
    for (const [name, request, inside] of cases) {
      const now = await verdict(name, request);
      expect(failed(now), name).toContain('validity.expired');
      // The Commfides SEID 1 issuing CAs expired with their certificates.
      expect(failed(now).filter((code) => code !== 'validity.expired' && code !== 'chain.ca-not-valid'), name).toEqual([]);
      const then = await verdict(name, { ...request, at: new Date(`${inside}T12:00:00Z`) });
      expect(then.verdict, `${name} at ${inside}: ${failed(then).join(', ')}`).toBe('accepted');
    }
  });

  it('reads the organisation number from organizationIdentifier, never from L', async () => {
    const result = await verdict('commfides-test-g3-kartverket-auth-expired-2025-09.pem', { organizationNumber: '971040238', at: new Date('2024-01-01') });
    expect(result.certificate.subject).toContain('(EHF 9908:971040238)');
    expect(result.checks.find((c) => c.id === 'organization-number')!.params).toMatchObject({ number: '971040238', source: 'organizationIdentifier' });
  });

  it('knows which certificate of the KS Commfides set is for what', async () => {
    const sign = await verdict('commfides-prod-g3-ks-sign-expired-2026-09.pem', { environment: 'production', organizationNumber: '971032146', at: new Date('2025-06-01') });
    expect(failed(sign)).toEqual(['ku.mismatch']);
    expect(sign.checks.find((c) => c.id === 'key-usage')!.params.role).toBe('signing');
  });

  it('rejects the traps even inside their validity', async () => {
    const inside = (name: string, request: Partial<ValidationRequest>, at: string) => verdict(name, { ...request, at: new Date(at) });
    const psd2 = await inside('buypass-test-g2st-digdir-psd2-psdno-expired-2023.pem', { purpose: 'any' as Purpose }, '2022-01-01');
    expect(failed(psd2)).toEqual(['org.not-ntrno']);
    const ev = await inside('neg-buypass-ev-tls-idporten-difi-no-expired-2024.pem', { environment: 'production' }, '2024-01-01');
    expect(failed(ev)).toEqual(expect.arrayContaining(['chain.not-enterprise-ca.website', 'type.website', 'policy.not-enterprise-any']));
    expect(ev.certificate.organizationNumber).toBe('991825827');
    const person = await inside('neg-buypass-test-g2-person-tomsojubel-sign-expired-2024.pem', { purpose: 'signing' }, '2023-01-01');
    expect(failed(person)).toEqual(expect.arrayContaining(['chain.not-enterprise-ca.person', 'type.personal', 'key.rsa-too-small']));
    const personWithChain = await verdict('neg-buypass-test-g2-person-tomsojubel-sign-expired-2024.pem', { at: new Date('2023-01-01') });
    expect(personWithChain.verdict).toBe('rejected');
    const sha1 = await inside('buypass-prod-seid1-ca1-nhn-sha1-expired-2013.pem', { environment: 'production', organizationNumber: '994598759', purpose: 'signing' }, '2012-01-01');
    expect(failed(sha1)).toEqual(expect.arrayContaining(['sigalg.weak', 'chain.not-enterprise-ca.retired']));
    const symantec = await inside('neg-symantec-ev-www-digipost-no.pem', { environment: 'production', organizationNumber: '984661185' }, '2015-01-01');
    expect(failed(symantec)).toEqual(expect.arrayContaining(['chain.unknown-issuer', 'type.website', 'org.missing']));
    const fake = await inside('neg-fake-difi-test-virksomhetssertifikat.pem', { organizationNumber: '910075918' }, '2016-01-01');
    expect(failed(fake)).toEqual(expect.arrayContaining(['chain.unknown-issuer']));
  });

  it('reads key type and size from the certificate exactly as OpenSSL does', () => {
    for (const name of files) {
      const cert = parseCertificate(pemBlocks(fixture(name).toString('latin1'))[0]!.der);
      const key = cert.publicKey!;
      const details = key.asymmetricKeyDetails!;
      const curves: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
      if (key.asymmetricKeyType === 'rsa') expect(cert.key, name).toEqual({ algorithm: 'RSA', size: details.modulusLength, curve: null });
      else expect(cert.key, name).toMatchObject({ algorithm: 'EC', curve: curves[details.namedCurve!] });
    }
  });

  it('accepts a real Commfides certificate sent as one file with its issuing CA', async () => {
    const validator = createCertificateValidator({ trust, clock: () => REFERENCE_NOW, revocation: revocationOff });
    const ca = readFileSync(`${bundledTrustDir()}/commfides/test/commfides-legal-person-g3-test.pem`);
    const results = await validator.validateSubmission(Buffer.concat([ca, fixture('commfides-test-g3-digdir-auth-valid-2028.pem')]), { organizationNumber: '991825827', environment: 'test', purpose: 'authentication' });
    expect(results.map((r) => r.verdict)).toEqual(['accepted']);
  });
});
