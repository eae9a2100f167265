import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { checkWebhookUrl, type WebhookConfig } from './delivery/webhooks.js';

/**
 * Service configuration. Parsed from environment variables by main.ts only;
 * everything else receives the typed object. Every variable is in the README.
 */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL (leave unset for SQLite)')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional().or(z.literal('').transform(() => undefined)),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((value) => (value === undefined || value === '' || value === 'false' ? false : value === 'true' ? true : /^\d+$/.test(value) ? Number(value) : value)),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be smtp://… or smtps://…')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  MAIL_FROM: z.string().min(3).default('eFormidling onboarding <noreply@efm-onboarding.invalid>'),
  MAIL_TO_SERVICEDESK: z.string().email().default('servicedesk@digdir.no'),
  MAIL_TO_ALTINN: z.string().email().default('firmapost@brreg.no'),
  MAIL_TO_KS: z.string().email().default('fiksavtaler@ks.no'),
  DELIVERY_AFTER_APPROVAL: z.enum(['true', 'false']).default('false'),
  DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  DELIVERY_BASE_DELAY_MS: z.coerce.number().int().min(0).default(30_000),
  DELIVERY_MAX_DELAY_MS: z.coerce.number().int().min(0).default(3_600_000),
  DELIVERY_POLL_MS: z.coerce.number().int().min(10).max(600_000).default(2_000),
  WEBHOOK_URLS: z.string().optional(),
  WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional().or(z.literal('').transform(() => undefined)),
  WEBHOOK_ALLOW_PRIVATE: z.enum(['true', 'false']).default('false'),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  SEAL_P12_PATH: z.string().optional().or(z.literal('').transform(() => undefined)),
  SEAL_P12_PASSWORD: z.string().optional(),
  REGISTRATION_RATE_LIMIT: z.coerce.number().int().min(0).default(30),
  LOGIN_RATE_LIMIT: z.coerce.number().int().min(0).default(10),
  PUBLIC_URL: z
    .string()
    .regex(/^https?:\/\/[^/]+$/, 'must be like https://onboarding.example.no (no path, no trailing slash)')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  CERT_REVOCATION: z.enum(['off', 'ocsp', 'crl']).default('off'),
  CERT_REVOCATION_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  CERT_CRL_MAX_BYTES: z.coerce.number().int().min(1024).default(20 * 1024 * 1024),
  CERT_TRUST_DIR: z.string().optional().or(z.literal('').transform(() => undefined)),
  CERT_VALIDATE_RATE_LIMIT: z.coerce.number().int().min(0).default(30),
  // Signed returns (issue 4).
  UPLOAD_MAX_BYTES: z.coerce.number().int().min(1024).default(25 * 1024 * 1024),
  UPLOAD_MAX_PAGES: z.coerce.number().int().min(1).max(1000).default(100),
  UPLOAD_MAX_PIXELS: z.coerce.number().int().min(1_000_000).default(40_000_000),
  UPLOAD_ANALYSIS_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
  // Documents (issue 3): Chromium pool, templates and the MAC key of QR codes.
  CHROMIUM_PATH: z.string().min(1).optional(),
  RENDER_POOL_SIZE: z.coerce.number().int().min(1).max(32).optional(),
  RENDER_QUEUE_LIMIT: z.coerce.number().int().min(0).max(10_000).optional(),
  RENDER_TIMEOUT_MS: z.coerce.number().int().min(1).max(600_000).default(30_000),
  RENDER_RECYCLE_AFTER: z.coerce.number().int().min(0).default(100),
  DOCUMENT_SECRET: z
    .string()
    .optional()
    .or(z.literal('').transform(() => undefined))
    .refine((value) => value === undefined || secretBytes(value) >= 32, 'must be at least 32 bytes, hex or base64'),
  TEMPLATES_DIR: z.string().min(1).optional().or(z.literal('').transform(() => undefined)),
});

function secretBytes(value: string): number {
  const trimmed = value.trim();
  return /^[0-9a-fA-F]+$/.test(trimmed) && trimmed.length % 2 === 0 ? trimmed.length / 2 : Buffer.from(trimmed, 'base64').length;
}

/**
 * Debian's headless shell when installed (scripts/setup.sh installs it): the same
 * Blink without the browser UI, 3–5× faster per document and about 120 MB smaller
 * than the full browser (docs/benchmarks.md). The full browser otherwise.
 * The binary itself, not /usr/bin/chromium-headless-shell: that wrapper script runs
 * it as a child without exec, so the process we supervise would be the shell.
 */
export function defaultChromiumPath(): string {
  return ['/usr/lib/chromium/chromium-headless-shell', '/usr/bin/chromium'].find((candidate) => existsSync(candidate)) ?? '/usr/bin/chromium';
}

