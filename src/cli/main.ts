import { auditVerify } from './commands/audit-verify.js';
import { certCheck } from './commands/cert-check.js';
import { EXIT, type CliIo, type Command } from './types.js';

/**
 * `efm-onboarding <command> [args]`: a dispatcher over a list of commands.
 * Adding one is a new file in commands/ and one line here.
 */
export const COMMANDS: readonly Command[] = [certCheck, auditVerify];

function help(): string {
  const lines = COMMANDS.map((c) => `  efm-onboarding ${c.name.join(' ').padEnd(14)} ${c.summary}`);
  return ['Usage:', ...lines, '', 'Run a command with --help for its options.', ''].join('\n');
}

/** The command whose name is the longest prefix of argv. */
export function findCommand(argv: readonly string[]): { command: Command; args: string[] } | undefined {
  const matches = COMMANDS.filter((c) => c.name.every((word, i) => argv[i] === word)).sort((a, b) => b.name.length - a.name.length);
  const command = matches[0];
  return command ? { command, args: argv.slice(command.name.length) } : undefined;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
  };
}

export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout(help());
    return argv.length === 0 ? EXIT.unusable : EXIT.ok;
  }
  const found = findCommand(argv);
  if (!found) {
    io.stderr(`Unknown command: ${argv.join(' ')}\n\n${help()}`);
    return EXIT.unusable;
  }
  if (found.args.includes('--help') || found.args.includes('-h')) {
    io.stdout(`${found.command.usage}\n`);
    return EXIT.ok;
  }
  try {
    return await found.command.run(found.args, io);
  } catch (error) {
    io.stderr(`efm-onboarding ${found.command.name.join(' ')}: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.unusable;
  }
}
