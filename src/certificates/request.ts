import { isValidOrganizationNumber, normalizeOrganizationNumber } from '../domain/organization-number.js';
import type { FieldError } from '../domain/registration.js';
import { PURPOSES, type Purpose, type ValidationRequest } from './types.js';

/**
 * What to validate a certificate against, from text fields (multipart fields,
 * query parameters or CLI flags), with the same error codes the registration
 * uses, so every problem is reported at once and in the user's language.
 */

const ISO_MOMENT = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;
const FIELDS = new Set(['organizationNumber', 'environment', 'at', 'purpose']);

export type ParsedValidationFields = { ok: true; value: ValidationRequest } | { ok: false; errors: FieldError[] };

export function parseValidationFields(input: Readonly<Record<string, unknown>>): ParsedValidationFields {
  const errors: FieldError[] = [];
  const text = (key: string): string | undefined => {
    const raw = input[key];
    if (raw === undefined || raw === '') return undefined;
    if (typeof raw !== 'string') {
      errors.push({ path: key, code: 'invalid_type', params: { expected: 'text' } });
      return undefined;
    }
    return raw.trim();
  };
  for (const key of Object.keys(input)) if (!FIELDS.has(key)) errors.push({ path: key, code: 'unknown_field' });
  const rawOrg = text('organizationNumber');
  const organizationNumber = rawOrg === undefined ? undefined : normalizeOrganizationNumber(rawOrg);
  if (organizationNumber === undefined) errors.push({ path: 'organizationNumber', code: 'required' });
  else if (!isValidOrganizationNumber(organizationNumber)) errors.push({ path: 'organizationNumber', code: 'invalid_organization_number' });
  const environment = text('environment');
  if (environment === undefined) errors.push({ path: 'environment', code: 'required' });
  else if (environment !== 'test' && environment !== 'production') errors.push({ path: 'environment', code: 'invalid_option', params: { options: 'test, production' } });
  const purpose = text('purpose') ?? 'authentication';
  if (!(PURPOSES as readonly string[]).includes(purpose)) errors.push({ path: 'purpose', code: 'invalid_option', params: { options: PURPOSES.join(', ') } });
  const rawAt = text('at');
  let at: Date | undefined;
  if (rawAt !== undefined) {
    at = ISO_MOMENT.test(rawAt) ? new Date(rawAt) : undefined;
    if (!at || Number.isNaN(at.getTime())) errors.push({ path: 'at', code: 'invalid_type', params: { expected: 'ISO 8601 (2025-01-01 / 2025-01-01T12:00:00Z)' } });
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: { organizationNumber: organizationNumber!, environment: environment as ValidationRequest['environment'], purpose: purpose as Purpose, ...(at ? { at } : {}) },
  };
}
