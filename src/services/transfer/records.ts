import { CabinetError } from '../../lib/errors.ts';

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

/** The fields of the form export writes (`2026-11-23T10:00:00.123456Z`), read by position: a million rows pass here. */
const EXPORT_FORM = [4, 45, 7, 45, 10, 84, 13, 58, 16, 58, 19, 46] as const;
function exportForm(v: string): number[] | undefined {
  if (v.length !== 27 || v.charCodeAt(26) !== 90) return undefined;
  for (let k = 0; k < EXPORT_FORM.length; k += 2) if (v.charCodeAt(EXPORT_FORM[k]!) !== EXPORT_FORM[k + 1]) return undefined;
  for (let i = 0; i < 26; i++) {
    const c = v.charCodeAt(i);
    if ((c < 48 || c > 57) && i !== 4 && i !== 7 && i !== 10 && i !== 13 && i !== 16 && i !== 19) return undefined;
  }
  // The digits were checked above: read them as numbers without cutting strings (5 million calls a million users).
  const d = (at: number) => v.charCodeAt(at) - 48;
  const two = (at: number) => d(at) * 10 + d(at + 1);
  return [two(0) * 100 + two(2), two(5), two(8), two(11), two(14), two(17)];
}

/** The export form, digits where digits go (one regex test is cheaper than exportForm's loop). */
const EXPORT_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

/**
 * Whether PostgreSQL writes `v` back exactly as given (isoSql): the export form of a time that exists as
 * written (no 24:00, no leap second, a real day), year 1 or later. Such a value can stand in for isoSql's.
 */
export function writtenBack(v: string): boolean {
  if (v.length !== 27 || !EXPORT_TIME.test(v)) return false;
  const two = (at: number) => (v.charCodeAt(at) - 48) * 10 + v.charCodeAt(at + 1) - 48;
  const year = two(0) * 100 + two(2);
  const month = two(5);
  const day = two(8);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= (month === 2 && !leap ? 28 : DAYS_IN_MONTH[month - 1]!) && two(11) <= 23 && two(14) <= 59 && two(17) <= 59;
}

export function checkTimestamp(value: unknown, key: string): { ok: true; value: string } | { ok: false; error: string } {
  if (typeof value !== 'string') return { ok: false, error: `${key} must be a string such as 2026-11-23T10:00:00Z` };
  const fast = exportForm(value);
  const v = fast ? value : value.trim();
  if (!fast && /^[+-]?infinity$/i.test(v)) return { ok: true, value: v.toLowerCase().replace(/^\+/, '') };
  const m = fast ? [] : TIMESTAMP.exec(v);
  const [year, month, day, hour, minute, second] = fast ?? (m ?? []).slice(1, 7).map((x) => Number(x ?? 0));
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
  // A million records pass here, nearly all without one: no array unless there is one.
  let unknown: string[] | undefined;
  for (const k in value) if (Object.hasOwn(value, k) && !known.includes(k)) (unknown ??= []).push(k);
  return unknown ?? [];
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
  /** What the write will hold beyond the rows it writes, in one line (users: the whole table, when it is empty). */
  locks?: string;
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
  /** A line about how the write went, when it differs from what the plan said it would do. */
  note?: string;
}

const COPY_SPECIAL = /[\\\t\n\r]/;
/** COPY text format: backslash, tab, newline and carriage return escaped; NULL as \N. */
export function copyField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return String(value);
  // Most values have nothing to escape: a test is cheaper than a replace with a callback.
  if (!COPY_SPECIAL.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}
