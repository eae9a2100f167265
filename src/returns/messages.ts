import type { Locale } from '../domain/locale.js';
import { format } from '../domain/locale.js';
import type { Finding, FindingCode, SignatureReport } from '../domain/upload-analysis.js';

/** What each finding tells the agency and servicedesk, in the reader's language. */
const MESSAGES: Record<FindingCode, Record<Locale, string>> = {
  'missing-pages': {
    nb: 'Side {pages} av dokumentet mangler. Skann alle sidene og last opp på nytt.',
    nn: 'Side {pages} av dokumentet manglar. Skann alle sidene og last opp på nytt.',
    en: 'Page(s) {pages} of the document are missing. Scan every page and upload again.',
  },
  'repeated-page': {
    nb: 'Side {page} i filen er side {documentPage} av dokumentet en gang til.',
    nn: 'Side {page} i fila er side {documentPage} av dokumentet ein gong til.',
    en: 'Page {page} of the file repeats page {documentPage} of the document.',
  },
  'unreadable-page': {
    nb: 'På side {page} i filen fant vi ingen lesbar QR-kode (blank side, eller skannet for utydelig).',
    nn: 'På side {page} i fila fann vi ingen lesbar QR-kode (blank side, eller skanna for utydeleg).',
    en: 'Page {page} of the file has no readable QR code (a blank page, or scanned too faintly).',
  },
  'other-case': {
    nb: 'Side {page} i filen tilhører et dokument fra en annen sak. Filen er ikke knyttet til denne saken. Last opp dokumentet som ble laget for denne saken.',
    nn: 'Side {page} i fila høyrer til eit dokument frå ei anna sak. Fila er ikkje knytt til denne saka. Last opp dokumentet som vart laga for denne saka.',
    en: 'Page {page} of the file belongs to a document of another case. The file is not attached to this case. Upload the document made for this case.',
  },
  'other-document': {
    nb: 'Side {page} i filen tilhører et annet dokument ({reference}). Last opp hvert dokument som en egen fil.',
    nn: 'Side {page} i fila høyrer til eit anna dokument ({reference}). Last opp kvart dokument som ei eiga fil.',
    en: 'Page {page} of the file belongs to another document ({reference}). Upload each document as a file of its own.',
  },
  'forged-code': {
    nb: 'QR-koden på side {page} i filen er ikke laget av oss eller er endret. Bruk dokumentet slik dere lastet det ned.',
    nn: 'QR-koden på side {page} i fila er ikkje laga av oss eller er endra. Bruk dokumentet slik de lasta det ned.',
    en: 'The QR code on page {page} of the file was not made by us or has been altered. Use the document as you downloaded it.',
  },
  'unknown-document': {
    nb: 'QR-koden på side {page} viser til et dokument ({reference}) vi ikke finner.',
    nn: 'QR-koden på side {page} viser til eit dokument ({reference}) vi ikkje finn.',
    en: 'The QR code on page {page} refers to a document ({reference}) we cannot find.',
  },
  'code-mismatch': {
    nb: 'QR-koden på side {page} stemmer ikke med dokumentet {reference} slik vi laget det.',
    nn: 'QR-koden på side {page} stemmer ikkje med dokumentet {reference} slik vi laga det.',
    en: 'The QR code on page {page} does not agree with document {reference} as we issued it.',
  },
  'no-codes': {
    nb: 'Vi fant ingen QR-kode i filen. Oppgi referansen som står nederst på hver side (f.eks. EFM-7K3Q-9XPD) i feltet «documentId», så kontrollerer servicedesk filen manuelt.',
    nn: 'Vi fann ingen QR-kode i fila. Oppgi referansen som står nedst på kvar side (t.d. EFM-7K3Q-9XPD) i feltet «documentId», så kontrollerer servicedesk fila manuelt.',
    en: 'We found no QR code in the file. Give the reference printed at the bottom of each page (e.g. EFM-7K3Q-9XPD) in the field "documentId", and servicedesk will check the file by hand.',
  },
  'awaiting-manual-review': {
    nb: 'Vi kunne ikke lese QR-kodene. Filen venter på manuell kontroll hos servicedesk mot dokument {reference}.',
    nn: 'Vi kunne ikkje lese QR-kodane. Fila ventar på manuell kontroll hos servicedesk mot dokument {reference}.',
    en: 'We could not read the QR codes. The file is waiting for servicedesk to check it by hand against document {reference}.',
  },
  'reference-unknown': {
    nb: 'Referansen «{reference}» passer ikke med noe dokument i denne saken. Sjekk referansen nederst på siden.',
    nn: 'Referansen «{reference}» passar ikkje med noko dokument i denne saka. Sjekk referansen nedst på sida.',
    en: 'The reference "{reference}" does not match any document of this case. Check the reference at the bottom of the page.',
  },
  'not-signed': {
    nb: 'Filen er dokumentet nøyaktig slik vi laget det, uten signatur. Skriv det ut, signer, skann og last opp skanningen, eller signer det elektronisk.',
    nn: 'Fila er dokumentet nøyaktig slik vi laga det, utan signatur. Skriv det ut, signer, skann og last opp skanninga, eller signer det elektronisk.',
    en: 'The file is the document exactly as we issued it, without a signature. Print, sign, scan and upload the scan, or sign it electronically.',
  },
  'signature-intact': {
    nb: 'Signatur {index} er intakt. Signert av {signer}. Sertifikatkjeden og tilbaketrekking er ikke kontrollert.',
    nn: 'Signatur {index} er intakt. Signert av {signer}. Sertifikatkjeda og tilbaketrekking er ikkje kontrollert.',
    en: 'Signature {index} is intact. Signed by {signer}. The certificate chain and revocation were not checked.',
  },
  'signature-invalid': {
    nb: 'Signatur {index} stemmer ikke med innholdet: filen er endret etter signering eller skadet. Last opp filen nøyaktig slik den kom fra signeringstjenesten.',
    nn: 'Signatur {index} stemmer ikkje med innhaldet: fila er endra etter signering eller skadd. Last opp fila nøyaktig slik ho kom frå signeringstenesta.',
    en: 'Signature {index} does not match the content: the file was changed after signing, or damaged. Upload the file exactly as it came from the signing service.',
  },
  'modified-after-signing': {
    nb: 'Filen er endret etter den siste signaturen (signatur {index}). Last opp filen slik den var rett etter signering.',
    nn: 'Fila er endra etter den siste signaturen (signatur {index}). Last opp fila slik ho var rett etter signering.',
    en: 'The file was changed after the last signature (signature {index}). Upload the file as it was right after signing.',
  },
  'signed-content-issued': {
    nb: 'Signatur {index} dekker et dokument vi har laget.',
    nn: 'Signatur {index} dekkjer eit dokument vi har laga.',
    en: 'Signature {index} covers a document we issued.',
  },
  'signed-content-unknown': {
    nb: 'Vi kan ikke fastslå at signatur {index} dekker et dokument vi har laget.',
    nn: 'Vi kan ikkje slå fast at signatur {index} dekkjer eit dokument vi har laga.',
    en: 'We cannot establish that signature {index} covers a document we issued.',
  },
};

