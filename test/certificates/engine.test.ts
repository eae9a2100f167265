import 'reflect-metadata';
import { generateKeyPairSync } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCertificateValidator, primaryResult, type CertificateValidator } from '../../src/certificates/engine.js';
import { checkMessage, MESSAGE_CODES } from '../../src/certificates/messages.js';
import { revocationOff, type RevocationChecker, type RevocationOutcome } from '../../src/certificates/revocation/types.js';
import { CHECK_IDS, type CertificateResult, type ValidationRequest } from '../../src/certificates/types.js';
import { LOCALES } from '../../src/domain/locale.js';
import {
  commfidesSubject,
  createCa,
  daysFromNow,
  DIGDIR,
  issueLeaf,
  keyPair,
  KU,
  POLICY,
  seid1Subject,
  seid2Subject,
  syntheticHierarchy,
  type Hierarchy,
} from './support/pki.js';

let h: Hierarchy;
let validator: CertificateValidator;
const NOW = new Date();

beforeAll(async () => {
  h = await syntheticHierarchy();
  validator = createCertificateValidator({ trust: h.trust, clock: () => NOW, revocation: revocationOff });
});

const test = (overrides: Partial<ValidationRequest> = {}): ValidationRequest => ({ organizationNumber: DIGDIR, environment: 'test', purpose: 'authentication', ...overrides });
const prod = (overrides: Partial<ValidationRequest> = {}): ValidationRequest => test({ environment: 'production', ...overrides });

async function validateOne(pem: string, request: ValidationRequest, v = validator): Promise<CertificateResult> {
  const results = await v.validateSubmission(Buffer.from(pem), request);
  expect(results).toHaveLength(1);
  return results[0]!;
}

const statusOf = (result: CertificateResult, id: string) => result.checks.find((c) => c.id === id)?.status;
const codeOf = (result: CertificateResult, id: string) => result.checks.find((c) => c.id === id)?.code;
const failed = (result: CertificateResult) => result.checks.filter((c) => c.status === 'fail').map((c) => c.id);

describe('accepted enterprise certificates', () => {
  it('accepts a Buypass-like SEID 2 RSA test certificate and describes it', async () => {
    const leaf = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise, POLICY.ncp] });
    const result = await validateOne(leaf.pem, test());
    expect(failed(result)).toEqual([]);
    expect(result.verdict).toBe('accepted');
    expect(result.checks.map((c) => c.id)).toEqual(CHECK_IDS.filter((id) => id !== 'case-step'));
    expect(result.certificate).toMatchObject({
      organizationNumber: DIGDIR,
      seidVersion: 2,
      issuingCa: 'Synthetic Buypass Class 3 Test4 CA G2 ST Business',
      environment: 'test',
      keyAlgorithm: 'RSA',
      keySize: 2048,
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      policies: [POLICY.buypassEnterprise, POLICY.ncp],
      serialNumber: leaf.cert.serialNumber.toUpperCase().replace(/^(00)+(?=..)/, ''),
    });
    expect(result.certificate.subject).toContain('organizationIdentifier=NTRNO-991825827');
    expect(result.certificate.sha256Fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(statusOf(result, 'revocation')).toBe('skipped');
  });

  it('accepts a Commfides-like EC P-256 production certificate with organizationIdentifier and serialNumber', async () => {
    const leaf = await issueLeaf(h.commfidesProdCa, {
      subject: commfidesSubject(),
      keys: await keyPair('p256', 10),
      keyUsage: KU.digitalSignature,
      policies: [POLICY.qcpLegal, POLICY.commfidesAuthProd],
      eku: ['1.3.6.1.5.5.7.3.2', '1.3.6.1.5.5.7.3.4'],
      basicConstraints: { ca: false, critical: true },
    });
    const result = await validateOne(leaf.pem, prod());
    expect(failed(result)).toEqual([]);
    expect(result.certificate).toMatchObject({ keyAlgorithm: 'EC', keySize: 256, keyCurve: 'P-256', environment: 'production', extendedKeyUsage: ['clientAuth', 'emailProtection'] });
  });

  it('accepts a SEID 1 subject (serialNumber only) from a SEID 1 CA', async () => {
    const leaf = await issueLeaf(h.buypassProdSeid1Ca, { subject: seid1Subject(), policies: [POLICY.buypassEnterprise], keyUsage: KU.digitalSignature | KU.keyEncipherment | KU.dataEncipherment });
    const result = await validateOne(leaf.pem, prod());
    expect(failed(result)).toEqual([]);
    expect(result.certificate).toMatchObject({ seidVersion: 1, organizationNumber: DIGDIR });
    expect(codeOf(result, 'organization-number')).toBe('org.ok');
    expect(result.checks.find((c) => c.id === 'organization-number')?.params.source).toBe('serialNumber');
  });
});

