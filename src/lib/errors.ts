/** Exit codes shared by every command: 0 ok, 1 failure, 2 usage error. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface CabinetErrorOptions {
  exitCode?: ExitCode;
  /** A short machine-readable reason, e.g. `db-down`, `stale-edit`, `validation`. */
  code?: string;
  /** One line telling the user what to do about it. */
  hint?: string;
  cause?: unknown;
  /** Field-level messages for validation errors (field name -> message). */
  fields?: Record<string, string>;
}

/**
 * The one error type cabinet throws on purpose. Its message is a user-facing line, safe to print;
 * the CLI and the console show it without a stack unless `--debug` is given.
 */
export class CabinetError extends Error {
  readonly exitCode: ExitCode;
  readonly code: string;
  readonly hint: string | undefined;
  readonly fields: Record<string, string> | undefined;

  constructor(message: string, options: CabinetErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CabinetError';
    this.exitCode = options.exitCode ?? ExitCode.failure;
    this.code = options.code ?? 'error';
    this.hint = options.hint;
    this.fields = options.fields;
  }

  /** The message and its hint on one line, as printed by the CLI. */
  get line(): string {
    return this.hint ? `${this.message} (${this.hint})` : this.message;
  }
}

export function usageError(message: string, hint?: string): CabinetError {
  return new CabinetError(message, { exitCode: ExitCode.usage, code: 'usage', hint });
}

