import { isAscii } from 'node:buffer';
import { CabinetError } from '../../lib/errors.ts';
import { escapeJsonUnsafe } from '../../lib/json-text.ts';

/**
 * What import and export share: the record format (snake_case column names, as n8n and psql see them),
 * timestamps, the plan an import reports, and the error listing invalid rows.
 */

/**
 * A time as PostgreSQL reads it with a zone: ISO 8601 (`2026-11-23T10:00:00.123456Z`, any fraction, offsets
 * such as `+05:45` or `-03:30`), years past 9999, ` BC`, and `infinity` / `-infinity`. Export writes every
 * timestamptz the database holds in one of these forms, so a restore never refuses what it exported. A time
 * without a zone is refused: the server's TimeZone would decide what it means.
 */
const TIMESTAMP = /^(\d{4,})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2}){0,2})( BC)?$/i;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function checkTimestamp(value: unknown, key: string): { ok: true; value: string } | { ok: false; error: string } {
  if (typeof value !== 'string') return { ok: false, error: `${key} must be a string such as 2026-11-23T10:00:00Z` };
  const v = value.trim();
  if (/^[+-]?infinity$/i.test(v)) return { ok: true, value: v.toLowerCase().replace(/^\+/, '') };
  const m = TIMESTAMP.exec(v);
  const [year, month, day, hour, minute, second] = (m ?? []).slice(1, 7).map((x) => Number(x ?? 0));
  const leap = year! % 4 === 0 && (year! % 100 !== 0 || year! % 400 === 0);
  if (
    !m ||
    month! < 1 || month! > 12 ||
    day! < 1 || day! > (month === 2 && !leap ? 28 : DAYS_IN_MONTH[month! - 1]!) ||
    hour! > 24 || minute! > 59 || second! > 60
  ) {
    return { ok: false, error: `${key} is not an ISO 8601 time with a zone (e.g. 2026-11-23T10:00:00Z)` };
  }
  return { ok: true, value: v };
}

/**
 * The SQL that writes a timestamptz the way export does: UTC, microseconds, `Z` (and ` BC` before year 1);
 * `infinity` and `-infinity` as they are. Every value the column can hold comes back through import.
 */
export const isoSql = (column: string) =>
  `case when isfinite(${column}) then to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` +
  ` || case when ${column} < timestamptz '0001-01-01 00:00:00+00' then ' BC' else '' end else ${column}::text end`;

/**
 * The timestamp columns `keys` and `version` of an import record, checked (problems go to `errors`). A key
 * that is absent is not given; so is null for the keys in `nullable` (elsewhere null is an error). Any
 * version the column can hold is taken (psql may have written 0).
 */
export function readTimesAndVersion<K extends string>(
  value: Record<string, unknown>,
  keys: readonly K[],
  nullable: readonly K[],
  errors: string[],
): { times: Partial<Record<K, string>>; version: number | undefined } {
  const times: Partial<Record<K, string>> = {};
  for (const key of keys) {
    if (!(key in value) || (value[key] === null && nullable.includes(key))) continue;
    const r = checkTimestamp(value[key], key);
    if (r.ok) times[key] = r.value;
    else errors.push(r.error);
  }
  let version: number | undefined;
  if ('version' in value && value.version !== null) {
    if (typeof value.version === 'number' && Number.isSafeInteger(value.version) && value.version >= -(2 ** 31) && value.version <= 2 ** 31 - 1) version = value.version;
    else errors.push('version must be a whole number (a PostgreSQL int)');
  }
  return { times, version };
}

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
   * A row whose `version` is older than the row in the database and that changes a field someone else
   * changed since is refused (the one rule, services/three-way.ts); `force` writes the file's values anyway.
   */
  force?: boolean;
  /**
   * Called with the plan inside the transaction, before anything is written; returning false rolls back.
   * The CLI prints the plan and asks (or checks --yes) here.
   */
  confirm?: (plan: ImportPlan) => Promise<boolean>;
  /** Progress while reading and copying (rows so far). */
  onProgress?: (rows: number) => void;
  /**
   * A value imported as given that cabinet itself would not write (see as-given.ts), one call each, as the
   * rows are read.
   */
  onWarning?: (warning: ImportWarning) => void;
}

/** A value stored as the input gave it, though cabinet's validation would write it otherwise or not at all. */
export interface ImportWarning {
  where: string;
  message: string;
}

export interface ImportResult {
  plan: ImportPlan;
  applied: boolean;
  /** How many warnings onWarning was given. */
  warnings: number;
}

/** COPY text format: backslash, tab, newline and carriage return escaped; NULL as \N. */
export function copyField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  return String(value).replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

