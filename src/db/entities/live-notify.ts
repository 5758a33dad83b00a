/**
 * The AFTER trigger on `sites` and `users` that tells open consoles a row changed (issue #14): one
 * `pg_notify('cabinet_live', …)` per written row, whoever wrote it (psql, n8n, another cabinet). The payload
 * is `{"table","id","version"}` only, never the row: a prompt never travels to listeners, and NOTIFY's
 * 8000-byte payload limit cannot make a write fail (an id over 1000 bytes is sent as null, meaning "some
 * row of this table").
 *
 * A statement writing many rows (an import) notifies the first 100 of them by id and then once for the
 * table (id null): listeners refresh what they show either way, and a million-row import does not queue a
 * million notifications. The count lives in a transaction-local setting (`set_config(…, true)`), so nothing
 * outlives the transaction. This is cabinet's bookkeeping on the spec's tables; n8n's SELECT is untouched.
 *
 * On `users` the trigger does not fire inside a transaction that set `cabinet.bulk_write` to `on` (`set local`):
 * `cabinet users import` does, and sends the one table notice itself (bulkWriteNotice), instead of the trigger
 * running 300k times for what listeners hear as one refresh. Every other writer (n8n, psql) fires it as before.
 */
export const LIVE_CHANNEL = 'cabinet_live';
export const LIVE_ROWS_BY_ID = 100;
/** The transaction-local setting a bulk write sets to `on` to silence the per-row users trigger. */
export const BULK_WRITE_SETTING = 'cabinet.bulk_write';

/** The notice a bulk write sends for `table` (the one the trigger sends past LIVE_ROWS_BY_ID rows): `select` it. */
export const bulkWriteNotice = (table: 'sites' | 'users') =>
  `pg_notify('${LIVE_CHANNEL}', json_build_object('table', '${table}', 'id', null, 'version', null)::text)`;

export function liveNotifyTrigger(table: 'sites' | 'users', idColumn: 'site_id' | 'user_id') {
  const counter = `cabinet.live_${table}`;
  const count = `coalesce(nullif(current_setting('${counter}', true), ''), '0')::int`;
  const payload = (row: 'old' | 'new') =>
    `json_build_object('table', '${table}', 'id', case when octet_length(${row}.${idColumn}) <= 1000 then ${row}.${idColumn} end, 'version', ${row}.version)::text`;
  return {
    name: 'live_notify',
    timing: 'after' as const,
    events: ['insert' as const, 'update' as const, 'delete' as const],
    forEach: 'row' as const,
    // Written as PostgreSQL prints it back (information_schema), so the schema diff sees no change.
    ...(table === 'users' ? { when: `(current_setting('${BULK_WRITE_SETTING}'::text, true) IS DISTINCT FROM 'on'::text)` } : {}),
    body:
      `if ${count} >= ${LIVE_ROWS_BY_ID} then perform ${bulkWriteNotice(table)}; return null; end if; ` +
      `perform set_config('${counter}', (${count} + 1)::text, true); ` +
      `if tg_op = 'DELETE' then perform pg_notify('${LIVE_CHANNEL}', ${payload('old')}); else perform pg_notify('${LIVE_CHANNEL}', ${payload('new')}); end if; return null;`,
  };
}