describe('organisation number', () => {
  it('rejects another organisation number and says which', async () => {
    const leaf = await issueLeaf(h.buypassTestCa, { subject: seid2Subject('974760819'), policies: [POLICY.buypassEnterprise] });
    const result = await validateOne(leaf.pem, test());
    expect(failed(result)).toEqual(['organization-number']);
    expect(checkMessage(result.checks.find((c) => c.id === 'organization-number')!, 'en')).toContain('974760819');
  });

  it('rejects a number that fails MOD11', async () => {
    const leaf = await issueLeaf(h.buypassTestCa, { subject: seid2Subject('991825828'), policies: [POLICY.buypassEnterprise] });
    expect(codeOf(await validateOne(leaf.pem, test({ organizationNumber: '991825827' })), 'organization-number')).toBe('org.invalid');
  });

  it('never reads the number from O, OU, L or CN', async () => {
    const leaf = await issueLeaf(h.buypassProdSeid1Ca, {
      subject: `CN=Digdir ${DIGDIR}, OU=${DIGDIR}, O=Digitaliseringsdirektoratet - ${DIGDIR}, L=(EHF 9908:${DIGDIR}), C=NO`,
      policies: [POLICY.buypassEnterprise],
    });
    const result = await validateOne(leaf.pem, prod());
    expect(codeOf(result, 'organization-number')).toBe('org.missing');
    expect(result.certificate.organizationNumber).toBeNull();
  });

  it('requires NTRNO- in a SEID 2 certificate and refuses other identifier schemes', async () => {
    const serialOnly = await issueLeaf(h.buypassTestCa, { subject: seid1Subject(), policies: [POLICY.buypassEnterprise] });
    expect(codeOf(await validateOne(serialOnly.pem, test()), 'organization-number')).toBe('org.missing-ntrno');
    const psd2 = await issueLeaf(h.buypassTestCa, { subject: `2.5.4.97=PSDNO-FSA-${DIGDIR}, CN=Digdir, O=Digdir, C=NO`, policies: [POLICY.buypassEnterprise] });
    expect(codeOf(await validateOne(psd2.pem, test()), 'organization-number')).toBe('org.not-ntrno');
  });

  it('rejects organizationIdentifier and serialNumber that disagree', async () => {
    const leaf = await issueLeaf(h.commfidesTestCa, {
      subject: `CN=X, 2.5.4.5=974760819, 2.5.4.97=NTRNO-${DIGDIR}, O=X, C=NO`,
      keys: await keyPair('p256', 10),
      policies: [POLICY.commfidesAuthTest],
    });
    expect(codeOf(await validateOne(leaf.pem, test()), 'organization-number')).toBe('org.conflict');
  });
});

