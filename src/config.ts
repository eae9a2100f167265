import path from 'node:path';
import { z } from 'zod';

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
  // Signed returns (issue 4).
  UPLOAD_MAX_BYTES: z.coerce.number().int().min(1024).default(25 * 1024 * 1024),
  UPLOAD_MAX_PAGES: z.coerce.number().int().min(1).max(1000).default(100),
  UPLOAD_MAX_PIXELS: z.coerce.number().int().min(1_000_000).default(40_000_000),
  UPLOAD_ANALYSIS_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
});

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
  uploads: { maxBytes: number; maxPages: number; maxPixels: number; analysisConcurrency: number };
}

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const result = EnvSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = result.data;
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
    uploads: {
      maxBytes: e.UPLOAD_MAX_BYTES,
      maxPages: e.UPLOAD_MAX_PAGES,
      maxPixels: e.UPLOAD_MAX_PIXELS,
      analysisConcurrency: e.UPLOAD_ANALYSIS_CONCURRENCY,
    },
  };
}
