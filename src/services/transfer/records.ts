import { CabinetError } from '../../lib/errors.ts';

/**
 * What import and export share: the record format (snake_case column names, as n8n and psql see them),
 * timestamps, the plan an import reports, and the error listing invalid rows.
 */

/** ISO 8601 with a zone, as export writes it (`2026-11-23T10:00:00.123456Z`); kept as text so microseconds survive. */
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)$/i;

export function checkTimestamp(value: unknown, key: string): { ok: true; value: string } | { ok: false; error: string } {
  if (typeof value !== 'string') return { ok: false, error: `${key} must be a string such as 2026-11-23T10:00:00Z` };
  const v = value.trim();
  if (!ISO_TIMESTAMP.test(v) || Number.isNaN(new Date(v.replace(' ', 'T')).getTime())) {
    return { ok: false, error: `${key} is not an ISO 8601 time with a zone (e.g. 2026-11-23T10:00:00Z)` };
  }
  return { ok: true, value: v };
}

/** The SQL that writes a timestamptz the way export does: UTC, microseconds, `Z`. */
export const isoSql = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keys of `value` that are not in `known`, for an "unknown field" message that catches typos. */
export function unknownKeys(value: Record<string, unknown>, known: readonly string[]): string[] {
  return Object.keys(value).filter((k) => !known.includes(k));
}

export interface ImportProblem {
  /** `line 7` or `index 3 (line 17)`. */
  where: string;
  message: string;
  /** For sorting problems found in different passes into input order. */
  line?: number;
}

/** The most problems kept (and printed); the count goes on. */
export const MAX_PROBLEMS = 50;

export class ProblemList {
  readonly items: ImportProblem[] = [];
  count = 0;
  add(where: string, message: string, line?: number): void {
    this.count++;
    if (this.items.length < MAX_PROBLEMS) this.items.push({ where, message, ...(line === undefined ? {} : { line }) });
  }
}

/** Thrown when any row is invalid: nothing was applied. The CLI prints each problem, then the message. */
export class InvalidImportError extends CabinetError {
  readonly problems: ImportProblem[];
  readonly count: number;
  constructor(entity: string, problems: ProblemList) {
    super(`${problems.count} invalid ${entity}${problems.count === 1 ? '' : 's'} in the input; nothing was imported`, {
      code: 'invalid-import',
      hint: 'fix them and run the import again',
    });
    this.problems = [...problems.items].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    this.count = problems.count;
  }
}

export type ImportAction = 'create' | 'change' | 'unchanged';

export interface PlannedRow {
  id: string;
  where: string;
  action: ImportAction;
  /** Changed columns (snake_case), for `change`. */
  fields: string[];
  /** The record as diffable text before and after (sites only; users are too many). */
  before?: string | null;
  after?: string;
}

/** What an import would do (dry run) or did. */
export interface ImportPlan {
  entity: 'site' | 'user';
  total: number;
  created: number;
  changed: number;
  unchanged: number;
  /** Every row for sites; for users the first few of each kind. */
  rows: PlannedRow[];
  /** True when `rows` lists only examples. */
  sampled: boolean;
}

export interface ImportOptions {
  dryRun?: boolean;
  /**
   * Called with the plan inside the transaction, before anything is written; returning false rolls back.
   * The CLI prints the plan and asks (or checks --yes) here.
   */
  confirm?: (plan: ImportPlan) => Promise<boolean>;
  /** Progress while reading and copying (rows so far). */
  onProgress?: (rows: number) => void;
}

export interface ImportResult {
  plan: ImportPlan;
  applied: boolean;
}

/** COPY text format: backslash, tab, newline and carriage return escaped; NULL as \N. */
export function copyField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  return String(value).replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** Decodes one field of COPY text output. */
export function uncopyField(field: string): string | null {
  if (field === '\\N') return null;
  if (!field.includes('\\')) return field;
  return field.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    switch (e[0]) {
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'v':
        return '\v';
      case 'x':
        return String.fromCharCode(Number.parseInt(e.slice(1), 16));
      default:
        return /^[0-7]/.test(e) ? String.fromCharCode(Number.parseInt(e, 8)) : e;
    }
  });
}

/**
 * Splits a COPY TO text stream into rows of decoded fields. Chunks end anywhere, so a partial line waits for
 * the next one. (An escaped octal/hex byte would be a raw byte, not a character; PostgreSQL never writes
 * those for text columns in UTF-8.)
 */
export async function* copyRows(stream: AsyncIterable<Buffer | string>): AsyncGenerator<(string | null)[]> {
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  for await (const chunk of stream) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let nl: number;
    let start = 0;
    while ((nl = pending.indexOf('\n', start)) >= 0) {
      yield pending.slice(start, nl).split('\t').map(uncopyField);
      start = nl + 1;
    }
    pending = pending.slice(start);
  }
  pending += decoder.decode();
  if (pending !== '') yield pending.split('\t').map(uncopyField);
}