describe('validity', () => {
  it('rejects expired and not-yet-valid certificates', async () => {
    const expired = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise], notBefore: daysFromNow(-400), notAfter: daysFromNow(-1) });
    const early = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise], notBefore: daysFromNow(2), notAfter: daysFromNow(400) });
    expect(failed(await validateOne(expired.pem, test()))).toEqual(['validity']);
    expect(codeOf(await validateOne(expired.pem, test()), 'validity')).toBe('validity.expired');
    expect(codeOf(await validateOne(early.pem, test()), 'validity')).toBe('validity.not-yet-valid');
  });

  it('warns under 60 days left but accepts', async () => {
    const soon = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise], notAfter: daysFromNow(30) });
    const result = await validateOne(soon.pem, test());
    expect(result.verdict).toBe('accepted');
    expect(statusOf(result, 'validity')).toBe('warn');
    const later = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise], notAfter: daysFromNow(61) });
    expect(statusOf(await validateOne(later.pem, test()), 'validity')).toBe('pass');
  });

  it('validates "as of" another moment', async () => {
    const expired = await issueLeaf(h.buypassTestCa, {
      subject: seid2Subject(),
      policies: [POLICY.buypassEnterprise],
      notBefore: new Date('2022-01-01T00:00:00Z'),
      notAfter: new Date('2025-01-01T00:00:00Z'),
    });
    expect((await validateOne(expired.pem, test({ at: new Date('2023-06-01T00:00:00Z') }))).verdict).toBe('accepted');
    expect((await validateOne(expired.pem, test())).verdict).toBe('rejected');
  });

  it('rejects when the issuing CA itself was not valid at that moment', async () => {
    const leaf = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise], notBefore: new Date('2019-01-01T00:00:00Z'), notAfter: new Date('2030-01-01T00:00:00Z') });
    const result = await validateOne(leaf.pem, test({ at: new Date('2019-06-01T00:00:00Z') }));
    expect(codeOf(result, 'chain')).toBe('chain.ca-not-valid');
  });
});

