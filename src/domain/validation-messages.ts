import type { Localized } from './locale.js';

/**
 * Every validation code the registration can produce, with the sentence the user
 * reads. Messages say what is wrong and what to do; {placeholders} come from the
 * issue's params.
 */
export const VALIDATION_MESSAGES = {
  required: {
    nb: 'Feltet må fylles ut.',
    nn: 'Feltet må fyllast ut.',
    en: 'This field is required.',
  },
  invalid_type: {
    nb: 'Feil type verdi: forventet {expected}.',
    nn: 'Feil type verdi: venta {expected}.',
    en: 'Wrong type of value: expected {expected}.',
  },
  too_long: {
    nb: 'Teksten er for lang (maks {max} tegn).',
    nn: 'Teksten er for lang (maks {max} teikn).',
    en: 'The text is too long (at most {max} characters).',
  },
  control_characters: {
    nb: 'Teksten inneholder kontrolltegn. Fjern linjeskift, tabulatorer og usynlige tegn.',
    nn: 'Teksten inneheld kontrollteikn. Fjern linjeskift, tabulatorar og usynlege teikn.',
    en: 'The text contains control characters. Remove line breaks, tabs and invisible characters.',
  },
  invalid_organization_number: {
    nb: 'Organisasjonsnummeret er ikke gyldig. Det skal være 9 siffer med riktig kontrollsiffer (for eksempel 991825827).',
    nn: 'Organisasjonsnummeret er ikkje gyldig. Det skal vere 9 siffer med rett kontrollsiffer (til dømes 991825827).',
    en: 'The organisation number is not valid. It must be 9 digits with a correct check digit (for example 991825827).',
  },
  invalid_acronym: {
    nb: 'Akronymet skal være 2–15 bokstaver eller siffer, uten mellomrom.',
    nn: 'Akronymet skal vere 2–15 bokstavar eller siffer, utan mellomrom.',
    en: 'The acronym must be 2–15 letters or digits, without spaces.',
  },
  invalid_option: {
    nb: 'Ugyldig verdi. Tillatte verdier: {options}.',
    nn: 'Ugyldig verdi. Tillatne verdiar: {options}.',
    en: 'Invalid value. Allowed values: {options}.',
  },
  invalid_email: {
    nb: 'E-postadressen er ikke gyldig (for eksempel navn@virksomhet.no).',
    nn: 'E-postadressa er ikkje gyldig (til dømes namn@verksemd.no).',
    en: 'The e-mail address is not valid (for example name@agency.no).',
  },
  invalid_mobile: {
    nb: 'Mobilnummeret er ikke gyldig. Norske mobilnummer har 8 siffer og starter med 4 eller 9; utenlandske skrives med landskode, for eksempel +46701234567.',
    nn: 'Mobilnummeret er ikkje gyldig. Norske mobilnummer har 8 siffer og byrjar med 4 eller 9; utanlandske skriv du med landskode, til dømes +46701234567.',
    en: 'The mobile number is not valid. Norwegian mobile numbers have 8 digits starting with 4 or 9; foreign numbers need the country code, for example +46701234567.',
  },
  invalid_postal_code: {
    nb: 'Postnummeret skal være 4 siffer.',
    nn: 'Postnummeret skal vere 4 siffer.',
    en: 'The postal code must be 4 digits.',
  },
  empty_list: {
    nb: 'Velg minst ett alternativ.',
    nn: 'Vel minst eitt alternativ.',
    en: 'Choose at least one option.',
  },
  too_many: {
    nb: 'For mange verdier (maks {max}).',
    nn: 'For mange verdiar (maks {max}).',
    en: 'Too many values (at most {max}).',
  },
  duplicate: {
    nb: '«{value}» er oppgitt mer enn én gang.',
    nn: '«{value}» er oppgitt meir enn éin gong.',
    en: '"{value}" is listed more than once.',
  },
  invalid_ip: {
    nb: 'Ugyldig IP-adresse. Oppgi en IPv4- eller IPv6-adresse, eventuelt med nettmaske (for eksempel 192.0.2.10 eller 2001:db8::/64).',
    nn: 'Ugyldig IP-adresse. Oppgi ei IPv4- eller IPv6-adresse, eventuelt med nettmaske (til dømes 192.0.2.10 eller 2001:db8::/64).',
    en: 'Invalid IP address. Give an IPv4 or IPv6 address, optionally with a prefix length (for example 192.0.2.10 or 2001:db8::/64).',
  },
  dpv_ip_required: {
    nb: 'Når DPV er valgt, må dere oppgi minst én IP-adresse som integrasjonspunktet sender fra.',
    nn: 'Når DPV er valt, må de oppgi minst éi IP-adresse som integrasjonspunktet sender frå.',
    en: 'When DPV is chosen, give at least one IP address the integration point sends from.',
  },
  dpv_ip_not_allowed: {
    nb: 'IP-adresser oppgis bare når DPV er valgt. Fjern dem, eller velg DPV.',
    nn: 'IP-adresser skal berre oppgjevast når DPV er valt. Fjern dei, eller vel DPV.',
    en: 'IP addresses are only given when DPV is chosen. Remove them, or choose DPV.',
  },
  invoice_contact_required: {
    nb: 'Oppgi e-postadresse eller postadresse for faktura.',
    nn: 'Oppgi e-postadresse eller postadresse for faktura.',
    en: 'Give an e-mail address or a postal address for invoices.',
  },
  unknown_field: {
    nb: 'Ukjent felt. Fjern det, eller sjekk stavemåten.',
    nn: 'Ukjent felt. Fjern det, eller sjekk stavemåten.',
    en: 'Unknown field. Remove it, or check the spelling.',
  },
} as const satisfies Record<string, Localized>;

export type ValidationCode = keyof typeof VALIDATION_MESSAGES;