/** templates/ of the package (one level above src/, two above dist/src/), whatever the working directory. */
function defaultTemplatesDir(): string {
  for (const candidate of ['../templates', '../../templates']) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(dir)) return dir;
  }
  return path.resolve('templates');
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  sqlitePath: string;
  adminToken: string | undefined;
  logLevel: string;
  trustProxy: boolean | number | string;
  shutdownTimeoutMs: number;
  /** Base of the secret case links shown after registration; taken from the request when unset. */
  publicUrl: string | undefined;
  delivery: {
    smtpUrl: string | undefined;
    outboxDir: string;
    from: string;
    recipients: { servicedesk: string; altinn: string; ks: string };
    afterApproval: boolean;
    maxAttempts: number;
    baseDelayMs: number;
    maxDelayMs: number;
    pollIntervalMs: number;
  };
  webhooks: WebhookConfig;
  /** Registrations per hour and servicedesk logins per 15 minutes, per client address; 0 = unlimited. */
  rateLimits: { registrationsPerHour: number; loginsPer15Minutes: number };
  /** PKCS#12 with the key that seals receipts; unset → a development seal under DATA_DIR/seal. */
  seal: { p12Path: string | undefined; p12Password: string };
  certificates: CertificateConfig;
  uploads: { maxBytes: number; maxPages: number; maxPixels: number; analysisConcurrency: number };
  documents: {
    chromiumPath: string;
    poolSize: number;
    queueLimit: number;
    timeoutMs: number;
    recycleAfter: number;
    /** Raw DOCUMENT_SECRET (hex or base64); undefined = generated and kept in the database. */
    secret: string | undefined;
    templatesDir: string;
  };
}

/** Certificate validation (issue 5). */
export interface CertificateConfig {
  /** off | ocsp | crl; when on, an unanswered check rejects the certificate (fail closed). */
  revocation: 'off' | 'ocsp' | 'crl';
  revocationTimeoutMs: number;
  crlMaxBytes: number;
  /** A trust list directory (manifest.json + PEM files); undefined = the bundled assets/trust. */
  trustDir: string | undefined;
  /** Requests per minute per client address on POST /api/certificates/validate; 0 = unlimited. */
  validateRateLimitPerMinute: number;
}

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const result = EnvSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = result.data;
  const webhookUrls = (e.WEBHOOK_URLS ?? '').split(/[\s,]+/).filter(Boolean);
  const allowPrivate = e.WEBHOOK_ALLOW_PRIVATE === 'true';
  const problems: string[] = [];
  for (const url of webhookUrls) {
    try {
      checkWebhookUrl(url, allowPrivate);
    } catch (error) {
      problems.push(`  WEBHOOK_URLS: ${(error as Error).message}`);
    }
  }
  if (webhookUrls.length > 0 && !e.WEBHOOK_SECRET) problems.push('  WEBHOOK_SECRET: required when WEBHOOK_URLS is set');
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    sqlitePath: path.join(dataDir, 'efm-onboarding.sqlite'),
    adminToken: e.ADMIN_TOKEN,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    publicUrl: e.PUBLIC_URL,
    delivery: {
      smtpUrl: e.SMTP_URL,
      outboxDir: path.join(dataDir, 'outbox'),
      from: e.MAIL_FROM,
      recipients: { servicedesk: e.MAIL_TO_SERVICEDESK, altinn: e.MAIL_TO_ALTINN, ks: e.MAIL_TO_KS },
      afterApproval: e.DELIVERY_AFTER_APPROVAL === 'true',
      maxAttempts: e.DELIVERY_MAX_ATTEMPTS,
      baseDelayMs: e.DELIVERY_BASE_DELAY_MS,
      maxDelayMs: e.DELIVERY_MAX_DELAY_MS,
      pollIntervalMs: e.DELIVERY_POLL_MS,
    },
    rateLimits: { registrationsPerHour: e.REGISTRATION_RATE_LIMIT, loginsPer15Minutes: e.LOGIN_RATE_LIMIT },
    seal: { p12Path: e.SEAL_P12_PATH ? path.resolve(e.SEAL_P12_PATH) : undefined, p12Password: e.SEAL_P12_PASSWORD ?? '' },
    webhooks: {
      urls: webhookUrls,
      secret: e.WEBHOOK_SECRET ?? '',
      allowPrivate,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      baseDelayMs: e.DELIVERY_BASE_DELAY_MS,
      maxDelayMs: e.DELIVERY_MAX_DELAY_MS,
      pollIntervalMs: e.DELIVERY_POLL_MS,
    },
    certificates: {
      revocation: e.CERT_REVOCATION,
      revocationTimeoutMs: e.CERT_REVOCATION_TIMEOUT_MS,
      crlMaxBytes: e.CERT_CRL_MAX_BYTES,
      trustDir: e.CERT_TRUST_DIR ? path.resolve(e.CERT_TRUST_DIR) : undefined,
      validateRateLimitPerMinute: e.CERT_VALIDATE_RATE_LIMIT,
    },
    uploads: {
      maxBytes: e.UPLOAD_MAX_BYTES,
      maxPages: e.UPLOAD_MAX_PAGES,
      maxPixels: e.UPLOAD_MAX_PIXELS,
      analysisConcurrency: e.UPLOAD_ANALYSIS_CONCURRENCY,
    },
    documents: {
      chromiumPath: e.CHROMIUM_PATH ?? defaultChromiumPath(),
      poolSize: e.RENDER_POOL_SIZE ?? os.availableParallelism(),
      queueLimit: e.RENDER_QUEUE_LIMIT ?? 2 * (e.RENDER_POOL_SIZE ?? os.availableParallelism()),
      timeoutMs: e.RENDER_TIMEOUT_MS,
      recycleAfter: e.RENDER_RECYCLE_AFTER,
      secret: e.DOCUMENT_SECRET,
      templatesDir: e.TEMPLATES_DIR ? path.resolve(e.TEMPLATES_DIR) : defaultTemplatesDir(),
    },
  };
}
