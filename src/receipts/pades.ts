import { createHash, sign as cryptoSign } from 'node:crypto';
import { PDFArray, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFString } from '@cantoo/pdf-lib';
import forge from 'node-forge';
import type { SealKey } from './seal-key.js';

/**
 * PAdES baseline B-B sealing: a detached CMS signature (SubFilter
 * ETSI.CAdES.detached) over the whole file except the signature value, with the
 * signed attributes contentType, messageDigest and ESS signing-certificate-v2,
 * and no signingTime attribute (PAdES puts the time in the signature's /M).
 *
 * node-forge's PKCS#7 signer cannot emit signing-certificate-v2, so the CMS is
 * assembled here with forge's ASN.1 layer and signed with Node's crypto.
 */
const OID = {
  signedData: '1.2.840.113549.1.7.2',
  data: '1.2.840.113549.1.7.1',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
};

const SIGNATURE_BYTES = 16_384;
const BYTE_RANGE_PLACEHOLDER = '**********';

const { asn1 } = forge;
const seq = (items: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
const set = (items: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, items);
const oid = (value: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(value).getBytes());
const octets = (bytes: Buffer) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bytes.toString('binary'));
const integer = (n: number) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(n).getBytes());
const nullValue = () => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '');
const der = (node: forge.asn1.Asn1) => Buffer.from(asn1.toDer(node).getBytes(), 'binary');
const fromDer = (bytes: Buffer) => asn1.fromDer(forge.util.createBuffer(bytes.toString('binary')));

function attribute(type: string, value: forge.asn1.Asn1): forge.asn1.Asn1 {
  return seq([oid(type), set([value])]);
}

/** Issuer name and serial number straight from the certificate's DER. */
function issuerAndSerial(certificateDer: Buffer): forge.asn1.Asn1 {
  const tbs = (fromDer(certificateDer).value as forge.asn1.Asn1[])[0]!;
  const fields = tbs.value as forge.asn1.Asn1[];
  const offset = fields[0]!.tagClass === asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  return seq([fields[offset + 2]!, fields[offset]!]);
}

/** The CMS SignedData (DER) for a document digest. */
export function buildCmsSignature(digest: Buffer, key: SealKey): Buffer {
  const signer = key.certificates[0]!;
  const essCertId = seq([octets(createHash('sha256').update(signer).digest())]);
  const attributes = [
    attribute(OID.contentType, oid(OID.data)),
    attribute(OID.messageDigest, octets(digest)),
    attribute(OID.signingCertificateV2, seq([seq([essCertId])])),
  ];
  // DER orders the members of a SET OF by their encodings.
  const sorted = attributes.map(der).sort(Buffer.compare);
  const signedAttrsSet = Buffer.concat([Buffer.from([0x31]), derLength(sorted.reduce((n, b) => n + b.length, 0)), ...sorted]);
  const signature = cryptoSign('sha256', signedAttrsSet, key.privateKeyPem);
  // In SignerInfo the same SET is written with the implicit [0] tag.
  const signedAttrsImplicit = fromDer(Buffer.concat([Buffer.from([0xa0]), signedAttrsSet.subarray(1)]));
  const signerInfo = seq([
    integer(1),
    issuerAndSerial(signer),
    seq([oid(OID.sha256)]),
    signedAttrsImplicit,
    seq([oid(OID.rsaEncryption), nullValue()]),
    octets(signature),
  ]);
  const signedData = seq([
    integer(1),
    set([seq([oid(OID.sha256)])]),
    seq([oid(OID.data)]),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, key.certificates.map(fromDer)),
    set([signerInfo]),
  ]);
  return der(seq([oid(OID.signedData), asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [signedData])]));
}

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export interface SealOptions {
  reason: string;
  location: string;
  /** The signing time written to /M (from the caller's clock). */
  signingTime: Date;
  fieldName?: string;
}

/** Seals a PDF: adds an invisible signature field and fills it with a CAdES signature. */
export async function sealPdf(pdf: Uint8Array, key: SealKey, options: SealOptions): Promise<Buffer> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const context = doc.context;
  const byteRange = PDFArray.withContext(context);
  byteRange.push(PDFNumber.of(0));
  for (let i = 0; i < 3; i++) byteRange.push(PDFName.of(BYTE_RANGE_PLACEHOLDER));
  const signatureDict = context.obj({
    Type: 'Sig',
    Filter: 'Adobe.PPKLite',
    SubFilter: 'ETSI.CAdES.detached',
    ByteRange: byteRange,
    Contents: PDFHexString.of('0'.repeat(SIGNATURE_BYTES * 2)),
    Reason: PDFString.of(options.reason),
    Location: PDFString.of(options.location),
    M: PDFString.fromDate(options.signingTime),
  });
  const signatureRef = context.register(signatureDict);
  const page = doc.getPage(0);
  const widget = context.obj({
    Type: 'Annot',
    Subtype: 'Widget',
    FT: 'Sig',
    Rect: [0, 0, 0, 0],
    V: signatureRef,
    T: PDFString.of(options.fieldName ?? 'Seal'),
    F: 4,
    P: page.ref,
  });
  const widgetRef = context.register(widget);
  const annots = page.node.Annots();
  if (annots) annots.push(widgetRef);
  else page.node.set(PDFName.of('Annots'), context.obj([widgetRef]));
  doc.catalog.set(PDFName.of('AcroForm'), context.obj({ Fields: [widgetRef], SigFlags: 3 }));

  const prepared = Buffer.from(await doc.save({ useObjectStreams: false, updateFieldAppearances: false }));
  const placeholder = `/Contents <${'0'.repeat(SIGNATURE_BYTES * 2)}>`;
  const contentsAt = prepared.lastIndexOf(placeholder);
  if (contentsAt < 0) throw new Error('signature placeholder not found');
  const start = contentsAt + '/Contents '.length; // at '<'
  const end = start + SIGNATURE_BYTES * 2 + 2; // after '>'
  const ranges = [0, start, end, prepared.length - end];

  const rangeText = `/ByteRange [ 0 /${BYTE_RANGE_PLACEHOLDER} /${BYTE_RANGE_PLACEHOLDER} /${BYTE_RANGE_PLACEHOLDER} ]`;
  const rangeAt = prepared.indexOf(rangeText);
  if (rangeAt < 0) throw new Error('byte range placeholder not found');
  const actual = `/ByteRange [${ranges.join(' ')}]`.padEnd(rangeText.length, ' ');
  prepared.write(actual, rangeAt, 'latin1');

  const digest = createHash('sha256').update(prepared.subarray(0, start)).update(prepared.subarray(end)).digest();
  const cms = buildCmsSignature(digest, key);
  if (cms.length > SIGNATURE_BYTES) throw new Error(`signature of ${cms.length} bytes does not fit the placeholder`);
  prepared.write(cms.toString('hex').padEnd(SIGNATURE_BYTES * 2, '0'), start + 1, 'latin1');
  return prepared;
}
