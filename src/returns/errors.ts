import { AppError } from '../domain/app-error.js';
import type { ActiveContent } from './pdf-inspect.js';

/** Every refusal of an upload, with what the agency can do about it. */

const ACCEPTED = 'PDF, JPEG, PNG, TIFF';
const mb = (bytes: number) => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;

export function uploadTooLarge(limit: number): AppError {
  return new AppError({
    code: 'upload-too-large',
    status: 413,
    title: { nb: 'Filen er for stor', nn: 'Fila er for stor', en: 'File too large' },
    detail: {
      nb: `Filen er større enn ${mb(limit)}. Skann i gråtoner med 150–300 dpi, eller del dokumentet i flere filer.`,
      nn: `Fila er større enn ${mb(limit)}. Skann i gråtonar med 150–300 dpi, eller del dokumentet i fleire filer.`,
      en: `The file is larger than ${mb(limit)}. Scan in greyscale at 150–300 dpi, or split the document into several files.`,
    },
    extensions: { limitBytes: limit },
  });
}

export function unsupportedFileType(detected: string | null): AppError {
  const seen = detected ? ` (${detected})` : '';
  return new AppError({
    code: 'unsupported-file-type',
    status: 415,
    title: { nb: 'Filtypen støttes ikke', nn: 'Filtypen er ikkje støtta', en: 'Unsupported file type' },
    detail: {
      nb: `Innholdet i filen er ikke en av filtypene vi tar imot${seen}. Last opp ${ACCEPTED}. Filnavnet avgjør ikke typen; innholdet gjør det.`,
      nn: `Innhaldet i fila er ikkje ein av filtypane vi tek imot${seen}. Last opp ${ACCEPTED}. Filnamnet avgjer ikkje typen; innhaldet gjer det.`,
      en: `The file's content is not one of the types we accept${seen}. Upload ${ACCEPTED}. The file name does not decide the type; the content does.`,
    },
    extensions: { accepted: ['application/pdf', 'image/jpeg', 'image/png', 'image/tiff'], detected },
  });
}

export function ambiguousFileType(kinds: string[]): AppError {
  return new AppError({
    code: 'ambiguous-file-type',
    status: 415,
    title: { nb: 'Filen har flere formater samtidig', nn: 'Fila har fleire format samstundes', en: 'File is several formats at once' },
    detail: {
      nb: `Filen kan leses både som ${kinds.join(' og ')}. Slike filer tar vi ikke imot. Lagre eller skann dokumentet på nytt som én ren ${ACCEPTED}-fil.`,
      nn: `Fila kan lesast både som ${kinds.join(' og ')}. Slike filer tek vi ikkje imot. Lagre eller skann dokumentet på nytt som éi rein ${ACCEPTED}-fil.`,
      en: `The file can be read as ${kinds.join(' and ')} at the same time. We do not accept such files. Save or scan the document again as one plain ${ACCEPTED} file.`,
    },
    extensions: { accepted: ['application/pdf', 'image/jpeg', 'image/png', 'image/tiff'], detected: kinds },
  });
}

export function emptyFile(): AppError {
  return new AppError({
    code: 'empty-file',
    status: 400,
    title: { nb: 'Filen er tom', nn: 'Fila er tom', en: 'Empty file' },
    detail: {
      nb: 'Filen inneholder ingenting. Velg den skannede filen på nytt og last den opp igjen.',
      nn: 'Fila inneheld ingenting. Vel den skanna fila på nytt og last ho opp igjen.',
      en: 'The file is empty. Choose the scanned file again and upload it again.',
    },
  });
}

export function fileMissing(): AppError {
  return new AppError({
    code: 'file-missing',
    status: 400,
    title: { nb: 'Mangler fil', nn: 'Manglar fil', en: 'File missing' },
    detail: {
      nb: 'Send filen som multipart/form-data i feltet «file» (og eventuelt referansen i feltet «documentId»).',
      nn: 'Send fila som multipart/form-data i feltet «file» (og eventuelt referansen i feltet «documentId»).',
      en: 'Send the file as multipart/form-data in the field "file" (and optionally the reference in the field "documentId").',
    },
  });
}

export function badMultipart(what: 'one-file' | 'fields' | 'malformed'): AppError {
  const detail = {
    'one-file': {
      nb: 'Send nøyaktig én fil per forespørsel, i feltet «file».',
      nn: 'Send nøyaktig éi fil per førespurnad, i feltet «file».',
      en: 'Send exactly one file per request, in the field "file".',
    },
    fields: {
      nb: 'Skjemaet har for mange eller for lange felt. Send bare «file» og eventuelt «documentId».',
      nn: 'Skjemaet har for mange eller for lange felt. Send berre «file» og eventuelt «documentId».',
      en: 'The form has too many or too long fields. Send only "file" and optionally "documentId".',
    },
    malformed: {
      nb: 'Skjemadataene kunne ikke leses (multipart/form-data). Prøv igjen.',
      nn: 'Skjemadataa kunne ikkje lesast (multipart/form-data). Prøv igjen.',
      en: 'The form data could not be read (multipart/form-data). Try again.',
    },
  }[what];
  return new AppError({ code: `upload-${what === 'one-file' ? 'one-file-only' : what === 'fields' ? 'bad-fields' : 'malformed-form'}`, status: 400, title: { nb: 'Ugyldig opplasting', nn: 'Ugyldig opplasting', en: 'Invalid upload' }, detail });
}

