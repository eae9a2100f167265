import { createHash } from 'node:crypto';
import type { Locale } from '../domain/locale.js';
import type { Contact, Registration, Sector, Service } from '../domain/registration.js';
import type { CaseRecord } from '../storage/case-repository.js';
import { formatReference } from './reference.js';

/**
 * What a document is filled with. `documentFacts` is the locale-independent
 * content that identifies a document (hashed into its identity); `viewModel`
 * adds the labels and formatting of one language plus the document's own
 * reference. Dates come from the case (its createdAt), never from the clock, so
 * the same facts always give the same bytes.
 */

export interface DocumentFacts {
  caseId: string;
  createdAt: string;
  registration: Registration;
}

export function documentFacts(record: CaseRecord): DocumentFacts {
  return { caseId: record.id, createdAt: record.createdAt, registration: record.registration };
}

/** JSON with object keys sorted at every level, so equal data always hashes equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The data hash of a document's identity: its facts plus the digest of the template that lays them out. */
export function dataHash(facts: DocumentFacts, templateDigest: string): string {
  return createHash('sha256').update(canonicalJson({ facts, template: templateDigest })).digest('hex');
}

const SECTOR: Record<Sector, Record<Locale, string>> = {
  state: { nb: 'Statlig virksomhet', nn: 'Statleg verksemd', en: 'State agency' },
  municipality: { nb: 'Kommune', nn: 'Kommune', en: 'Municipality' },
  county: { nb: 'Fylkeskommune', nn: 'Fylkeskommune', en: 'County authority' },
  other: { nb: 'Annen offentlig virksomhet', nn: 'Anna offentleg verksemd', en: 'Other public body' },
};

const SERVICE: Record<Service, Record<Locale, string>> = {
  DPO: { nb: 'Digital post til offentlige virksomheter', nn: 'Digital post til offentlege verksemder', en: 'Digital post to public agencies' },
  DPV: { nb: 'Digital post til virksomheter (Altinn)', nn: 'Digital post til verksemder (Altinn)', en: 'Digital post to businesses (Altinn)' },
  DPF: { nb: 'Digital post til kommuner (KS SvarUt/SvarInn)', nn: 'Digital post til kommunar (KS SvarUt/SvarInn)', en: 'Digital post to municipalities (KS SvarUt/SvarInn)' },
  DPI: { nb: 'Digital post til innbyggere', nn: 'Digital post til innbyggjarar', en: 'Digital post to citizens' },
};

const ENVIRONMENT: Record<Registration['environment'], Record<Locale, string>> = {
  test: { nb: 'Testmiljø', nn: 'Testmiljø', en: 'Test environment' },
  production: { nb: 'Produksjon', nn: 'Produksjon', en: 'Production' },
};

const YES_NO: Record<Locale, [string, string]> = { nb: ['Ja', 'Nei'], nn: ['Ja', 'Nei'], en: ['Yes', 'No'] };

const DATE_LOCALE: Record<Locale, string> = { nb: 'nb-NO', nn: 'nn-NO', en: 'en-GB' };