const COPY_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** Undoes COPY text format's escaping of a field (PostgreSQL writes only these escapes for UTF-8 text). */
function uncopyText(text: string): string {
  return text.includes('\\') ? text.replace(/\\(.)/gs, (_, c: string) => COPY_ESCAPES[c] ?? c) : text;
}

/** How a column's COPY text becomes a JSON value. */
export type JsonColumnKind = 'text' | 'integer' | 'timestamptz';

const ZEROS = '000000';

/**
 * A timestamptz from COPY (session in UTC, DateStyle ISO: `2026-01-02 03:04:05.5+00`) the way export writes
 * times: UTC, microseconds, `Z` (what `isoSql` gives). Checked by position rather than a regular expression
 * first: it runs a million times. Years past 9999, BC and infinite times take the slower path, still in the
 * form `isoSql` writes, so an import takes every value back.
 */
function isoFromCopy(text: string): string {
  const n = text.length;
  if (n >= 22 && n <= 29 && text.charCodeAt(4) === 45 && text.charCodeAt(10) === 32 && text.endsWith('+00') && (n === 22 || text.charCodeAt(19) === 46)) {
    const fraction = n === 22 ? '' : text.slice(20, n - 3);
    return `${text.slice(0, 10)}T${text.slice(11, 19)}.${fraction}${ZEROS.slice(fraction.length)}Z`;
  }
  const m = /^(\d{4,}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))?\+00( BC)?$/.exec(text);
  if (m) return `${m[1]}T${m[2]}.${(m[3] ?? '') + ZEROS.slice((m[3] ?? '').length)}Z${m[4] ?? ''}`;
  return text; // infinity, -infinity
}

/**
 * Turns the rows of `COPY (select <columns>) TO STDOUT` (text format; the session's TimeZone UTC and
 * DateStyle ISO) into the export's JSON text, NDJSON or one array, exactly as `jsonText` writes the same
 * records: keys in the given order, values escaped by JSON.stringify, terminal-unsafe characters escaped.
 * Each row becomes a string directly (no object per row, no generic JSON walk), which is what lets a
 * million users export at close to `psql \\copy` speed. Chunks end anywhere: a partial line waits.
 */
export async function* copyRowsAsJson(
  stream: AsyncIterable<Buffer>,
  columns: readonly (readonly [key: string, kind: JsonColumnKind])[],
  format: 'ndjson' | 'array',
): AsyncGenerator<{ text: string; rows: number }> {
  const pretty = format === 'array';
  const labels = columns.map(([key], i) => `${i === 0 ? '{' : ','}${pretty ? '\n    ' : ''}${JSON.stringify(key)}:${pretty ? ' ' : ''}`);
  const kinds = columns.map(([, kind]) => kind);
  const close = pretty ? '\n  }' : '}\n';
  const value = (field: string, kind: JsonColumnKind): string => {
    if (field === '\\N') return 'null';
    if (kind === 'integer') return field;
    if (kind === 'timestamptz') {
      return `"${isoFromCopy(field)}"`;
    }
    return JSON.stringify(uncopyText(field));
  };
  let total = 0;
  const emit = (lines: string, unsafe: boolean): { text: string; rows: number } => {
    let text = '';
    let rows = 0;
    for (let start = 0; start <= lines.length; rows++) {
      let end = lines.indexOf('\n', start);
      if (end < 0) end = lines.length;
      if (pretty) text += total + rows === 0 ? '[\n  ' : ',\n  ';
      let from = start;
      for (let i = 0; i < labels.length; i++) {
        let to = from > end ? end : lines.indexOf('\t', from);
        if (to < 0 || to > end) to = end;
        text += labels[i]! + (from > end ? 'null' : value(lines.slice(from, to), kinds[i]!));
        from = to + 1;
      }
      text += close;
      start = end + 1;
    }
    total += rows;
    return { text: unsafe ? escapeJsonUnsafe(text) : text, rows };
  };
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  let pendingUnsafe = false;
  for await (const chunk of stream) {
    // Only a chunk with non-ASCII bytes or DEL can hold a character a terminal acts on.
    const unsafe: boolean = pendingUnsafe || !isAscii(chunk) || chunk.includes(0x7f);
    pending += decoder.decode(chunk, { stream: true });
    const last = pending.lastIndexOf('\n');
    if (last < 0) {
      pendingUnsafe = unsafe;
      continue;
    }
    const lines = pending.slice(0, last);
    pending = pending.slice(last + 1);
    pendingUnsafe = unsafe && pending !== '';
    yield emit(lines, unsafe);
  }
  pending += decoder.decode();
  if (pending !== '') yield emit(pending, true);
  if (pretty) yield { text: total === 0 ? '[]\n' : '\n]\n', rows: 0 };
}
