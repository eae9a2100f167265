import { parseArgs } from 'node:util';
import { verifyAuditTrails } from '../../audit/verify-all.js';
import { ConfigError, loadConfig } from '../../config.js';
import { openDatabase } from '../../storage/database.js';
import { EXIT, type CliIo, type Command } from '../types.js';

/**
 * `efm-onboarding audit verify [--case <id>] [--json]`: checks every case's
 * hash-chained audit trail in the configured database (DATABASE_URL / DATA_DIR).
 * Exit 0 when every trail verifies, 1 when any entry was edited, inserted or
 * deleted, 2 when the database cannot be read.
 */
const USAGE = `Usage: efm-onboarding audit verify [--case <id> ...] [--json]

Verifies the hash-chained audit trail of every case (or the given ones) in the database
named by DATABASE_URL, or the SQLite file under DATA_DIR. Exit code: 0 intact, 1 tampered,
2 the database could not be read.`;

function describe(problem: { kind: string } & Record<string, unknown>): string {
  switch (problem.kind) {
    case 'edited':
      return `entry ${String(problem.seq)} was changed after it was written`;
    case 'broken-link':
      return `entry ${String(problem.seq)} does not follow the entry before it (inserted or removed rows)`;
    case 'gap':
      return `entries between ${String(problem.afterSeq)} and ${String(problem.nextSeq)} are missing`;
    case 'head-mismatch':
      return 'the newest entries were removed, or the case row was altered';
    default:
      return problem.kind;
  }
}

export const auditVerify: Command = {
  name: ['audit', 'verify'],
  summary: 'verify the tamper-evident audit trail of every case',
  usage: USAGE,
  async run(args: string[], io: CliIo): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({ args, options: { case: { type: 'string', multiple: true }, json: { type: 'boolean' } }, allowPositionals: false });
    } catch (error) {
      io.stderr(`${(error as Error).message}\n\n${USAGE}\n`);
      return EXIT.unusable;
    }
    let config;
    try {
      config = loadConfig({ ...io.env, DATA_DIR: io.env.DATA_DIR ?? `${io.cwd}/data` });
    } catch (error) {
      if (error instanceof ConfigError) {
        io.stderr(`${error.message}\n`);
        return EXIT.unusable;
      }
      throw error;
    }
    const database = openDatabase({ url: config.databaseUrl, sqlitePath: config.sqlitePath });
    try {
      const { results, orphanEvents } = await verifyAuditTrails(database.db, parsed.values.case);
      const bad = results.filter((r) => !r.ok);
      if (parsed.values.json) {
        io.stdout(`${JSON.stringify({ ok: bad.length === 0 && orphanEvents === 0, cases: results.length, orphanEvents, results }, null, 2)}\n`);
      } else {
        for (const result of results) {
          io.stdout(`${result.ok ? '✓' : '✗'} ${result.caseId}  ${result.entries} entries  head ${result.head.slice(0, 16)}…\n`);
          for (const problem of result.problems) io.stdout(`    ${describe(problem as never)}\n`);
        }
        if (orphanEvents > 0) io.stdout(`✗ ${orphanEvents} audit entries belong to no case\n`);
        io.stdout(`${results.length - bad.length} of ${results.length} case trails intact${orphanEvents ? `, ${orphanEvents} orphan entries` : ''}\n`);
      }
      return bad.length === 0 && orphanEvents === 0 ? EXIT.ok : EXIT.rejected;
    } catch (error) {
      io.stderr(`cannot read the audit trail: ${(error as Error).message}\n`);
      return EXIT.unusable;
    } finally {
      await database.close();
    }
  },
};