export function findingMessage(finding: Finding, locale: Locale): string {
  return format(MESSAGES[finding.code][locale], { ...(finding.page !== undefined ? { page: finding.page } : {}), ...finding.params });
}

/** One honest line per signature, e.g. "signature intact, signer X, chain not verified". */
export function signatureSummary(signature: SignatureReport, locale: Locale): string {
  const signer = signature.signer?.subject ?? { nb: 'ukjent', nn: 'ukjend', en: 'unknown' }[locale];
  const parts: Record<Locale, string[]> = {
    nb: [signature.intact ? 'Signaturen er intakt' : 'Signaturen er ikke gyldig', `signert av ${signer}`],
    nn: [signature.intact ? 'Signaturen er intakt' : 'Signaturen er ikkje gyldig', `signert av ${signer}`],
    en: [signature.intact ? 'Signature intact' : 'Signature not valid', `signer ${signer}`],
  };
  const p = parts[locale];
  if (signature.signingTime) {
    const claimed = signature.signingTimeSource === 'pdf-dictionary';
    p.push({ nb: `${claimed ? 'oppgitt ' : ''}tidspunkt ${signature.signingTime}`, nn: `${claimed ? 'oppgitt ' : ''}tidspunkt ${signature.signingTime}`, en: `${claimed ? 'claimed ' : ''}time ${signature.signingTime}` }[locale]);
  }
  if (!signature.coversWholeFile) p.push({ nb: 'filen er endret etter signering', nn: 'fila er endra etter signering', en: 'file changed after signing' }[locale]);
  p.push({ nb: 'kjeden er ikke kontrollert', nn: 'kjeda er ikkje kontrollert', en: 'chain not verified' }[locale]);
  if (signature.timestampToken) p.push({ nb: 'tidsstempel finnes, ikke kontrollert', nn: 'tidsstempel finst, ikkje kontrollert', en: 'timestamp present, not verified' }[locale]);
  return p.join(', ');
}