describe('trust: issuing CA, environment, roots', () => {
  it('decides the environment by the issuing CA: a test certificate with the production policy OID is rejected in production', async () => {
    const leaf = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise] });
    const result = await validateOne(leaf.pem, prod());
    expect(failed(result)).toEqual(['chain']);
    expect(codeOf(result, 'chain')).toBe('chain.wrong-environment');
    expect(result.certificate.environment).toBe('test');
    expect(checkMessage(result.checks[0]!, 'en')).toContain('test environment');
  });

  it('does not take "TEST" in names as the environment', async () => {
    const leaf = await issueLeaf(h.buypassProdCa, { subject: `2.5.4.97=NTRNO-${DIGDIR}, CN=DIGDIR TEST, OU=TEST, O=TEST DIGDIR, C=NO`, policies: [POLICY.buypassEnterprise] });
    expect((await validateOne(leaf.pem, prod())).verdict).toBe('accepted');
    expect(codeOf(await validateOne(leaf.pem, test()), 'chain')).toBe('chain.wrong-environment');
  });

  it('rejects a person certificate from a person CA under the enterprise root, and explains the chain when it is included', async () => {
    const person = await issueLeaf(h.personCa, {
      subject: 'CN=TOM SO JUBEL, 2.5.4.42=TOM SO, 2.5.4.4=JUBEL, 2.5.4.5=UN:NO-9578-4050-102760790, C=NO',
      keyUsage: KU.nonRepudiation,
      policies: [POLICY.buypassPerson, '0.4.0.194112.1.0'],
    });
    const alone = await validateOne(person.pem, prod());
    expect(codeOf(alone, 'chain')).toBe('chain.unknown-issuer');
    expect(codeOf(alone, 'certificate-type')).toBe('type.personal');
    const withChain = await validateOne(person.pem + h.personCa.pem + h.buypassProdRoot.pem, prod());
    expect(codeOf(withChain, 'chain')).toBe('chain.untrusted-ca-under-root');
    expect(withChain.checks[0]!.params).toMatchObject({ ca: 'Synthetic Buypass Class 3 CA G2 HT Person', anchor: 'Synthetic Buypass Class 3 Root CA G2 ST' });
    expect(codeOf(withChain, 'policy')).toBe('policy.not-enterprise-any');
  });

  it('rejects a personal subject even from the enterprise CA', async () => {
    const leaf = await issueLeaf(h.buypassProdCa, { subject: `2.5.4.42=Kari, 2.5.4.4=Nordmann, CN=Kari Nordmann, 2.5.4.97=NTRNO-${DIGDIR}, O=Digdir, C=NO`, policies: [POLICY.buypassEnterprise] });
    const result = await validateOne(leaf.pem, prod());
    expect(failed(result)).toEqual(['certificate-type']);
  });

  it('rejects a website certificate that carries the organisation number in serialNumber', async () => {
    const web = await issueLeaf(h.tlsCa, {
      subject: `2.5.4.5=${DIGDIR}, CN=idporten.example.no, O=DIGITALISERINGSDIREKTORATET, C=NO`,
      policies: [POLICY.buypassEvTls, POLICY.evTls],
      eku: ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'],
      dnsNames: ['idporten.example.no'],
    });
    const result = await validateOne(web.pem + h.tlsCa.pem, prod());
    expect(result.verdict).toBe('rejected');
    expect(codeOf(result, 'chain')).toBe('chain.not-enterprise-ca.website');
    expect(codeOf(result, 'certificate-type')).toBe('type.website');
    expect(codeOf(result, 'policy')).toBe('policy.not-enterprise-any');
  });

  it('rejects a policy that is not the issuing CA’s enterprise policy (exact OIDs, no wildcard)', async () => {
    const sibling = await issueLeaf(h.buypassProdCa, { subject: seid2Subject(), policies: ['2.16.578.1.26.1.3.3'] });
    expect(codeOf(await validateOne(sibling.pem, prod()), 'policy')).toBe('policy.not-enterprise');
    const otherVendor = await issueLeaf(h.buypassProdCa, { subject: seid2Subject(), policies: [POLICY.commfidesAuthProd] });
    expect(codeOf(await validateOne(otherVendor.pem, prod()), 'policy')).toBe('policy.not-enterprise');
    const none = await issueLeaf(h.buypassProdCa, { subject: seid2Subject() });
    expect(codeOf(await validateOne(none.pem, prod()), 'policy')).toBe('policy.none');
  });

  it('rejects a forged certificate that names a trusted CA but is signed by another key', async () => {
    const impostor = await createCa(h.buypassProdCa.cert.subject, h.buypassProdRoot, await keyPair('p256', 20));
    const forged = await issueLeaf(impostor, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise] });
    const result = await validateOne(forged.pem + impostor.pem, prod());
    expect(codeOf(result, 'chain')).toBe('chain.signature-mismatch');
    expect(codeOf(result, 'signature')).toBe('signature.invalid');
  });

  it('rejects a certificate issued directly by a root, and a self-signed one', async () => {
    const fromRoot = await issueLeaf(h.buypassProdRoot, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise] });
    expect(codeOf(await validateOne(fromRoot.pem, prod()), 'chain')).toBe('chain.issued-by-root');
    const keys = await keyPair('p256', 21);
    const self = await x509.X509CertificateGenerator.createSelfSigned({ name: seid2Subject(), keys, extensions: [new x509.KeyUsagesExtension(KU.digitalSignature, true)] });
    const result = await validateOne(self.toString('pem'), prod());
    expect(codeOf(result, 'chain')).toBe('chain.self-signed');
    expect(statusOf(result, 'signature')).toBe('skipped');
  });
});