export function pdfEncrypted(): AppError {
  return new AppError({
    code: 'pdf-encrypted',
    status: 422,
    title: { nb: 'PDF-en er kryptert', nn: 'PDF-en er kryptert', en: 'PDF is encrypted' },
    detail: {
      nb: 'PDF-en er passordbeskyttet eller kryptert, og da kan vi ikke kontrollere den. Lagre en kopi uten passord (eller skriv ut til PDF) og last opp den.',
      nn: 'PDF-en er passordverna eller kryptert, og då kan vi ikkje kontrollere han. Lagre ein kopi utan passord (eller skriv ut til PDF) og last opp den.',
      en: 'The PDF is password-protected or encrypted, so we cannot check it. Save a copy without a password (or print to PDF) and upload that.',
    },
  });
}

const ACTIVE_NAMES: Record<ActiveContent, { nb: string; nn: string; en: string }> = {
  javascript: { nb: 'JavaScript', nn: 'JavaScript', en: 'JavaScript' },
  'launch-action': { nb: 'handlinger som starter programmer', nn: 'handlingar som startar program', en: 'actions that launch programs' },
  'embedded-file': { nb: 'innebygde filer', nn: 'innebygde filer', en: 'embedded files' },
  'xfa-form': { nb: 'XFA-skjema', nn: 'XFA-skjema', en: 'an XFA form' },
};

export function pdfActiveContent(contains: ActiveContent[]): AppError {
  const list = (locale: 'nb' | 'nn' | 'en') => contains.map((c) => ACTIVE_NAMES[c][locale]).join(', ');
  return new AppError({
    code: 'pdf-active-content',
    status: 422,
    title: { nb: 'PDF-en inneholder aktivt innhold', nn: 'PDF-en inneheld aktivt innhald', en: 'PDF contains active content' },
    detail: {
      nb: `PDF-en inneholder ${list('nb')}. Av sikkerhetshensyn tar vi ikke imot det. Skann det signerte dokumentet, eller skriv det ut til en ny PDF, og last opp den.`,
      nn: `PDF-en inneheld ${list('nn')}. Av omsyn til tryggleik tek vi ikkje imot det. Skann det signerte dokumentet, eller skriv det ut til ein ny PDF, og last opp den.`,
      en: `The PDF contains ${list('en')}. For security we do not accept that. Scan the signed document, or print it to a new PDF, and upload that.`,
    },
    extensions: { contains },
  });
}

export function pdfUnreadable(kind: 'malformed' | 'truncated' | 'no-pages'): AppError {
  const detail = {
    malformed: {
      nb: 'PDF-en er skadet og kan ikke leses. Lagre eller skann dokumentet på nytt og last opp den nye filen.',
      nn: 'PDF-en er skadd og kan ikkje lesast. Lagre eller skann dokumentet på nytt og last opp den nye fila.',
      en: 'The PDF is damaged and cannot be read. Save or scan the document again and upload the new file.',
    },
    truncated: {
      nb: 'PDF-en er ufullstendig (slutten mangler), trolig avbrutt under lagring eller overføring. Last opp hele filen på nytt.',
      nn: 'PDF-en er ufullstendig (slutten manglar), truleg avbroten under lagring eller overføring. Last opp heile fila på nytt.',
      en: 'The PDF is incomplete (its end is missing), probably cut off while saving or sending. Upload the whole file again.',
    },
    'no-pages': {
      nb: 'PDF-en har ingen sider. Last opp det skannede eller signerte dokumentet.',
      nn: 'PDF-en har ingen sider. Last opp det skanna eller signerte dokumentet.',
      en: 'The PDF has no pages. Upload the scanned or signed document.',
    },
  }[kind];
  return new AppError({ code: kind === 'truncated' ? 'pdf-truncated' : kind === 'no-pages' ? 'pdf-no-pages' : 'pdf-malformed', status: 422, title: { nb: 'PDF-en kan ikke leses', nn: 'PDF-en kan ikkje lesast', en: 'PDF cannot be read' }, detail });
}

export function tooManyPages(pageCount: number, limit: number): AppError {
  return new AppError({
    code: 'too-many-pages',
    status: 422,
    title: { nb: 'For mange sider', nn: 'For mange sider', en: 'Too many pages' },
    detail: {
      nb: `Filen har ${pageCount} sider; grensen er ${limit}. Last opp hvert dokument som en egen fil.`,
      nn: `Fila har ${pageCount} sider; grensa er ${limit}. Last opp kvart dokument som ei eiga fil.`,
      en: `The file has ${pageCount} pages; the limit is ${limit}. Upload each document as a file of its own.`,
    },
    extensions: { pageCount, limit },
  });
}

