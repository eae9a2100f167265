import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  CMSVersion,
  ContentInfo,
  DigestAlgorithmIdentifiers,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
} from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  Certificate,
  Name,
  RelativeDistinguishedName,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509';
import * as asn1js from 'asn1js';
import { PDFArray, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFString } from '@cantoo/pdf-lib';
import forge from 'node-forge';

/**
 * Digital signing in the tests, as eSignering or a desktop signer would do it:
 * a self-made certificate, and a CMS SignedData over the PDF's /ByteRange,
 * appended as an incremental update so the issued document stays byte for byte
 * the first revision. Nothing here is used by the service.
 */
export interface TestSigner {
  certificate: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
  subject: string;
}

export function makeTestSigner(commonName = 'Kari Nordmann', organization = 'Testkommune'): TestSigner {
  // Node generates the key (forge's pure-JS RSA keygen takes about a second).
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()) as forge.pki.rsa.PrivateKey;
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  certificate.serialNumber = '01a2b3c4';
  certificate.validity.notBefore = new Date(Date.now() - 86_400_000);
  certificate.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  const attrs = [
    { name: 'commonName', value: commonName },
    { name: 'organizationName', value: organization },
    { name: 'countryName', value: 'NO' },
  ];
  certificate.setSubject(attrs);
  certificate.setIssuer(attrs);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true },
  ]);
  certificate.sign(key, forge.md.sha256.create());
  return { certificate, key, subject: commonName };
}

const PLACEHOLDER = 9_999_999_999;
const CONTENTS_BYTES = 8192;

/** Makes the CMS SignedData (DER) over the signed bytes. */
type CmsMaker = (signed: Buffer) => Buffer | Promise<Buffer>;

/** Appends a signature (adbe.pkcs7.detached, RSA, with signingTime) as an incremental update. */
export async function signPdf(pdf: Uint8Array, signer: TestSigner, signingTime = new Date()): Promise<Uint8Array> {
  return signWith(pdf, 'adbe.pkcs7.detached', signer.subject, signingTime, (signed) => forgeCms(signed, signer, signingTime));
}

function forgeCms(signed: Buffer, signer: TestSigner, signingTime: Date): Buffer {
  const p7 = forge.pkcs7.createSignedData();
  p7.content = forge.util.createBuffer(signed.toString('binary'));
  p7.addCertificate(signer.certificate);
  p7.addSigner({
    key: signer.key,
    certificate: signer.certificate,
    digestAlgorithm: forge.pki.oids.sha256!,
    authenticatedAttributes: [
      { type: forge.pki.oids.contentType!, value: forge.pki.oids.data! },
      { type: forge.pki.oids.messageDigest! },
      { type: forge.pki.oids.signingTime!, value: signingTime as unknown as string },
    ],
  });
  p7.sign({ detached: true });
  return Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary');
}

/**
 * A PAdES-style signature (ETSI.CAdES.detached) with an ECDSA P-256 key: signed
 * attributes contentType and messageDigest only (no signingTime, as PAdES
 * baseline wants), CMS built with @peculiar/asn1-cms and signed with Node crypto.
 */
export async function signPdfCades(pdf: Uint8Array, commonName = 'Ola Nordmann'): Promise<Uint8Array> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const certDer = selfSignedEcCertificate(commonName, publicKey, privateKey);
  return signWith(pdf, 'ETSI.CAdES.detached', commonName, new Date(), (signed) => {
    const certificate = AsnConvert.parse(certDer, Certificate);
    const sha256 = '2.16.840.1.101.3.4.2.1';
    const signedAttrs = [
      new Attribute({ attrType: '1.2.840.113549.1.9.3', attrValues: [new asn1js.ObjectIdentifier({ value: '1.2.840.113549.1.7.1' }).toBER()] }),
      new Attribute({ attrType: '1.2.840.113549.1.9.4', attrValues: [AsnConvert.serialize(new OctetString(createHash('sha256').update(signed).digest()))] }),
    ];
    const signerInfo = new SignerInfo({
      version: CMSVersion.v1,
      sid: new SignerIdentifier({ issuerAndSerialNumber: new IssuerAndSerialNumber({ issuer: certificate.tbsCertificate.issuer, serialNumber: certificate.tbsCertificate.serialNumber }) }),
      digestAlgorithm: new AlgorithmIdentifier({ algorithm: sha256 }),
      signedAttrs,
      signatureAlgorithm: new AlgorithmIdentifier({ algorithm: '1.2.840.10045.4.3.2' }),
    });
    // The signature covers the attributes as they are encoded in the SignerInfo,
    // with the [0] tag replaced by SET (0x31).
    const encoded = asn1js.fromBER(AsnConvert.serialize(signerInfo)).result as asn1js.Sequence;
    const attrs = encoded.valueBlock.value.find((e) => e.idBlock.tagClass === 3 && e.idBlock.tagNumber === 0)!;
    const attrsDer = Buffer.from(attrs.valueBeforeDecodeView);
    attrsDer[0] = 0x31;
    signerInfo.signature = new OctetString(sign('sha256', attrsDer, privateKey));
    const signedData = new SignedData({
      version: CMSVersion.v1,
      digestAlgorithms: new DigestAlgorithmIdentifiers([new AlgorithmIdentifier({ algorithm: sha256 })]),
      encapContentInfo: new EncapsulatedContentInfo({ eContentType: '1.2.840.113549.1.7.1' }),
      certificates: new CertificateSet([new CertificateChoices({ certificate })]),
      signerInfos: new SignerInfos([signerInfo]),
    });
    return Buffer.from(AsnConvert.serialize(new ContentInfo({ contentType: '1.2.840.113549.1.7.2', content: AsnConvert.serialize(signedData) })));
  });
}