describe('certificate content', () => {
  it('rejects SHA-1 signatures', async () => {
    const leaf = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise], hash: 'SHA-1' });
    const result = await validateOne(leaf.pem, test());
    expect(failed(result)).toEqual(['signature-algorithm']);
    expect(result.checks.find((c) => c.id === 'signature-algorithm')!.params.algorithm).toBe('sha1WithRSAEncryption');
  });

  it('rejects a leaf that is a CA (basicConstraints CA=true) or may sign certificates', async () => {
    const ca = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise], basicConstraints: { ca: true, critical: true } });
    expect(failed(await validateOne(ca.pem, test()))).toEqual(['basic-constraints']);
    const signer = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise], keyUsage: KU.digitalSignature | KU.keyCertSign });
    expect(codeOf(await validateOne(signer.pem, test()), 'basic-constraints')).toBe('bc.cert-sign');
  });

  it('rejects unknown critical extensions and ignores unknown non-critical ones', async () => {
    const critical = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise], extensions: [new x509.Extension('1.3.6.1.4.1.99999.1', true, new Uint8Array([5, 0]))] });
    const result = await validateOne(critical.pem, test());
    expect(failed(result)).toEqual(['critical-extensions']);
    expect(checkMessage(result.checks.find((c) => c.id === 'critical-extensions')!, 'en')).toContain('1.3.6.1.4.1.99999.1');
    const plain = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise], extensions: [new x509.Extension('1.3.6.1.4.1.99999.1', false, new Uint8Array([5, 0]))] });
    expect((await validateOne(plain.pem, test())).verdict).toBe('accepted');
  });

  it('checks key usage against the purpose and points to the right certificate of the set', async () => {
    const signing = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise], keyUsage: KU.nonRepudiation });
    const asAuth = await validateOne(signing.pem, test());
    expect(failed(asAuth)).toEqual(['key-usage']);
    expect(asAuth.checks.find((c) => c.id === 'key-usage')!.params.role).toBe('signing');
    expect(checkMessage(asAuth.checks.find((c) => c.id === 'key-usage')!, 'en')).toContain('the signing certificate');
    expect((await validateOne(signing.pem, test({ purpose: 'signing' }))).verdict).toBe('accepted');
    expect((await validateOne(signing.pem, test({ purpose: 'any' }))).verdict).toBe('accepted');
    const crypt = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise], keyUsage: KU.keyEncipherment | KU.dataEncipherment | KU.keyAgreement });
    expect((await validateOne(crypt.pem, test({ purpose: 'encryption' }))).verdict).toBe('accepted');
    expect((await validateOne(crypt.pem, test({ purpose: 'signing' }))).verdict).toBe('rejected');
  });

  it('requires a critical keyUsage', async () => {
    const missing = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise], keyUsage: null });
    expect(codeOf(await validateOne(missing.pem, test()), 'key-usage')).toBe('ku.missing');
    const soft = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise], keyUsageCritical: false });
    expect(codeOf(await validateOne(soft.pem, test()), 'key-usage')).toBe('ku.not-critical');
  });

  it('requires RSA of at least 2048 bits or EC P-256 and up', async () => {
    const weak = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise], keys: await keyPair('rsa1024', 0) });
    expect(codeOf(await validateOne(weak.pem, test()), 'key-strength')).toBe('key.rsa-too-small');
    const k1 = new Uint8Array(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({ format: 'der', type: 'spki' }));
    const odd = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise], publicKeySpki: k1 });
    expect(codeOf(await validateOne(odd.pem, test()), 'key-strength')).toBe('key.ec-curve');
    const p384 = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise], keys: await keyPair('p384', 30) });
    expect(statusOf(await validateOne(p384.pem, test()), 'key-strength')).toBe('pass');
  });
});

describe('several certificates in one submission', () => {
  it('gives each leaf its own result and leaves the chain out', async () => {
    const auth = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise] });
    const sign = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise], keyUsage: KU.nonRepudiation });
    const results = await validator.validateSubmission(Buffer.from(sign.pem + h.buypassTestCa.pem + auth.pem + h.buypassTestRoot.pem), test());
    expect(results.map((r) => r.verdict)).toEqual(['rejected', 'accepted']);
    expect(primaryResult(results).sha256).toBe(results[1]!.sha256);
  });

  it('validates a CA certificate sent on its own, and rejects it', async () => {
    const [result] = await validator.validateSubmission(Buffer.from(h.buypassTestCa.pem), test());
    expect(result!.verdict).toBe('rejected');
    expect(codeOf(result!, 'basic-constraints')).toBe('bc.ca');
  });
});

