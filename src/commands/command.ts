import type { DbSession, OpenSessionOptions } from '../db/session.ts';

/** Global flags every command understands (parsed by meow in src/cli.ts). */
export interface GlobalFlags {
  databaseUrl?: string;
  allowNonTailnet: boolean;
  yes: boolean;
  debug: boolean;
  json: boolean;
  to?: string;
}

export interface CommandIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

export interface CommandContext {
  /** Positional arguments after the command name. */
  args: string[];
  flags: GlobalFlags;
  io: CommandIO;
  /** Opens the database (embedded or configured), applying the tailnet guard. */
  openDb(options?: Partial<OpenSessionOptions>): Promise<DbSession>;
  /** Prints a warning line on stderr (for example when the tailnet guard was overridden). */
  warn(line: string): void;
}

/** A non-interactive subcommand: never imports Ink. Returns the exit code. */
export interface Command {
  name: string;
  summary: string;
  /** Help text shown by `cabinet NAME --help`: Usage / Options / Examples. */
  help: string;
  run(ctx: CommandContext): Promise<number>;
}
