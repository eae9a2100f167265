import { AppError } from '../domain/app-error.js';
import type { Localized } from '../domain/locale.js';
import type { SubmissionProblem, UnreadableHint } from './input.js';

/**
 * Unusable certificate submissions as problems the user can act on. None of
 * them carries any of the submitted bytes.
 */

const HINTS: Record<Exclude<UnreadableHint, null>, Localized> = {
  csr: {
    nb: 'Filen er en sertifikatforespørsel (CSR), ikke selve sertifikatet. Send sertifikatet leverandøren utstedte.',
    nn: 'Fila er ein sertifikatførespurnad (CSR), ikkje sjølve sertifikatet. Send sertifikatet leverandøren utferda.',
    en: 'The file is a certificate signing request (CSR), not the certificate. Send the certificate the supplier issued.',
  },
  'public-key': {
    nb: 'Filen er bare en offentlig nøkkel. Send hele sertifikatet (.cer/.crt/.pem).',
    nn: 'Fila er berre ein offentleg nøkkel. Send heile sertifikatet (.cer/.crt/.pem).',
    en: 'The file is only a public key. Send the whole certificate (.cer/.crt/.pem).',
  },
  crl: {
    nb: 'Filen er en tilbaketrekkingsliste (CRL), ikke et sertifikat.',
    nn: 'Fila er ei tilbaketrekkingsliste (CRL), ikkje eit sertifikat.',
    en: 'The file is a certificate revocation list (CRL), not a certificate.',
  },
  pdf: { nb: 'Filen er en PDF. Send sertifikatfilen (.cer/.crt/.pem).', nn: 'Fila er ein PDF. Send sertifikatfila (.cer/.crt/.pem).', en: 'The file is a PDF. Send the certificate file (.cer/.crt/.pem).' },
  image: {
    nb: 'Filen er et bilde. Send sertifikatfilen (.cer/.crt/.pem), ikke et skjermbilde.',
    nn: 'Fila er eit bilete. Send sertifikatfila (.cer/.crt/.pem), ikkje eit skjermbilete.',
    en: 'The file is an image. Send the certificate file (.cer/.crt/.pem), not a screenshot.',
  },
  office: { nb: 'Filen er et Office-dokument. Send sertifikatfilen (.cer/.crt/.pem).', nn: 'Fila er eit Office-dokument. Send sertifikatfila (.cer/.crt/.pem).', en: 'The file is an Office document. Send the certificate file (.cer/.crt/.pem).' },
  text: {
    nb: 'Filen er tekst uten sertifikat. Et PEM-sertifikat begynner med «-----BEGIN CERTIFICATE-----».',
    nn: 'Fila er tekst utan sertifikat. Eit PEM-sertifikat byrjar med «-----BEGIN CERTIFICATE-----».',
    en: 'The file is text without a certificate. A PEM certificate starts with "-----BEGIN CERTIFICATE-----".',
  },
  'nested-zip': {
    nb: 'ZIP-filen inneholder en ny ZIP-fil. Pakk sertifikatet direkte i én ZIP-fil.',
    nn: 'ZIP-fila inneheld ei ny ZIP-fil. Pakk sertifikatet direkte i éi ZIP-fil.',
    en: 'The ZIP file holds another ZIP file. Put the certificate directly into one ZIP file.',
  },
};

const ACCEPTED_FORMATS: Localized = {
  nb: 'Vi tar imot PEM, DER (.cer/.crt), PKCS#7 (.p7b/.p7c) eller en ZIP-fil med en av disse.',
  nn: 'Vi tek imot PEM, DER (.cer/.crt), PKCS#7 (.p7b/.p7c) eller ei ZIP-fil med ein av desse.',
  en: 'We accept PEM, DER (.cer/.crt), PKCS#7 (.p7b/.p7c) or a ZIP file holding one of those.',
};

const join = (a: Localized, b: Localized): Localized => ({ nb: `${a.nb} ${b.nb}`, nn: `${a.nn} ${b.nn}`, en: `${a.en} ${b.en}` });

export function privateKeyRefused(): AppError {
  return new AppError({
    code: 'private-key-refused',
    status: 422,
    title: { nb: 'Privat nøkkel mottatt', nn: 'Privat nøkkel motteken', en: 'Private key received' },
    detail: {
      nb: 'Filen inneholder en privat nøkkel (eller et nøkkellager som .p12/.pfx/.jks). Send aldri private nøkler til noen: send bare den offentlige delen av sertifikatet (.cer/.crt/.pem). Filen er verken lagret eller logget. Har nøkkelen vært sendt på e-post eller lignende, bør dere vurdere å sperre sertifikatet og bestille et nytt.',
      nn: 'Fila inneheld ein privat nøkkel (eller eit nøkkellager som .p12/.pfx/.jks). Send aldri private nøklar til nokon: send berre den offentlege delen av sertifikatet (.cer/.crt/.pem). Fila er verken lagra eller logga. Har nøkkelen vore send på e-post eller liknande, bør de vurdere å sperre sertifikatet og bestille eit nytt.',
      en: 'The file contains a private key (or a key store such as .p12/.pfx/.jks). Never send private keys to anyone: send only the public part of the certificate (.cer/.crt/.pem). The file was neither stored nor logged. If the key has been sent by e-mail or similar, consider revoking the certificate and ordering a new one.',
    },
  });
}

