import { generateKeyPairSync } from 'node:crypto';
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

/** Appends a signature (adbe.pkcs7.detached, with signingTime) as an incremental update. */
export async function signPdf(pdf: Uint8Array, signer: TestSigner, signingTime = new Date()): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { forIncrementalUpdate: true, updateMetadata: false });
  const { context } = doc;
  const signature = context.obj({
    Type: 'Sig',
    Filter: 'Adobe.PPKLite',
    SubFilter: 'adbe.pkcs7.detached',
    ByteRange: [0, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER],
    Contents: PDFHexString.of('0'.repeat(CONTENTS_BYTES * 2)),
    M: PDFString.fromDate(signingTime),
    Name: PDFString.of(signer.subject),
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
  const cms = Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary').toString('hex');
  if (cms.length > CONTENTS_BYTES * 2) throw new Error('signature larger than its placeholder');
  bytes.write(cms.padEnd(CONTENTS_BYTES * 2, '0'), contentsAt + 1, 'latin1');
  return new Uint8Array(bytes);
}
