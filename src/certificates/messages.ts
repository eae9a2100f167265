import { format, type Locale, type Localized } from '../domain/locale.js';
import type { Check, CheckParams } from './types.js';

/**
 * What each check result says, in bokmål, nynorsk and English. A message says
 * what was found and, when something is wrong, what to do about it.
 */
const MESSAGES: Readonly<Record<string, Localized>> = {
  // chain
  'chain.ok': {
    nb: 'Utstedt av {ca} ({environment}), som kjeder til {root}.',
    nn: 'Utferda av {ca} ({environment}), som kjedar til {root}.',
    en: 'Issued by {ca} ({environment}), which chains to {root}.',
  },
  'chain.wrong-environment': {
    nb: 'Sertifikatet er utstedt av {ca}, som utsteder sertifikater for {caEnvironment}, men det trengs et sertifikat for {environment}. Send et sertifikat for {environment}.',
    nn: 'Sertifikatet er utferda av {ca}, som utferdar sertifikat for {caEnvironment}, men det trengst eit sertifikat for {environment}. Send eit sertifikat for {environment}.',
    en: 'The certificate is issued by {ca}, which issues certificates for {caEnvironment}, but a certificate for {environment} is needed. Send a certificate for {environment}.',
  },
  'chain.ca-not-valid': {
    nb: 'Den utstedende CA-en {ca} var ikke gyldig {at} (gyldig {notBefore} til {notAfter}).',
    nn: 'Den utferdande CA-en {ca} var ikkje gyldig {at} (gyldig {notBefore} til {notAfter}).',
    en: 'The issuing CA {ca} was not valid at {at} (valid {notBefore} to {notAfter}).',
  },
  'chain.root-not-valid': {
    nb: 'Rotsertifikatet {root} over {ca} var ikke gyldig {at}.',
    nn: 'Rotsertifikatet {root} over {ca} var ikkje gyldig {at}.',
    en: 'The root {root} above {ca} was not valid at {at}.',
  },
  'chain.issued-by-root': {
    nb: 'Sertifikatet er utstedt direkte av rotsertifikatet {root}. Virksomhetssertifikater utstedes av en underliggende virksomhets-CA; send virksomhetssertifikatet fra Buypass eller Commfides.',
    nn: 'Sertifikatet er utferda direkte av rotsertifikatet {root}. Verksemdssertifikat blir utferda av ein underliggjande verksemds-CA; send verksemdssertifikatet frå Buypass eller Commfides.',
    en: 'The certificate is issued directly by the root {root}. Enterprise certificates are issued by an enterprise issuing CA below it; send the enterprise certificate from Buypass or Commfides.',
  },
  'chain.signature-mismatch': {
    nb: 'Sertifikatet oppgir {ca} som utsteder, men signaturen er ikke laget av den CA-en. Filen er skadet eller forfalsket; hent sertifikatet på nytt fra leverandøren.',
    nn: 'Sertifikatet oppgir {ca} som utferdar, men signaturen er ikkje laga av den CA-en. Fila er skadd eller forfalska; hent sertifikatet på nytt frå leverandøren.',
    en: 'The certificate names {ca} as its issuer, but the signature was not made by that CA. The file is damaged or forged; fetch the certificate again from the supplier.',
  },
  'chain.not-enterprise-ca.person': {
    nb: 'Utstedt av {ca}, som utsteder personsertifikater. Send virksomhetssertifikatet (for organisasjonen), ikke et personsertifikat.',
    nn: 'Utferda av {ca}, som utferdar personsertifikat. Send verksemdssertifikatet (for organisasjonen), ikkje eit personsertifikat.',
    en: 'Issued by {ca}, which issues personal certificates. Send the enterprise certificate (for the organisation), not a personal certificate.',
  },
  'chain.not-enterprise-ca.website': {
    nb: 'Utstedt av {ca}, som utsteder nettstedsertifikater (SSL/TLS). Et SSL-sertifikat er ikke et virksomhetssertifikat.',
    nn: 'Utferda av {ca}, som utferdar nettstadsertifikat (SSL/TLS). Eit SSL-sertifikat er ikkje eit verksemdssertifikat.',
    en: 'Issued by {ca}, which issues website (SSL/TLS) certificates. A website certificate is not an enterprise certificate.',
  },
  'chain.not-enterprise-ca.retired': {
    nb: 'Utstedt av {ca}, en CA som ikke lenger er i bruk. Bestill et nytt virksomhetssertifikat.',
    nn: 'Utferda av {ca}, ein CA som ikkje lenger er i bruk. Bestill eit nytt verksemdssertifikat.',
    en: 'Issued by {ca}, a CA that is no longer in use. Order a new enterprise certificate.',
  },
  'chain.not-enterprise-ca.other': {
    nb: 'Utstedt av {ca}, som ikke utsteder virksomhetssertifikater. Send virksomhetssertifikatet fra Buypass eller Commfides.',
    nn: 'Utferda av {ca}, som ikkje utferdar verksemdssertifikat. Send verksemdssertifikatet frå Buypass eller Commfides.',
    en: 'Issued by {ca}, which does not issue enterprise certificates. Send the enterprise certificate from Buypass or Commfides.',
  },
  'chain.untrusted-ca-under-root': {
    nb: 'Utstedt av {ca}. Den kjeder til {anchor}, men {ca} utsteder ikke virksomhetssertifikater (samme rot utsteder også person- og nettstedsertifikater).',
    nn: 'Utferda av {ca}. Den kjedar til {anchor}, men {ca} utferdar ikkje verksemdssertifikat (same rot utferdar også person- og nettstadsertifikat).',
    en: 'Issued by {ca}. It chains to {anchor}, but {ca} does not issue enterprise certificates (the same root also issues personal and website certificates).',
  },
  'chain.self-signed': {
    nb: 'Sertifikatet er selvsignert ({issuer}). Virksomhetssertifikater kommer fra Buypass eller Commfides.',
    nn: 'Sertifikatet er sjølvsignert ({issuer}). Verksemdssertifikat kjem frå Buypass eller Commfides.',
    en: 'The certificate is self-signed ({issuer}). Enterprise certificates come from Buypass or Commfides.',
  },
  'chain.unknown-issuer': {
    nb: 'Utstedt av {issuer}, som ikke er en godkjent utsteder av virksomhetssertifikater. Godkjente utstedere er Buypass og Commfides.',
    nn: 'Utferda av {issuer}, som ikkje er ein godkjend utferdar av verksemdssertifikat. Godkjende utferdarar er Buypass og Commfides.',
    en: 'Issued by {issuer}, which is not an approved issuer of enterprise certificates. Approved issuers are Buypass and Commfides.',
  },
  // signature
  'signature.ok': { nb: 'Signaturen er verifisert mot {ca} ({algorithm}).', nn: 'Signaturen er verifisert mot {ca} ({algorithm}).', en: 'The signature verifies against {ca} ({algorithm}).' },
  'signature.invalid': {
    nb: 'Signaturen kan ikke verifiseres med nøkkelen til {ca}.',
    nn: 'Signaturen kan ikkje verifiserast med nøkkelen til {ca}.',
    en: 'The signature does not verify with the key of {ca}.',
  },
  'signature.no-trusted-issuer': {
    nb: 'Ikke kontrollert: utstederen er ikke en CA vi stoler på.',
    nn: 'Ikkje kontrollert: utferdaren er ikkje ein CA vi stolar på.',
    en: 'Not checked: the issuer is not a CA we trust.',
  },
  // validity
  'validity.ok': { nb: 'Gyldig til {notAfter} ({daysLeft} dager igjen).', nn: 'Gyldig til {notAfter} ({daysLeft} dagar att).', en: 'Valid until {notAfter} ({daysLeft} days left).' },
  'validity.expiring': {
    nb: 'Gyldig til {notAfter}: bare {daysLeft} dager igjen. Bestill et nytt sertifikat snart.',
    nn: 'Gyldig til {notAfter}: berre {daysLeft} dagar att. Bestill eit nytt sertifikat snart.',
    en: 'Valid until {notAfter}: only {daysLeft} days left. Order a new certificate soon.',
  },
  'validity.expired': {
    nb: 'Sertifikatet gikk ut {notAfter}. Bestill et nytt virksomhetssertifikat.',
    nn: 'Sertifikatet gjekk ut {notAfter}. Bestill eit nytt verksemdssertifikat.',
    en: 'The certificate expired on {notAfter}. Order a new enterprise certificate.',
  },
  'validity.not-yet-valid': {
    nb: 'Sertifikatet er ikke gyldig før {notBefore}. Send det igjen når det er gyldig, eller sjekk klokken på maskinen som laget det.',
    nn: 'Sertifikatet er ikkje gyldig før {notBefore}. Send det att når det er gyldig, eller sjekk klokka på maskina som laga det.',
    en: 'The certificate is not valid before {notBefore}. Send it again once it is valid.',
  },
  // certificate type
  'type.enterprise': { nb: 'Et virksomhetssertifikat (for en organisasjon).', nn: 'Eit verksemdssertifikat (for ein organisasjon).', en: 'An enterprise certificate (for an organisation).' },
  'type.personal': {
    nb: 'Dette er et personsertifikat ({indicator}). Send virksomhetssertifikatet for organisasjonen.',
    nn: 'Dette er eit personsertifikat ({indicator}). Send verksemdssertifikatet for organisasjonen.',
    en: 'This is a personal certificate ({indicator}). Send the enterprise certificate of the organisation.',
  },
  'type.website': {
    nb: 'Dette er et nettstedsertifikat (SSL/TLS; {indicator}). SSL-sertifikater er ikke virksomhetssertifikater.',
    nn: 'Dette er eit nettstadsertifikat (SSL/TLS; {indicator}). SSL-sertifikat er ikkje verksemdssertifikat.',
    en: 'This is a website (SSL/TLS) certificate ({indicator}). Website certificates are not enterprise certificates.',
  },
  'type.no-organization': {
    nb: 'Sertifikatet har ikke organisasjonsnavn (O) og er ikke et virksomhetssertifikat.',
    nn: 'Sertifikatet har ikkje organisasjonsnamn (O) og er ikkje eit verksemdssertifikat.',
    en: 'The certificate has no organisation name (O) and is not an enterprise certificate.',
  },
  // organisation number
  'org.ok': { nb: 'Organisasjonsnummer {number} (fra {source}) stemmer.', nn: 'Organisasjonsnummer {number} (frå {source}) stemmer.', en: 'Organisation number {number} (from {source}) matches.' },
  'org.mismatch': {
    nb: 'Sertifikatet gjelder organisasjonsnummer {number}, ikke {expected}. Send sertifikatet for {expected}.',
    nn: 'Sertifikatet gjeld organisasjonsnummer {number}, ikkje {expected}. Send sertifikatet for {expected}.',
    en: 'The certificate is for organisation number {number}, not {expected}. Send the certificate for {expected}.',
  },
  'org.invalid': {
    nb: 'Nummeret {number} i {source} er ikke et gyldig organisasjonsnummer (feil kontrollsiffer).',
    nn: 'Nummeret {number} i {source} er ikkje eit gyldig organisasjonsnummer (feil kontrollsiffer).',
    en: 'The number {number} in {source} is not a valid organisation number (wrong check digit).',
  },
  'org.missing-ntrno': {
    nb: 'Sertifikatet mangler organizationIdentifier «NTRNO-<organisasjonsnummer>», som SEID 2-sertifikater skal ha.',
    nn: 'Sertifikatet manglar organizationIdentifier «NTRNO-<organisasjonsnummer>», som SEID 2-sertifikat skal ha.',
    en: 'The certificate lacks organizationIdentifier "NTRNO-<organisation number>", which SEID 2 certificates must have.',
  },
  'org.not-ntrno': {
    nb: 'organizationIdentifier er «{value}», ikke «NTRNO-<organisasjonsnummer>». Send et virksomhetssertifikat registrert på organisasjonsnummeret.',
    nn: 'organizationIdentifier er «{value}», ikkje «NTRNO-<organisasjonsnummer>». Send eit verksemdssertifikat registrert på organisasjonsnummeret.',
    en: 'organizationIdentifier is "{value}", not "NTRNO-<organisation number>". Send an enterprise certificate registered to the organisation number.',
  },
  'org.conflict': {
    nb: 'organizationIdentifier ({organizationIdentifier}) og serialNumber ({serialNumber}) oppgir ulike organisasjonsnumre.',
    nn: 'organizationIdentifier ({organizationIdentifier}) og serialNumber ({serialNumber}) oppgir ulike organisasjonsnummer.',
    en: 'organizationIdentifier ({organizationIdentifier}) and serialNumber ({serialNumber}) name different organisation numbers.',
  },
  'org.ambiguous': {
    nb: 'Sertifikatet har flere organisasjonsnumre i subject og kan ikke knyttes til én organisasjon.',
    nn: 'Sertifikatet har fleire organisasjonsnummer i subject og kan ikkje knytast til éin organisasjon.',
    en: 'The certificate names several organisation numbers in its subject and cannot be tied to one organisation.',
  },
  'org.missing': {
    nb: 'Fant ikke organisasjonsnummer i organizationIdentifier eller serialNumber.',
    nn: 'Fann ikkje organisasjonsnummer i organizationIdentifier eller serialNumber.',
    en: 'No organisation number in organizationIdentifier or serialNumber.',
  },
  // policy
  'policy.ok': { nb: 'Sertifikatpolicy {policy} er en virksomhetspolicy for {ca}.', nn: 'Sertifikatpolicy {policy} er ein verksemdspolicy for {ca}.', en: 'Certificate policy {policy} is an enterprise policy of {ca}.' },
  'policy.not-enterprise': {
    nb: 'Ingen av sertifikatpolicyene ({policies}) er en virksomhetspolicy for {ca}.',
    nn: 'Ingen av sertifikatpolicyane ({policies}) er ein verksemdspolicy for {ca}.',
    en: 'None of the certificate policies ({policies}) is an enterprise policy of {ca}.',
  },
  'policy.not-enterprise-any': {
    nb: 'Ingen av sertifikatpolicyene ({policies}) er en policy for virksomhetssertifikater.',
    nn: 'Ingen av sertifikatpolicyane ({policies}) er ein policy for verksemdssertifikat.',
    en: 'None of the certificate policies ({policies}) is an enterprise certificate policy.',
  },
  'policy.none': { nb: 'Sertifikatet har ingen sertifikatpolicy.', nn: 'Sertifikatet har ingen sertifikatpolicy.', en: 'The certificate has no certificate policy.' },
  'policy.untrusted-issuer': {
    nb: 'Ikke kontrollert: utstederen er ikke en CA vi stoler på ({policies}).',
    nn: 'Ikkje kontrollert: utferdaren er ikkje ein CA vi stolar på ({policies}).',
    en: 'Not checked: the issuer is not a CA we trust ({policies}).',
  },
  // key usage
  'ku.ok': { nb: 'Nøkkelbruk ({usages}) passer til {purpose}.', nn: 'Nøkkelbruk ({usages}) passar til {purpose}.', en: 'Key usage ({usages}) fits {purpose}.' },
  'ku.mismatch': {
    nb: 'Nøkkelbruk ({usages}) passer ikke til {purpose}, som krever {required}. Dette ser ut som {role}; leverandøren har sendt flere sertifikater: send det som er merket for {purpose}.',
    nn: 'Nøkkelbruk ({usages}) passar ikkje til {purpose}, som krev {required}. Dette ser ut som {role}; leverandøren har sendt fleire sertifikat: send det som er merkt for {purpose}.',
    en: 'Key usage ({usages}) does not fit {purpose}, which needs {required}. This looks like {role}; the supplier sent several certificates: send the one marked for {purpose}.',
  },
  'ku.missing': {
    nb: 'Sertifikatet mangler nøkkelbruk (keyUsage) og kan ikke være et virksomhetssertifikat.',
    nn: 'Sertifikatet manglar nøkkelbruk (keyUsage) og kan ikkje vere eit verksemdssertifikat.',
    en: 'The certificate has no key usage (keyUsage) and cannot be an enterprise certificate.',
  },
  'ku.not-critical': {
    nb: 'Nøkkelbruk ({usages}) er ikke merket kritisk, slik virksomhetssertifikater skal ha den.',
    nn: 'Nøkkelbruk ({usages}) er ikkje merkt kritisk, slik verksemdssertifikat skal ha han.',
    en: 'Key usage ({usages}) is not marked critical, as it is in enterprise certificates.',
  },
  // key strength
  'key.ok': { nb: 'Nøkkel: {algorithm}, {size} bit.', nn: 'Nøkkel: {algorithm}, {size} bit.', en: 'Key: {algorithm}, {size} bits.' },
  'key.rsa-too-small': {
    nb: 'RSA-nøkkelen er {size} bit; minst 2048 bit kreves.',
    nn: 'RSA-nøkkelen er {size} bit; minst 2048 bit er kravd.',
    en: 'The RSA key is {size} bits; at least 2048 bits are required.',
  },
  'key.ec-curve': {
    nb: 'EC-kurven {curve} godtas ikke; bruk P-256, P-384 eller P-521.',
    nn: 'EC-kurva {curve} blir ikkje godteken; bruk P-256, P-384 eller P-521.',
    en: 'The EC curve {curve} is not accepted; use P-256, P-384 or P-521.',
  },
  'key.unsupported': {
    nb: 'Nøkkeltypen {algorithm} godtas ikke; bruk RSA (minst 2048 bit) eller EC P-256 og større.',
    nn: 'Nøkkeltypen {algorithm} blir ikkje godteken; bruk RSA (minst 2048 bit) eller EC P-256 og større.',
    en: 'The key type {algorithm} is not accepted; use RSA (at least 2048 bits) or EC P-256 and up.',
  },
  // signature algorithm
  'sigalg.ok': { nb: 'Signaturalgoritme {algorithm}.', nn: 'Signaturalgoritme {algorithm}.', en: 'Signature algorithm {algorithm}.' },
  'sigalg.weak': {
    nb: 'Signaturalgoritmen {algorithm} er ikke sikker (SHA-1/MD5). Bestill et nytt sertifikat.',
    nn: 'Signaturalgoritmen {algorithm} er ikkje sikker (SHA-1/MD5). Bestill eit nytt sertifikat.',
    en: 'The signature algorithm {algorithm} is not secure (SHA-1/MD5). Order a new certificate.',
  },
  'sigalg.unknown': { nb: 'Ukjent signaturalgoritme {algorithm}.', nn: 'Ukjend signaturalgoritme {algorithm}.', en: 'Unknown signature algorithm {algorithm}.' },
  // basic constraints
  'bc.ok': { nb: 'Ikke et CA-sertifikat.', nn: 'Ikkje eit CA-sertifikat.', en: 'Not a CA certificate.' },
  'bc.ca': {
    nb: 'Dette er et CA-sertifikat (basicConstraints CA=true), ikke virksomhetens eget sertifikat.',
    nn: 'Dette er eit CA-sertifikat (basicConstraints CA=true), ikkje verksemda sitt eige sertifikat.',
    en: "This is a CA certificate (basicConstraints CA=true), not the organisation's own certificate.",
  },
  'bc.cert-sign': {
    nb: 'Nøkkelen kan signere sertifikater ({usages}); det skal et virksomhetssertifikat ikke kunne.',
    nn: 'Nøkkelen kan signere sertifikat ({usages}); det skal eit verksemdssertifikat ikkje kunne.',
    en: 'The key may sign certificates ({usages}); an enterprise certificate must not.',
  },
  // critical extensions
  'crit.ok': { nb: 'Ingen ukjente kritiske utvidelser.', nn: 'Ingen ukjende kritiske utvidingar.', en: 'No unknown critical extensions.' },
  'crit.unknown': {
    nb: 'Sertifikatet har kritiske utvidelser vi ikke kjenner ({oids}) og kan derfor ikke godtas.',
    nn: 'Sertifikatet har kritiske utvidingar vi ikkje kjenner ({oids}) og kan difor ikkje godtakast.',
    en: 'The certificate has critical extensions we do not know ({oids}) and therefore cannot be accepted.',
  },
  // revocation
  'rev.off': {
    nb: 'Ikke kontrollert: sjekk av tilbaketrekking (OCSP/CRL) er slått av i denne tjenesten.',
    nn: 'Ikkje kontrollert: sjekk av tilbaketrekking (OCSP/CRL) er slått av i denne tenesta.',
    en: 'Not checked: revocation checking (OCSP/CRL) is switched off in this service.',
  },
  'rev.not-needed': {
    nb: 'Ikke kontrollert ({mode}): sertifikatet er allerede avvist av andre kontroller.',
    nn: 'Ikkje kontrollert ({mode}): sertifikatet er allereie avvist av andre kontrollar.',
    en: 'Not checked ({mode}): the certificate is already rejected by other checks.',
  },
  'rev.good.ocsp': { nb: 'Ikke trukket tilbake (OCSP, {url}).', nn: 'Ikkje trekt tilbake (OCSP, {url}).', en: 'Not revoked (OCSP, {url}).' },
  'rev.good.crl': { nb: 'Ikke trukket tilbake (CRL, {url}).', nn: 'Ikkje trekt tilbake (CRL, {url}).', en: 'Not revoked (CRL, {url}).' },
  'rev.revoked.ocsp': {
    nb: 'Sertifikatet ble trukket tilbake {revokedAt} ({reason}; OCSP). Bestill et nytt sertifikat.',
    nn: 'Sertifikatet vart trekt tilbake {revokedAt} ({reason}; OCSP). Bestill eit nytt sertifikat.',
    en: 'The certificate was revoked on {revokedAt} ({reason}; OCSP). Order a new certificate.',
  },
  'rev.revoked.crl': {
    nb: 'Sertifikatet ble trukket tilbake {revokedAt} ({reason}; CRL). Bestill et nytt sertifikat.',
    nn: 'Sertifikatet vart trekt tilbake {revokedAt} ({reason}; CRL). Bestill eit nytt sertifikat.',
    en: 'The certificate was revoked on {revokedAt} ({reason}; CRL). Order a new certificate.',
  },
  'rev.revoked-later.ocsp': {
    nb: 'Gyldig på det valgte tidspunktet, men trukket tilbake senere ({revokedAt}, {reason}; OCSP).',
    nn: 'Gyldig på det valde tidspunktet, men trekt tilbake seinare ({revokedAt}, {reason}; OCSP).',
    en: 'Valid at the chosen moment, but revoked later ({revokedAt}, {reason}; OCSP).',
  },
  'rev.revoked-later.crl': {
    nb: 'Gyldig på det valgte tidspunktet, men trukket tilbake senere ({revokedAt}, {reason}; CRL).',
    nn: 'Gyldig på det valde tidspunktet, men trekt tilbake seinare ({revokedAt}, {reason}; CRL).',
    en: 'Valid at the chosen moment, but revoked later ({revokedAt}, {reason}; CRL).',
  },
  'rev.unknown.ocsp': {
    nb: 'OCSP-tjenesten ({url}) kjenner ikke sertifikatet. Det godtas ikke før status er kjent.',
    nn: 'OCSP-tenesta ({url}) kjenner ikkje sertifikatet. Det blir ikkje godteke før status er kjend.',
    en: 'The OCSP responder ({url}) does not know the certificate. It is not accepted until its status is known.',
  },
  'rev.unknown.crl': {
    nb: 'Status er ukjent ({url}). Sertifikatet godtas ikke før status er kjent.',
    nn: 'Status er ukjend ({url}). Sertifikatet blir ikkje godteke før status er kjend.',
    en: 'The status is unknown ({url}). The certificate is not accepted until its status is known.',
  },
  'rev.error.ocsp': {
    nb: 'Fikk ikke sjekket tilbaketrekking med OCSP ({problem}: {detail}). Sertifikatet godtas ikke uten svar; prøv igjen senere.',
    nn: 'Fekk ikkje sjekka tilbaketrekking med OCSP ({problem}: {detail}). Sertifikatet blir ikkje godteke utan svar; prøv att seinare.',
    en: 'Could not check revocation with OCSP ({problem}: {detail}). The certificate is not accepted without an answer; try again later.',
  },
  'rev.error.crl': {
    nb: 'Fikk ikke sjekket tilbaketrekking med CRL ({problem}: {detail}). Sertifikatet godtas ikke uten svar; prøv igjen senere.',
    nn: 'Fekk ikkje sjekka tilbaketrekking med CRL ({problem}: {detail}). Sertifikatet blir ikkje godteke utan svar; prøv att seinare.',
    en: 'Could not check revocation with a CRL ({problem}: {detail}). The certificate is not accepted without an answer; try again later.',
  },
  // case
  'case.not-applicable': {
    nb: 'Saken trenger ikke sertifikat (virksomheten bruker eInnsyn og gjenbruker sitt). Sertifikatet er lagret, men steget endres ikke.',
    nn: 'Saka treng ikkje sertifikat (verksemda brukar eInnsyn og gjenbruker sitt). Sertifikatet er lagra, men steget blir ikkje endra.',
    en: 'The case needs no certificate (the agency uses eInnsyn and reuses its own). The certificate is stored, but the step is unchanged.',
  },
};

