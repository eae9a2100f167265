import { z } from 'zod';
import { isValidIpOrCidr } from './ip-address.js';
import { format, type Locale } from './locale.js';
import { isValidOrganizationNumber, normalizeOrganizationNumber } from './organization-number.js';
import { normalizeMobile } from './phone.js';
import { VALIDATION_MESSAGES, type ValidationCode } from './validation-messages.js';

/**
 * The registration contract (POST /api/cases). Field names are fixed: other tools
 * depend on them. The same schema validates the API, the web form, and produces
 * /openapi.json, so the three cannot drift apart.
 */

export const SECTORS = ['state', 'municipality', 'county', 'other'] as const;
export const ENVIRONMENTS = ['test', 'production'] as const;
export const SERVICES = ['DPO', 'DPV', 'DPF', 'DPI'] as const;
export type Sector = (typeof SECTORS)[number];
export type Environment = (typeof ENVIRONMENTS)[number];
export type Service = (typeof SERVICES)[number];

const MAX_NAME = 200;
// C0 and C1 control characters, DEL, and the Unicode line/paragraph separators.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]{2,}$/;

type Issue = { code: ValidationCode; params?: Record<string, string | number> };

function custom(ctx: z.RefinementCtx, issue: Issue, path: PropertyKey[] = []): void {
  ctx.addIssue({ code: 'custom', message: issue.code, params: issue, path });
}

/** A trimmed single-line text; `required` rejects the empty string. */
function text(options: { max?: number; required?: boolean } = {}) {
  const { max = MAX_NAME, required = true } = options;
  return z
    .string()
    .transform((value) => value.trim())
    .superRefine((value, ctx) => {
      if (required && value.length === 0) return custom(ctx, { code: 'required' });
      if (CONTROL_CHARACTERS.test(value)) return custom(ctx, { code: 'control_characters' });
      if (value.length > max) custom(ctx, { code: 'too_long', params: { max } });
    });
}

function optionalText(max = MAX_NAME) {
  return text({ max, required: false })
    .transform((value) => (value.length === 0 ? undefined : value))
    .optional();
}

const organizationNumber = z
  .string()
  .transform(normalizeOrganizationNumber)
  .superRefine((value, ctx) => {
    if (value.length === 0) return custom(ctx, { code: 'required' });
    if (!isValidOrganizationNumber(value)) custom(ctx, { code: 'invalid_organization_number' });
  });

const email = text({ max: 254 }).superRefine((value, ctx) => {
  if (value.length > 0 && !EMAIL.test(value)) custom(ctx, { code: 'invalid_email' });
});

const optionalEmail = text({ max: 254, required: false })
  .superRefine((value, ctx) => {
    if (value.length > 0 && !EMAIL.test(value)) custom(ctx, { code: 'invalid_email' });
  })
  .transform((value) => (value.length === 0 ? undefined : value))
  .optional();

const mobile = z
  .string()
  .transform((value, ctx) => {
    const trimmed = value.trim();
    if (trimmed.length === 0) {
      custom(ctx, { code: 'required' });
      return z.NEVER;
    }
    const normalized = normalizeMobile(trimmed);
    if (normalized === null) {
      custom(ctx, { code: 'invalid_mobile' });
      return z.NEVER;
    }
    return normalized;
  })
  .meta({ description: 'Norwegian 8-digit mobile (4xxxxxxx/9xxxxxxx, optional +47/0047) or E.164', examples: ['+4791234567'] });

const contact = z.strictObject({
  name: text(),
  email,
  mobile,
});

function enumOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.string().transform((value, ctx) => {
    if (!(values as readonly string[]).includes(value)) {
      custom(ctx, { code: 'invalid_option', params: { options: values.join(', ') } });
      return z.NEVER;
    }
    return value as T[number];
  }).meta({ enum: [...values] });
}

