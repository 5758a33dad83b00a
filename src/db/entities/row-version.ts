/**
 * The BEFORE UPDATE trigger shared by `sites` and `users`: every write that changes a row, from cabinet or
 * from anyone else (psql, n8n, a future admin panel), bumps `version` by one and sets `updated_at`. cabinet
 * compares versions to refuse stale saves, and the history shows a version it has no revision for as a
 * change made outside cabinet.
 *
 * The trigger ignores whatever `version` the statement set (MikroORM sets `version + 1`; a psql user might
 * set anything), so versions only ever grow. An UPDATE that changes nothing (`set x = x`) is not a change
 * and bumps nothing (the WHEN clause). MikroORM creates it as `<table>_bump_version_fn()` plus the trigger.
 */
export const bumpVersionTrigger = {
  name: 'bump_version',
  timing: 'before' as const,
  events: ['update' as const],
  forEach: 'row' as const,
  // Written as PostgreSQL prints it back (information_schema), so the schema diff sees no change.
  when: '(old.* IS DISTINCT FROM new.*)',
  body: 'new.version := old.version + 1; new.updated_at := now(); return new;',
};