/** Words for parameter values that are codes (environments, purposes, roles, sources). */
const WORDS: Readonly<Record<string, Localized>> = {
  test: { nb: 'testmiljøet', nn: 'testmiljøet', en: 'the test environment' },
  production: { nb: 'produksjonsmiljøet', nn: 'produksjonsmiljøet', en: 'production' },
  authentication: { nb: 'autentisering', nn: 'autentisering', en: 'authentication' },
  signing: { nb: 'signering', nn: 'signering', en: 'signing' },
  encryption: { nb: 'kryptering', nn: 'kryptering', en: 'encryption' },
  any: { nb: 'bruk som virksomhetssertifikat', nn: 'bruk som verksemdssertifikat', en: 'use as an enterprise certificate' },
  unknown: { nb: 'et sertifikat uten kjent bruk', nn: 'eit sertifikat utan kjend bruk', en: 'a certificate of no known use' },
};
const ROLE_WORDS: Readonly<Record<string, Localized>> = {
  authentication: { nb: 'autentiseringssertifikatet', nn: 'autentiseringssertifikatet', en: 'the authentication certificate' },
  signing: { nb: 'signeringssertifikatet', nn: 'signeringssertifikatet', en: 'the signing certificate' },
  encryption: { nb: 'krypteringssertifikatet', nn: 'krypteringssertifikatet', en: 'the encryption certificate' },
  unknown: WORDS.unknown!,
};
const TRANSLATED_PARAMS = new Set(['environment', 'caEnvironment', 'purpose']);

export function localizeParams(params: CheckParams, locale: Locale): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [key, raw] of Object.entries(params)) {
    if (key === 'role') out[key] = ROLE_WORDS[String(raw)]?.[locale] ?? raw;
    else if (TRANSLATED_PARAMS.has(key)) out[key] = WORDS[String(raw)]?.[locale] ?? raw;
    else out[key] = raw;
  }
  return out;
}

export function checkMessage(check: Pick<Check, 'code' | 'params'>, locale: Locale): string {
  const template = MESSAGES[check.code];
  if (!template) return check.code;
  return format(template[locale], localizeParams(check.params, locale));
}

/** Every message code, for tests that make sure no check lacks words. */
export const MESSAGE_CODES: readonly string[] = Object.keys(MESSAGES);