const address = z.strictObject({
  line1: text(),
  line2: optionalText(),
  postalCode: z
    .string()
    .transform((value) => value.trim())
    .superRefine((value, ctx) => {
      if (value.length === 0) return custom(ctx, { code: 'required' });
      if (!/^\d{4}$/.test(value)) custom(ctx, { code: 'invalid_postal_code' });
    }),
  city: text(),
});

const invoice = z.strictObject({
  organizationNumber: organizationNumber.optional(),
  reference: optionalText(),
  email: optionalEmail,
  address: address.optional(),
});

export const RegistrationSchema = z
  .strictObject({
    organizationNumber,
    names: z.strictObject({
      nb: text(),
      nn: text(),
      en: text(),
      acronym: z
        .string()
        .transform((value) => value.trim())
        .superRefine((value, ctx) => {
          if (value.length === 0) return custom(ctx, { code: 'required' });
          if (!/^[\p{L}\p{N}]{2,15}$/u.test(value)) custom(ctx, { code: 'invalid_acronym' });
        }),
    }),
    sector: enumOf(SECTORS),
    environment: enumOf(ENVIRONMENTS),
    services: z.array(enumOf(SERVICES)).superRefine((list, ctx) => {
      if (list.length === 0) return custom(ctx, { code: 'empty_list' });
      list.forEach((service, index) => {
        if (list.indexOf(service) !== index) custom(ctx, { code: 'duplicate', params: { value: service } }, [index]);
      });
    }),
    altinnServiceOwner: z.boolean().default(false),
    usesEInnsyn: z.boolean().default(false),
    technicalContact: contact,
    archiveContact: contact,
    notificationContact: contact,
    invoice,
    caseArchiveSystem: z.strictObject({
      product: text(),
      module: optionalText(),
    }),
    dpvIpAddresses: z
      .array(
        z
          .string()
          .transform((value) => value.trim())
          .superRefine((value, ctx) => {
            if (!isValidIpOrCidr(value)) custom(ctx, { code: 'invalid_ip' });
          }),
      )
      .max(50)
      .optional(),
  });

export type RegistrationInput = z.input<typeof RegistrationSchema>;

/** A registration after validation: normalised, defaults applied. */
export interface Registration {
  organizationNumber: string;
  names: { nb: string; nn: string; en: string; acronym: string };
  sector: Sector;
  environment: Environment;
  services: Service[];
  altinnServiceOwner: boolean;
  usesEInnsyn: boolean;
  technicalContact: Contact;
  archiveContact: Contact;
  notificationContact: Contact;
  invoice: {
    organizationNumber: string;
    reference?: string;
    email?: string;
    address?: { line1: string; line2?: string; postalCode: string; city: string };
  };
  caseArchiveSystem: { product: string; module?: string };
  dpvIpAddresses: string[];
}
export interface Contact {
  name: string;
  email: string;
  mobile: string;
}

export interface FieldError {
  path: string;
  code: ValidationCode;
  params?: Record<string, string | number>;
}

export type RegistrationResult = { ok: true; value: Registration } | { ok: false; errors: FieldError[] };

const TYPE_NAMES: Record<string, string> = { string: 'text', boolean: 'true/false', object: 'object', array: 'list', number: 'number' };

function toFieldErrors(error: z.ZodError): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map(String);
    if (issue.code === 'custom') {
      const params = (issue as { params?: Issue }).params;
      if (params?.code) {
        errors.push({ path: path.join('.'), code: params.code, ...(params.params ? { params: params.params } : {}) });
        continue;
      }
    }
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) errors.push({ path: [...path, key].join('.'), code: 'unknown_field' });
      continue;
    }
    if (issue.code === 'invalid_type') {
      const missing = (issue as { input?: unknown }).input === undefined;
      errors.push(
        missing
          ? { path: path.join('.'), code: 'required' }
          : { path: path.join('.'), code: 'invalid_type', params: { expected: TYPE_NAMES[issue.expected] ?? issue.expected } },
      );
      continue;
    }
    if (issue.code === 'too_big') {
      errors.push({ path: path.join('.'), code: 'too_many', params: { max: Number(issue.maximum) } });
      continue;
    }
    errors.push({ path: path.join('.'), code: 'invalid_type', params: { expected: issue.code } });
  }
  // One message per field and code is enough; zod may report both a parent and child.
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.path}|${e.code}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Rules that span fields. They run on the raw input, beside the schema, so that a
 * form with both a bad e-mail and a missing DPV address reports both at once.
 */
