import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import forge from 'node-forge';

/**
 * The key that seals receipts. In production it comes from a PKCS#12 file
 * (SEAL_P12_PATH, SEAL_P12_PASSWORD), ideally a qualified eSeal. Without one, a
 * self-signed development seal is made at first start under DATA_DIR/seal and
 * every receipt says plainly that it is sealed with a development key.
 */
export interface SealKey {
  privateKeyPem: string;
  /** DER certificates, the signer first, then its chain. */
  certificates: Buffer[];
  development: boolean;
  subject: string;
}

export class SealConfigError extends Error {}

function subjectOf(cert: forge.pki.Certificate): string {
  return cert.subject.attributes.map((a) => `${a.shortName ?? a.name}=${String(a.value)}`).join(', ');
}

export function loadPkcs12(bytes: Buffer, password: string): SealKey {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.createBuffer(bytes.toString('binary'))), password);
  } catch (error) {
    throw new SealConfigError(`cannot open the seal PKCS#12 (wrong password or not a PKCS#12 file): ${(error as Error).message}`);
  }
  const bags = (type: string): forge.pkcs12.Bag[] => p12.getBags({ bagType: type })[type] ?? [];
  const keyBags = [...bags(forge.pki.oids.pkcs8ShroudedKeyBag!), ...bags(forge.pki.oids.keyBag!)];
  const certBags = bags(forge.pki.oids.certBag!);
  if (keyBags.length === 0) throw new SealConfigError('the seal PKCS#12 holds no private key');
  // forge reads RSA keys only; an EC (or other) key comes back as a bag without a key.
  const key = keyBags[0]?.key as forge.pki.rsa.PrivateKey | undefined;
  if (!key) throw new SealConfigError('the seal key is not an RSA key: receipts are sealed with RSA (2048 bits or more); export an RSA seal to PKCS#12');
  const certs = certBags.map((bag) => bag.cert).filter((c): c is forge.pki.Certificate => c !== undefined && c !== null);
  const publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  const signer = certs.find((c) => forge.pki.publicKeyToPem(c.publicKey) === forge.pki.publicKeyToPem(publicKey));
  if (!signer) throw new SealConfigError('the seal PKCS#12 has no certificate for its private key');
  const ordered = [signer, ...certs.filter((c) => c !== signer)];
  return {
    privateKeyPem: forge.pki.privateKeyToPem(key),
    certificates: ordered.map((c) => Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(c)).getBytes(), 'binary')),
    development: false,
    subject: subjectOf(signer),
  };
}

/** Makes (once) and loads the self-signed development seal. */
export async function developmentSeal(dataDir: string, now: Date): Promise<SealKey> {
  const dir = path.join(dataDir, 'seal');
  const keyFile = path.join(dir, 'development-seal.key.pem');
  const certFile = path.join(dir, 'development-seal.cert.pem');
  try {
    const [keyPem, certPem] = await Promise.all([readFile(keyFile, 'utf8'), readFile(certFile, 'utf8')]);
    const cert = forge.pki.certificateFromPem(certPem);
    return { privateKeyPem: keyPem, certificates: [Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary')], development: true, subject: subjectOf(cert) };
  } catch {
    // not made yet
  }
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + 10 * 365 * 24 * 3600 * 1000);
  const name = [
    { name: 'commonName', value: 'efm-onboarding DEVELOPMENT seal (not trusted)' },
    { name: 'organizationName', value: 'efm-onboarding development' },
    { name: 'countryName', value: 'NO' },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const write = async (file: string, text: string) => {
    const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, text, { mode: 0o600, flush: true });
    await chmod(tmp, 0o600);
    await rename(tmp, file);
  };
  await write(keyFile, forge.pki.privateKeyToPem(keys.privateKey));
  await write(certFile, forge.pki.certificateToPem(cert));
  return {
    privateKeyPem: forge.pki.privateKeyToPem(keys.privateKey),
    certificates: [Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary')],
    development: true,
    subject: subjectOf(cert),
  };
}