export function imageProblem(kind: 'too-large' | 'malformed', limitPixels: number): AppError {
  if (kind === 'too-large') {
    return new AppError({
      code: 'image-too-large',
      status: 422,
      title: { nb: 'Bildet er for stort', nn: 'Biletet er for stort', en: 'Image too large' },
      detail: {
        nb: `Bildet har flere enn ${limitPixels.toLocaleString('nb-NO')} piksler per side. Skann med 150–300 dpi og last opp igjen.`,
        nn: `Biletet har fleire enn ${limitPixels.toLocaleString('nb-NO')} pikslar per side. Skann med 150–300 dpi og last opp igjen.`,
        en: `The image has more than ${limitPixels.toLocaleString('en-GB')} pixels per page. Scan at 150–300 dpi and upload again.`,
      },
      extensions: { limitPixels },
    });
  }
  return new AppError({
    code: 'image-malformed',
    status: 422,
    title: { nb: 'Bildet kan ikke leses', nn: 'Biletet kan ikkje lesast', en: 'Image cannot be read' },
    detail: {
      nb: 'Bildefilen er skadet eller ufullstendig. Skann dokumentet på nytt og last opp den nye filen.',
      nn: 'Biletfila er skadd eller ufullstendig. Skann dokumentet på nytt og last opp den nye fila.',
      en: 'The image file is damaged or incomplete. Scan the document again and upload the new file.',
    },
  });
}

export function analysisTimedOut(): AppError {
  return new AppError({
    code: 'analysis-timeout',
    status: 422,
    title: { nb: 'Filen kunne ikke kontrolleres', nn: 'Fila kunne ikkje kontrollerast', en: 'File could not be checked' },
    detail: {
      nb: 'Det tok for lang tid å kontrollere filen. Skann dokumentet som en vanlig PDF eller JPEG med 150–300 dpi og last opp igjen.',
      nn: 'Det tok for lang tid å kontrollere fila. Skann dokumentet som ein vanleg PDF eller JPEG med 150–300 dpi og last opp igjen.',
      en: 'Checking the file took too long. Scan the document as a plain PDF or JPEG at 150–300 dpi and upload again.',
    },
  });
}

export function storageUnavailable(cause: unknown): AppError {
  return new AppError({
    code: 'storage-unavailable',
    status: 503,
    title: { nb: 'Lagring er utilgjengelig', nn: 'Lagring er utilgjengeleg', en: 'Storage unavailable' },
    detail: {
      nb: 'Vi kunne ikke lagre filen akkurat nå, og ingenting er endret i saken. Prøv igjen om litt.',
      nn: 'Vi kunne ikkje lagre fila akkurat no, og ingenting er endra i saka. Prøv igjen om litt.',
      en: 'We could not store the file just now, and nothing in the case was changed. Try again shortly.',
    },
    headers: { 'Retry-After': '30' },
    cause,
  });
}

export function uploadNotFound(): AppError {
  return new AppError({
    code: 'not-found',
    status: 404,
    title: { nb: 'Ikke funnet', nn: 'Ikkje funne', en: 'Not found' },
    detail: { nb: 'Fant ikke opplastingen i denne saken.', nn: 'Fann ikkje opplastinga i denne saka.', en: 'No such upload in this case.' },
  });
}

export function decisionConflict(kind: 'already-decided' | 'not-approvable' | 'needs-document'): AppError {
  const detail = {
    'already-decided': {
      nb: 'Opplastingen er allerede behandlet. Gjenåpne steget i sjekklisten om vedtaket må endres.',
      nn: 'Opplastinga er allereie handsama. Opne steget i sjekklista att om vedtaket må endrast.',
      en: 'The upload has already been decided. Reopen the checklist step if the decision must change.',
    },
    'not-approvable': {
      nb: 'Opplastingen er avvist automatisk (feil sak eller brutt signatur) og kan ikke godkjennes.',
      nn: 'Opplastinga er avvist automatisk (feil sak eller broten signatur) og kan ikkje godkjennast.',
      en: 'The upload was rejected automatically (wrong case or broken signature) and cannot be approved.',
    },
    'needs-document': {
      nb: 'Vi vet ikke hvilket dokument dette er. Oppgi referansen (documentId) til dokumentet du har kontrollert.',
      nn: 'Vi veit ikkje kva dokument dette er. Oppgi referansen (documentId) til dokumentet du har kontrollert.',
      en: 'We do not know which document this is. Give the reference (documentId) of the document you checked.',
    },
  }[kind];
  return new AppError({ code: `upload-${kind}`, status: 409, title: { nb: 'Kan ikke behandles', nn: 'Kan ikkje handsamast', en: 'Cannot be decided' }, detail });
}

export function unknownReference(reference: string): AppError {
  return new AppError({
    code: 'reference-unknown',
    status: 422,
    title: { nb: 'Ukjent referanse', nn: 'Ukjend referanse', en: 'Unknown reference' },
    detail: {
      nb: `Referansen «${reference.slice(0, 40)}» passer ikke med noe dokument i denne saken.`,
      nn: `Referansen «${reference.slice(0, 40)}» passar ikkje med noko dokument i denne saka.`,
      en: `The reference "${reference.slice(0, 40)}" does not match any document of this case.`,
    },
  });
}
