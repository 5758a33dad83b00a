import type { DbReader } from '../db/open-reader.ts';
import type { DbSession, OpenSessionOptions } from '../db/session.ts';

/** Global flags every command understands (parsed by meow in src/cli.ts). */
export interface GlobalFlags {
  databaseUrl?: string;
  allowNonTailnet: boolean;
  yes: boolean;
  debug: boolean;
  json: boolean;
  to?: string;
  /** `--actor NAME`, already checked: who the site history records (else the OS / sudo user). */
  actor?: string;
  /** `--read-only`: every write is refused before anything is read or written. */
  readOnly: boolean;
}

export interface CommandIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** An option a command declares beyond the global flags (camelCase name; typed as --kebab-case). */
export interface OptionSpec {
  type: 'string' | 'boolean';
  shortFlag?: string;
}

/** The command's own options as given on the command line; absent ones are undefined. */
export type CommandOptions = Readonly<Record<string, string | boolean | undefined>>;

export interface OpenDbOptions extends Partial<OpenSessionOptions> {
  /** A read-only use (listings, export): connect with CABINET_DATABASE_URL_RO when it is set. */
  readOnly?: boolean;
  /** Where warnings go (the guard override); stderr unless given (the console holds them until it closes). */
  warn?: (line: string) => void;
}

export interface OpenReaderOptions {
  statementTimeoutMs?: number;
  /** Connections the read pool may open (3 unless given; the console uses one). */
  maxConnections?: number;
  /** Progress and warning lines while the target is opened (embedded cluster, .pgpass); stderr unless given. */
  log?: (line: string) => void;
  warn?: (line: string) => void;
}

export interface CommandContext {
  /** Positional arguments after the command name. */
  args: string[];
  flags: GlobalFlags;
  /** Options declared by the command (`Command.options`). */
  options: CommandOptions;
  io: CommandIO;
  /** Opens the database (embedded or configured), applying the tailnet guard. */
  openDb(options?: OpenDbOptions): Promise<DbSession>;
  /**
   * Opens a read-only way in without the ORM (a light node-postgres pool; CABINET_DATABASE_URL_RO when set):
   * listings and `show` start in a fraction of the time a full session takes.
   */
  openReader(options?: OpenReaderOptions): Promise<DbReader>;
  /** Prints a warning line on stderr (for example when the tailnet guard was overridden). */
  warn(line: string): void;
}

/** A non-interactive subcommand: never imports Ink. Returns the exit code. */
export interface Command {
  name: string;
  /** Help text shown by `cabinet NAME --help`: Usage / Options / Examples. */
  help: string;
  /** Options only this command understands; any other option is a usage error for it. */
  options?: Record<string, OptionSpec>;
  run(ctx: CommandContext): Promise<number>;
}