function crossFieldErrors(input: unknown): FieldError[] {
  if (typeof input !== 'object' || input === null) return [];
  const raw = input as Record<string, unknown>;
  const errors: FieldError[] = [];
  const hasDpv = Array.isArray(raw.services) && raw.services.includes('DPV');
  const ips = Array.isArray(raw.dpvIpAddresses)
    ? raw.dpvIpAddresses.map((ip) => (typeof ip === 'string' ? ip.trim() : ip))
    : [];
  if (hasDpv && ips.length === 0) errors.push({ path: 'dpvIpAddresses', code: 'dpv_ip_required' });
  if (!hasDpv && ips.length > 0) errors.push({ path: 'dpvIpAddresses', code: 'dpv_ip_not_allowed' });
  if (hasDpv) {
    ips.forEach((ip, index) => {
      if (typeof ip === 'string' && ips.indexOf(ip) !== index) {
        errors.push({ path: `dpvIpAddresses.${index}`, code: 'duplicate', params: { value: ip } });
      }
    });
  }
  const invoice = raw.invoice;
  if (typeof invoice === 'object' && invoice !== null && !Array.isArray(invoice)) {
    const { email: invoiceEmail, address: invoiceAddress } = invoice as Record<string, unknown>;
    const hasEmail = typeof invoiceEmail === 'string' && invoiceEmail.trim().length > 0;
    if (!hasEmail && invoiceAddress === undefined) errors.push({ path: 'invoice', code: 'invoice_contact_required' });
  }
  return errors;
}

export function parseRegistration(input: unknown): RegistrationResult {
  const result = RegistrationSchema.safeParse(input, { reportInput: true });
  const cross = crossFieldErrors(input);
  if (!result.success || cross.length > 0) {
    const schemaErrors = result.success ? [] : toFieldErrors(result.error);
    const known = new Set(schemaErrors.map((e) => `${e.path}|${e.code}`));
    return { ok: false, errors: [...schemaErrors, ...cross.filter((e) => !known.has(`${e.path}|${e.code}`))] };
  }
  const v = result.data;
  const services = [...v.services].sort((a, b) => SERVICES.indexOf(a) - SERVICES.indexOf(b));
  return {
    ok: true,
    value: {
      organizationNumber: v.organizationNumber,
      names: v.names,
      sector: v.sector,
      environment: v.environment,
      services,
      altinnServiceOwner: v.altinnServiceOwner,
      usesEInnsyn: v.usesEInnsyn,
      technicalContact: v.technicalContact,
      archiveContact: v.archiveContact,
      notificationContact: v.notificationContact,
      invoice: {
        organizationNumber: v.invoice.organizationNumber ?? v.organizationNumber,
        ...(v.invoice.reference ? { reference: v.invoice.reference } : {}),
        ...(v.invoice.email ? { email: v.invoice.email } : {}),
        ...(v.invoice.address
          ? {
              address: {
                line1: v.invoice.address.line1,
                ...(v.invoice.address.line2 ? { line2: v.invoice.address.line2 } : {}),
                postalCode: v.invoice.address.postalCode,
                city: v.invoice.address.city,
              },
            }
          : {}),
      },
      caseArchiveSystem: {
        product: v.caseArchiveSystem.product,
        ...(v.caseArchiveSystem.module ? { module: v.caseArchiveSystem.module } : {}),
      },
      dpvIpAddresses: v.dpvIpAddresses ?? [],
    },
  };
}

export function validationMessage(error: FieldError, locale: Locale): string {
  return format(VALIDATION_MESSAGES[error.code][locale], error.params);
}
