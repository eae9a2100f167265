import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { submissionProblem } from '../../certificates/errors.js';
import { primaryResult } from '../../certificates/engine.js';
import { SubmissionError } from '../../certificates/input.js';
import { renderValidation, type ResultView } from '../../certificates/present.js';
import { parseValidationFields } from '../../certificates/request.js';
import { createConfiguredValidator } from '../../certificates/setup.js';
import { ConfigError, loadConfig } from '../../config.js';
import { isLocale, negotiateLocale, type Locale } from '../../domain/locale.js';
import { validationMessage } from '../../domain/registration.js';
import { EXIT, type CliIo, type Command } from '../types.js';

/**
 * `efm-onboarding cert check <file> --org <orgnr> --env test|production`: the
 * same engine and trust list as the API (CERT_* variables apply), for the
 * servicedesk's terminal and for scripts. Exit 0 accepted, 1 rejected, 2 when
 * the input or the arguments cannot be used.
 */

const USAGE = `Usage: efm-onboarding cert check <file> --org <organisation number> --env test|production
         [--at <ISO date>] [--purpose authentication|signing|encryption|any] [--json] [--lang nb|nn|en]

Checks the public part of an enterprise certificate (PEM, DER, PKCS#7 or a ZIP of those)
like the onboarding service does. Exit code: 0 accepted, 1 rejected, 2 unusable input.
Environment: CERT_TRUST_DIR, CERT_REVOCATION (off|ocsp|crl), CERT_REVOCATION_TIMEOUT_MS.`;

const MARK: Record<string, string> = { pass: '✓', fail: '✗', warn: '!', skipped: '-' };
const VERDICT: Record<string, Record<Locale, string>> = {
  accepted: { nb: 'GODTATT', nn: 'GODTEKE', en: 'ACCEPTED' },
  rejected: { nb: 'AVVIST', nn: 'AVVIST', en: 'REJECTED' },
};

function localeFrom(flag: string | undefined, env: CliIo['env']): Locale {
  if (flag && isLocale(flag)) return flag;
  const lang = env.LC_ALL || env.LC_MESSAGES || env.LANG;
  return negotiateLocale(lang ? lang.split(/[_.@]/)[0] : undefined);
}

function formatResult(result: ResultView, locale: Locale): string {
  const c = result.certificate;
  const lines = [
    `${VERDICT[result.verdict]![locale]}  ${c.subject}`,
    `  issuer       ${c.issuer}`,
    `  environment  ${c.environment ?? '-'}   issuing CA: ${c.issuingCa ?? '-'}   SEID ${c.seidVersion ?? '-'}`,
    `  org. number  ${c.organizationNumber ?? '-'}   valid ${c.notBefore} – ${c.notAfter}`,
    `  key          ${c.keyAlgorithm}${c.keyCurve ? ` ${c.keyCurve}` : ''} ${c.keySize ?? ''}   usage: ${c.keyUsage.join(', ') || '-'}`,
    `  SHA-256      ${c.sha256Fingerprint}`,
    '',
    ...result.checks.map((check) => `  ${MARK[check.status]} ${check.id.padEnd(20)} ${check.message}`),
  ];
  return `${lines.join('\n')}\n`;
}

export const certCheck: Command = {
  name: ['cert', 'check'],
  summary: 'check a virksomhetssertifikat file (exit 0 accepted, 1 rejected, 2 unusable)',
  usage: USAGE,
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        strict: true,
        options: {
          org: { type: 'string' },
          env: { type: 'string' },
          at: { type: 'string' },
          purpose: { type: 'string' },
          json: { type: 'boolean', default: false },
          lang: { type: 'string' },
        },
      });
    } catch (error) {
      io.stderr(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
      return EXIT.unusable;
    }
    const { values, positionals } = parsed;
    const locale = localeFrom(values.lang, io.env);
    if (positionals.length !== 1) {
      io.stderr(`Give exactly one certificate file.\n\n${USAGE}\n`);
      return EXIT.unusable;
    }
    const fields = parseValidationFields({
      organizationNumber: values.org,
      environment: values.env,
      ...(values.at !== undefined ? { at: values.at } : {}),
      ...(values.purpose !== undefined ? { purpose: values.purpose } : {}),
    });
    if (!fields.ok) {
      const flag: Record<string, string> = { organizationNumber: '--org', environment: '--env', at: '--at', purpose: '--purpose' };
      io.stderr(`${fields.errors.map((e) => `${flag[e.path] ?? e.path}: ${validationMessage(e, locale)}`).join('\n')}\n\n${USAGE}\n`);
      return EXIT.unusable;
    }

    let config;
    try {
      config = loadConfig(io.env);
    } catch (error) {
      if (error instanceof ConfigError) {
        io.stderr(`${error.message}\n`);
        return EXIT.unusable;
      }
      throw error;
    }
    const file = path.resolve(io.cwd, positionals[0]!);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      io.stderr(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
      return EXIT.unusable;
    }

    const validator = createConfiguredValidator(config.certificates, { clock: () => new Date() });
    let results;
    try {
      results = await validator.validateSubmission(bytes, fields.value);
    } catch (error) {
      if (error instanceof SubmissionError) {
        const problem = submissionProblem(error.problem);
        if (values.json) io.stdout(`${JSON.stringify({ code: problem.code, title: problem.title[locale], detail: problem.detail[locale] }, null, 2)}\n`);
        io.stderr(`${problem.title[locale]}: ${problem.detail[locale]}\n`);
        return EXIT.unusable;
      }
      throw error;
    }
    const view = renderValidation(results, locale);
    if (values.json) io.stdout(`${JSON.stringify(view, null, 2)}\n`);
    else io.stdout(view.results.map((r) => formatResult(r, locale)).join('\n'));
    return primaryResult(results).verdict === 'accepted' ? EXIT.ok : EXIT.rejected;
  },
};
