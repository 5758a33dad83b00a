import { usageError } from '../lib/errors.ts';

/**
 * The settings every statement cabinet runs sees, whatever the server, the database (`ALTER DATABASE … SET`)
 * or the role say. The driver parses timestamps in ISO DateStyle only; unqualified table names must reach
 * cabinet's own tables in `public` (the spec and n8n name them plainly), not a `sites` in a schema someone put
 * first in the path; literals the ORM inlines assume standard strings.
 *
 * They are applied with `SET LOCAL` at the start of every transaction (src/db/pg-client.ts), never as startup
 * parameters (PgBouncer refuses those it does not know) nor as session SETs (a transaction pooler hands the
 * server connection to someone else after each transaction, with our settings still on it).
 */
export const SESSION_SETTINGS: Readonly<Record<string, string>> = {
  DateStyle: 'ISO, MDY',
  IntervalStyle: 'postgres',
  TimeZone: 'UTC',
  search_path: 'public',
  standard_conforming_strings: 'on',
  extra_float_digits: '1',
  bytea_output: 'hex',
};

export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

/** `set local …` for each setting and the statement timeout, as one simple-protocol string (values are ours). */
export function settingsSql(statementTimeoutMs: number): string {
  const sets = Object.entries(SESSION_SETTINGS).map(([name, value]) => `set local ${name} = '${value}'`);
  sets.push(`set local statement_timeout = ${Math.max(0, Math.trunc(statementTimeoutMs))}`);
  return sets.join('; ');
}

/**
 * CABINET_STATEMENT_TIMEOUT as PostgreSQL writes a duration (`30s`, `500ms`, `2min`; a bare number is
 * milliseconds; 0 waits forever), else 30 s. A write blocked by a row lock gives up after this long.
 */
export function statementTimeoutFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.CABINET_STATEMENT_TIMEOUT?.trim();
  if (raw === undefined || raw === '') return DEFAULT_STATEMENT_TIMEOUT_MS;
  const m = /^(\d+)\s*(ms|s|min)?$/i.exec(raw);
  if (!m) throw usageError(`CABINET_STATEMENT_TIMEOUT is not a duration: "${raw}"`, 'for example 30s, 500ms or 2min; 0 for no limit');
  const unit = (m[2] ?? 'ms').toLowerCase();
  return Number(m[1]) * (unit === 'min' ? 60_000 : unit === 's' ? 1000 : 1);
}
