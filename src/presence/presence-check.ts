import type { SqlClient } from '../db/sql-client.ts';

/** `cabinet doctor`'s presence line: what this role sees of other consoles' edits (README: Presence). */
export async function presenceCheck(client: SqlClient): Promise<{ id: string; title: string; status: 'ok' | 'warn'; detail: string; fix?: string }> {
  const { rows } = await client.query<{ role: string; all: boolean; track: string }>(
    `select current_user as role, (select rolsuper from pg_catalog.pg_roles where rolname = current_user) or pg_catalog.pg_has_role(current_user, 'pg_read_all_stats', 'member') as all,
      current_setting('track_activities') as track`,
  );
  const { role, all, track } = rows[0]!;
  const base = { id: 'presence', title: 'presence' };
  if (track !== 'on') {
    return {
      ...base,
      status: 'warn',
      detail: 'track_activities is off: other consoles show by name and origin cut to 63 ASCII characters (application_name), never in full',
      fix: 'set track_activities = on (the default) in postgresql.conf',
    };
  }
  if (all) return { ...base, status: 'ok', detail: `role ${role} sees who edits what in full, for consoles of every role` };
  return {
    ...base,
    status: 'ok',
    detail: `consoles of role ${role} show in full; those of other roles by name and origin cut to 63 ASCII characters (application_name): grant pg_read_all_stats to ${role} for them in full`,
  };
}