/** A minimal self-signed X.509 certificate for an EC key, built with @peculiar/asn1-x509. */
function selfSignedEcCertificate(commonName: string, publicKey: KeyObject, privateKey: KeyObject): ArrayBuffer {
  const name = new Name([new RelativeDistinguishedName([new AttributeTypeAndValue({ type: '2.5.4.3', value: new AttributeValue({ utf8String: commonName }) })])]);
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: new Uint8Array([0x01, 0x23, 0x45]).buffer,
    signature: new AlgorithmIdentifier({ algorithm: '1.2.840.10045.4.3.2' }),
    issuer: name,
    validity: new Validity({ notBefore: new Date(Date.now() - 86_400_000), notAfter: new Date(Date.now() + 86_400_000 * 365) }),
    subject: name,
    subjectPublicKeyInfo: AsnConvert.parse(publicKey.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo),
  });
  const signature = sign('sha256', Buffer.from(AsnConvert.serialize(tbs)), privateKey);
  const cert = new Certificate({ tbsCertificate: tbs, signatureAlgorithm: new AlgorithmIdentifier({ algorithm: '1.2.840.10045.4.3.2' }), signatureValue: new Uint8Array(signature).buffer });
  return AsnConvert.serialize(cert);
}

async function signWith(pdf: Uint8Array, subFilter: string, name: string, signingTime: Date, makeCms: CmsMaker): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { forIncrementalUpdate: true, updateMetadata: false });
  const { context } = doc;
  const signature = context.obj({
    Type: 'Sig',
    Filter: 'Adobe.PPKLite',
    SubFilter: subFilter,
    ByteRange: [0, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER],
    Contents: PDFHexString.of('0'.repeat(CONTENTS_BYTES * 2)),
    M: PDFString.fromDate(signingTime),
    Name: PDFString.of(name),
  });
  const signatureRef = context.register(signature);
  const page = doc.getPage(0);
  const widget = context.obj({
    Type: 'Annot',
    Subtype: 'Widget',
    FT: 'Sig',
    Rect: [0, 0, 0, 0],
    V: signatureRef,
    T: PDFString.of('Signature1'),
    F: 132,
    P: page.ref,
  });
  const widgetRef = context.register(widget);
  const annots = page.node.lookupMaybe(PDFName.of('Annots'), PDFArray) ?? context.obj([]);
  annots.push(widgetRef);
  page.node.set(PDFName.of('Annots'), annots);
  doc.catalog.set(PDFName.of('AcroForm'), context.obj({ Fields: [widgetRef], SigFlags: PDFNumber.of(3) }));
  context.snapshot!.markRefsForSave([page.ref, context.trailerInfo.Root as never]);
  const bytes = Buffer.from(await doc.commit({ useObjectStreams: false }));

  // Fill in the byte range around the /Contents hex string, then the signature.
  const text = bytes.toString('latin1');
  const placeholder = `[ 0 ${PLACEHOLDER} ${PLACEHOLDER} ${PLACEHOLDER} ]`;
  const rangeAt = text.lastIndexOf(placeholder);
  const contentsAt = text.indexOf(`<${'0'.repeat(CONTENTS_BYTES * 2)}>`, rangeAt - CONTENTS_BYTES * 4);
  if (rangeAt < 0 || contentsAt < 0) throw new Error('signature placeholder not found');
  const gapEnd = contentsAt + CONTENTS_BYTES * 2 + 2;
  const range = [0, contentsAt, gapEnd, bytes.length - gapEnd];
  bytes.write(`[${range.join(' ')}]`.padEnd(placeholder.length, ' '), rangeAt, 'latin1');
  const signed = Buffer.concat([bytes.subarray(0, contentsAt), bytes.subarray(gapEnd)]);

  const cms = (await makeCms(signed)).toString('hex');
  if (cms.length > CONTENTS_BYTES * 2) throw new Error('signature larger than its placeholder');
  bytes.write(cms.padEnd(CONTENTS_BYTES * 2, '0'), contentsAt + 1, 'latin1');
  return new Uint8Array(bytes);
}