describe('revocation through the injected checker', () => {
  const fake = (outcome: RevocationOutcome, calls: unknown[] = []): RevocationChecker => ({
    mode: 'ocsp',
    async check(subject, now) {
      calls.push({ serial: subject.leaf.serialNumber, issuer: subject.issuer.subject.text, now });
      return outcome;
    },
  });
  const url = 'http://ocsp.example';

  it('passes on good, fails on revoked, unknown and errors (fail closed)', async () => {
    const leaf = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise] });
    const run = async (outcome: RevocationOutcome) => validateOne(leaf.pem, test(), createCertificateValidator({ trust: h.trust, clock: () => NOW, revocation: fake(outcome) }));
    expect(statusOf(await run({ status: 'good', source: 'ocsp', url, checkedAt: NOW }), 'revocation')).toBe('pass');
    expect(statusOf(await run({ status: 'revoked', source: 'ocsp', url, revokedAt: daysFromNow(-1), reason: 'keyCompromise' }), 'revocation')).toBe('fail');
    expect(statusOf(await run({ status: 'unknown', source: 'ocsp', url }), 'revocation')).toBe('fail');
    const error = await run({ status: 'error', source: 'ocsp', url, problem: 'timeout', detail: 'no answer' });
    expect(error.verdict).toBe('rejected');
    expect(codeOf(error, 'revocation')).toBe('rev.error.ocsp');
  });

  it('warns when revoked only after the moment validated for', async () => {
    const leaf = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise] });
    const v = createCertificateValidator({ trust: h.trust, clock: () => NOW, revocation: fake({ status: 'revoked', source: 'crl', url, revokedAt: daysFromNow(-1), reason: null }) });
    const result = await validateOne(leaf.pem, test({ at: daysFromNow(-10) }), v);
    expect(statusOf(result, 'revocation')).toBe('warn');
    expect(result.verdict).toBe('accepted');
  });

  it('asks the checker only for certificates that pass everything else, with the issuing CA and the real time', async () => {
    const calls: Array<{ serial: string; issuer: string; now: Date }> = [];
    const v = createCertificateValidator({ trust: h.trust, clock: () => NOW, revocation: fake({ status: 'good', source: 'ocsp', url, checkedAt: NOW }, calls) });
    const expired = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise], notAfter: daysFromNow(-1), notBefore: daysFromNow(-100) });
    expect(codeOf(await validateOne(expired.pem, test(), v), 'revocation')).toBe('rev.not-needed');
    expect(calls).toHaveLength(0);
    const good = await issueLeaf(h.buypassTestCa, { subject: seid2Subject(), policies: [POLICY.buypassEnterprise] });
    await validateOne(good.pem, test({ at: daysFromNow(-5) }), v);
    expect(calls).toEqual([{ serial: expect.any(String), issuer: expect.stringContaining('Test4 CA G2 ST Business'), now: NOW }]);
  });
});

describe('messages', () => {
  it('has words in nb, nn and en for every code, with every placeholder filled', async () => {
    for (const code of MESSAGE_CODES) {
      for (const locale of LOCALES) {
        const text = checkMessage({ code, params: new Proxy({}, { get: (_t, key) => `<${String(key)}>`, ownKeys: () => [], has: () => true }) as never }, locale);
        expect(text.length, `${code} ${locale}`).toBeGreaterThan(10);
      }
    }
    const leaf = await issueLeaf(h.buypassTestCa, { subject: seid2Subject('974760819'), policies: [POLICY.buypassEnterprise], keyUsage: KU.nonRepudiation, notAfter: daysFromNow(10) });
    const result = await validateOne(leaf.pem, prod());
    for (const c of result.checks) {
      expect(MESSAGE_CODES, c.code).toContain(c.code);
      for (const locale of LOCALES) expect(checkMessage(c, locale), `${c.code} ${locale}`).not.toMatch(/\{\w+\}/);
    }
    expect(checkMessage(result.checks.find((c) => c.id === 'chain')!, 'nb')).toContain('testmiljøet');
  });
});
