import { validationMessage, type FieldError } from '../domain/registration.js';
import type { Locale } from '../domain/locale.js';

/**
 * The registration form posts flat fields named by their JSON path
 * (`technicalContact.email`). This turns them into the API's request body, so the
 * web form and the API share one validator and one set of messages.
 */
export type FormBody = Record<string, string | string[] | undefined>;

const SCALARS = [
  'organizationNumber',
  'names.nb',
  'names.nn',
  'names.en',
  'names.acronym',
  'sector',
  'environment',
  'technicalContact.name',
  'technicalContact.email',
  'technicalContact.mobile',
  'archiveContact.name',
  'archiveContact.email',
  'archiveContact.mobile',
  'notificationContact.name',
  'notificationContact.email',
  'notificationContact.mobile',
  'caseArchiveSystem.product',
] as const;
const OPTIONAL = ['invoice.organizationNumber', 'invoice.reference', 'invoice.email', 'caseArchiveSystem.module'] as const;
const ADDRESS = ['invoice.address.line1', 'invoice.address.postalCode', 'invoice.address.city'] as const;

/** Field order on the page, for the error summary. */
export const FIELD_ORDER = [
  'organizationNumber', 'names.nb', 'names.nn', 'names.en', 'names.acronym', 'sector', 'environment', 'services', 'dpvIpAddresses',
  'technicalContact.name', 'technicalContact.email', 'technicalContact.mobile',
  'archiveContact.name', 'archiveContact.email', 'archiveContact.mobile',
  'notificationContact.name', 'notificationContact.email', 'notificationContact.mobile',
  'invoice', 'invoice.organizationNumber', 'invoice.reference', 'invoice.email', 'invoice.address.line1', 'invoice.address.postalCode', 'invoice.address.city',
  'caseArchiveSystem.product', 'caseArchiveSystem.module',
];

function first(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let cursor = target;
  for (const key of keys.slice(0, -1)) {
    cursor[key] = (cursor[key] as Record<string, unknown> | undefined) ?? {};
    cursor = cursor[key] as Record<string, unknown>;
  }
  cursor[keys[keys.length - 1]!] = value;
}

export function formToRegistration(body: FormBody): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const name of SCALARS) setPath(result, name, first(body[name]));
  for (const name of OPTIONAL) {
    const value = first(body[name]).trim();
    if (value) setPath(result, name, value);
  }
  if (ADDRESS.some((name) => first(body[name]).trim() !== '')) {
    for (const name of ADDRESS) setPath(result, name, first(body[name]));
  }
  if (result.invoice === undefined) result.invoice = {};
  const services = body.services;
  result.services = Array.isArray(services) ? services : services ? [services] : [];
  result.altinnServiceOwner = first(body.altinnServiceOwner) === 'true';
  result.usesEInnsyn = first(body.usesEInnsyn) === 'true';
  const ips = first(body.dpvIpAddresses)
    .split(/[\s,;]+/)
    .map((ip) => ip.trim())
    .filter(Boolean);
  if (ips.length > 0) result.dpvIpAddresses = ips;
  return result;
}

/** The values to show again in the form after an error (exactly what was typed). */
export function formValues(body: FormBody): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  for (const name of [...SCALARS, ...OPTIONAL, ...ADDRESS, 'dpvIpAddresses', 'altinnServiceOwner', 'usesEInnsyn']) values[name] = first(body[name]);
  const services = body.services;
  values.services = Array.isArray(services) ? services : services ? [services] : [];
  return values;
}

/** Maps API error paths to form fields: `services.1` → `services`, `dpvIpAddresses.0` → `dpvIpAddresses`. */
export function fieldOf(path: string): string {
  if (path.startsWith('services')) return 'services';
  if (path.startsWith('dpvIpAddresses')) return 'dpvIpAddresses';
  return path;
}

export interface FormErrors {
  fieldErrors: Record<string, string>;
  errorList: { field: string; message: string }[];
}

/** The label a person sees for a field, so the error summary says which field is wrong. */
export function fieldLabel(field: string, t: (key: string) => string): string {
  const contact = /^(technicalContact|archiveContact|notificationContact)\.(name|email|mobile)$/.exec(field);
  if (contact) return `${t(`form.${contact[1]}`)} – ${t(`form.contact.${contact[2]}`)}`;
  if (field === 'services') return t('form.services.legend');
  if (field === 'invoice') return t('form.invoice');
  if (field === 'environment' || field === 'sector') return t(`form.${field}`);
  return t(`form.${field}`);
}

export function formErrors(errors: FieldError[], locale: Locale, t?: (key: string) => string): FormErrors {
  const fieldErrors: Record<string, string> = {};
  for (const error of errors) {
    const field = fieldOf(error.path);
    fieldErrors[field] ??= validationMessage(error, locale);
  }
  const rank = (field: string) => {
    const index = FIELD_ORDER.indexOf(field);
    return index < 0 ? FIELD_ORDER.length : index;
  };
  const errorList = Object.entries(fieldErrors)
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([field, message]) => ({ field, message: t ? `${fieldLabel(field, t)}: ${message}` : message }));
  return { fieldErrors, errorList };
}
