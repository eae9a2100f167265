/**
 * The CLI's seams: a command is a name (one or more words), a one-line summary,
 * usage text and a run function that gets its arguments and the outside world
 * (output streams, environment, working directory) and returns the exit code.
 * Commands never call process.exit, so tests run them in-process.
 */

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

export interface Command {
  /** Words after the program name, e.g. ["cert", "check"]. */
  name: readonly string[];
  summary: string;
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** Exit codes shared by every command. */
export const EXIT = {
  ok: 0,
  /** The thing checked is not acceptable (e.g. a rejected certificate). */
  rejected: 1,
  /** The command could not do its job: bad arguments, unreadable input, bad configuration. */
  unusable: 2,
} as const;