/** "27. november 2026" / "27 November 2026", in Norwegian time. */
export function formatDate(iso: string, locale: Locale): string {
  return new Intl.DateTimeFormat(DATE_LOCALE[locale], { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Oslo' }).format(new Date(iso));
}

/** 991825827 → "991 825 827", as Brønnøysundregistrene print it. */
export function formatOrganizationNumber(value: string): string {
  return /^\d{9}$/.test(value) ? `${value.slice(0, 3)} ${value.slice(3, 6)} ${value.slice(6)}` : value;
}

/** +4791234567 → "+47 912 34 567" */
export function formatMobile(value: string): string {
  const match = /^\+47(\d{3})(\d{2})(\d{3})$/.exec(value);
  return match ? `+47 ${match[1]} ${match[2]} ${match[3]}` : value;
}

function contact(c: Contact) {
  return { name: c.name, email: c.email, mobile: formatMobile(c.mobile) };
}

export interface ViewModel {
  lang: Locale;
  caseId: string;
  issueDate: string;
  issueDateIso: string;
  documentId: string;
  documentReference: string;
  /** Printed as the case reference: the document reference plus the case id. */
  caseReference: string;
  organizationNumber: string;
  organizationNumberRaw: string;
  agency: { name: string; nb: string; nn: string; en: string; acronym: string };
  sector: Sector;
  sectorLabel: string;
  isState: boolean;
  environmentLabel: string;
  services: { code: Service; name: string }[];
  servicesText: string;
  hasDpv: boolean;
  hasDpf: boolean;
  altinnServiceOwner: string;
  usesEInnsyn: string;
  technicalContact: { name: string; email: string; mobile: string };
  archiveContact: { name: string; email: string; mobile: string };
  notificationContact: { name: string; email: string; mobile: string };
  invoice: {
    organizationNumber: string;
    reference: string | null;
    email: string | null;
    address: { line1: string; line2: string | null; postalCode: string; city: string } | null;
  };
  caseArchiveSystem: { product: string; module: string | null };
  dpvIpAddresses: string[];
}

export function viewModel(facts: DocumentFacts, locale: Locale, documentId: string): ViewModel {
  const r = facts.registration;
  const [yes, no] = YES_NO[locale];
  const reference = formatReference(documentId);
  return {
    lang: locale,
    caseId: facts.caseId,
    issueDate: formatDate(facts.createdAt, locale),
    issueDateIso: facts.createdAt.slice(0, 10),
    documentId,
    documentReference: reference,
    caseReference: `${reference} / ${facts.caseId}`,
    organizationNumber: formatOrganizationNumber(r.organizationNumber),
    organizationNumberRaw: r.organizationNumber,
    agency: { name: r.names[locale], nb: r.names.nb, nn: r.names.nn, en: r.names.en, acronym: r.names.acronym },
    sector: r.sector,
    sectorLabel: SECTOR[r.sector][locale],
    isState: r.sector === 'state',
    environmentLabel: ENVIRONMENT[r.environment][locale],
    services: r.services.map((code) => ({ code, name: SERVICE[code][locale] })),
    servicesText: r.services.join(', '),
    hasDpv: r.services.includes('DPV'),
    hasDpf: r.services.includes('DPF'),
    altinnServiceOwner: r.altinnServiceOwner ? yes : no,
    usesEInnsyn: r.usesEInnsyn ? yes : no,
    technicalContact: contact(r.technicalContact),
    archiveContact: contact(r.archiveContact),
    notificationContact: contact(r.notificationContact),
    invoice: {
      organizationNumber: formatOrganizationNumber(r.invoice.organizationNumber),
      reference: r.invoice.reference ?? null,
      email: r.invoice.email ?? null,
      address: r.invoice.address
        ? { line1: r.invoice.address.line1, line2: r.invoice.address.line2 ?? null, postalCode: r.invoice.address.postalCode, city: r.invoice.address.city }
        : null,
    },
    caseArchiveSystem: { product: r.caseArchiveSystem.product, module: r.caseArchiveSystem.module ?? null },
    dpvIpAddresses: r.dpvIpAddresses,
  };
}

/** A fact by dotted path (for overlay field maps); arrays are joined with ", ". */
export function factAt(model: ViewModel, dotted: string): string | undefined {
  let cursor: unknown = model;
  for (const key of dotted.split('.')) {
    if (cursor === null || typeof cursor !== 'object' || !Object.prototype.hasOwnProperty.call(cursor, key)) return undefined;
    cursor = (cursor as Record<string, unknown>)[key];
  }
  if (cursor === null || cursor === undefined) return '';
  if (Array.isArray(cursor)) return cursor.map((v) => (typeof v === 'object' && v !== null && 'code' in v ? String((v as { code: unknown }).code) : String(v))).join(', ');
  if (typeof cursor === 'object') return undefined;
  return String(cursor);
}