export function submissionProblem(problem: SubmissionProblem): AppError {
  switch (problem.kind) {
    case 'empty':
      return new AppError({
        code: 'empty-file',
        status: 400,
        title: { nb: 'Tom fil', nn: 'Tom fil', en: 'Empty file' },
        detail: join({ nb: 'Filen er tom.', nn: 'Fila er tom.', en: 'The file is empty.' }, ACCEPTED_FORMATS),
      });
    case 'private-key':
      return privateKeyRefused();
    case 'not-a-certificate':
      return new AppError({
        code: 'not-a-certificate',
        status: 422,
        title: { nb: 'Ikke et sertifikat', nn: 'Ikkje eit sertifikat', en: 'Not a certificate' },
        detail: join(problem.hint ? HINTS[problem.hint] : { nb: 'Fant ikke noe sertifikat i filen.', nn: 'Fann ikkje noko sertifikat i fila.', en: 'No certificate was found in the file.' }, ACCEPTED_FORMATS),
        extensions: { hint: problem.hint },
      });
    case 'unreadable-certificate':
      return new AppError({
        code: 'unreadable-certificate',
        status: 422,
        title: { nb: 'Skadet sertifikat', nn: 'Skadd sertifikat', en: 'Damaged certificate' },
        detail: {
          nb: `Sertifikat nummer ${problem.index} i filen kan ikke leses. Hent sertifikatet på nytt fra leverandøren og send det uendret.`,
          nn: `Sertifikat nummer ${problem.index} i fila kan ikkje lesast. Hent sertifikatet på nytt frå leverandøren og send det uendra.`,
          en: `Certificate number ${problem.index} in the file cannot be read. Fetch the certificate again from the supplier and send it unchanged.`,
        },
      });
    case 'too-many-certificates':
      return new AppError({
        code: 'too-many-certificates',
        status: 422,
        title: { nb: 'For mange sertifikater', nn: 'For mange sertifikat', en: 'Too many certificates' },
        detail: {
          nb: `Filen inneholder mer enn ${problem.limit} sertifikater. Send virksomhetssertifikatet, eventuelt med kjeden sin.`,
          nn: `Fila inneheld meir enn ${problem.limit} sertifikat. Send verksemdssertifikatet, eventuelt med kjeda si.`,
          en: `The file holds more than ${problem.limit} certificates. Send the enterprise certificate, with its chain if you like.`,
        },
      });
    case 'zip':
      switch (problem.problem) {
        case 'too-large':
          return new AppError({
            code: 'zip-too-large',
            status: 413,
            title: { nb: 'ZIP-filen pakker ut til for mye', nn: 'ZIP-fila pakkar ut til for mykje', en: 'ZIP file unpacks to too much' },
            detail: {
              nb: 'ZIP-filen pakker ut til mer enn et sertifikat kan være (eller har for mange filer). Pakk bare sertifikatfilen.',
              nn: 'ZIP-fila pakkar ut til meir enn eit sertifikat kan vere (eller har for mange filer). Pakk berre sertifikatfila.',
              en: 'The ZIP file unpacks to more than a certificate can be (or holds too many files). Zip only the certificate file.',
            },
          });
        case 'unsafe-path':
          return new AppError({
            code: 'unsafe-zip',
            status: 422,
            title: { nb: 'Usikker ZIP-fil', nn: 'Usikker ZIP-fil', en: 'Unsafe ZIP file' },
            detail: {
              nb: 'ZIP-filen har filnavn som peker ut av mappen (som «../») eller symbolske lenker, og avvises. Lag en ny ZIP-fil med bare sertifikatet.',
              nn: 'ZIP-fila har filnamn som peikar ut av mappa (som «../») eller symbolske lenkjer, og blir avvist. Lag ei ny ZIP-fil med berre sertifikatet.',
              en: 'The ZIP file has names that point outside its folder (like "../") or symbolic links, and is refused. Make a new ZIP file with only the certificate.',
            },
          });
        case 'encrypted':
          return new AppError({
            code: 'encrypted-zip',
            status: 422,
            title: { nb: 'Kryptert ZIP-fil', nn: 'Kryptert ZIP-fil', en: 'Encrypted ZIP file' },
            detail: {
              nb: 'ZIP-filen er passordbeskyttet. Den offentlige delen av sertifikatet er ikke hemmelig: pakk den uten passord.',
              nn: 'ZIP-fila er passordverna. Den offentlege delen av sertifikatet er ikkje hemmeleg: pakk han utan passord.',
              en: 'The ZIP file is password protected. The public part of a certificate is not secret: zip it without a password.',
            },
          });
        default:
          return new AppError({
            code: 'unreadable-zip',
            status: 422,
            title: { nb: 'Ugyldig ZIP-fil', nn: 'Ugyldig ZIP-fil', en: 'Invalid ZIP file' },
            detail: join({ nb: 'ZIP-filen er skadet eller bruker et format vi ikke støtter.', nn: 'ZIP-fila er skadd eller brukar eit format vi ikkje støttar.', en: 'The ZIP file is damaged or uses a format we do not support.' }, ACCEPTED_FORMATS),
          });
      }
  }
}
