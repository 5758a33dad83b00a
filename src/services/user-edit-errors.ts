import type { SqlQuery } from '../db/sql-query.ts';
import { sanitizeLine } from '../lib/sanitize.ts';
import { USER_SCHEMA } from '../schema/user-schema.ts';
import { changedByText, GoneError, StaleEditError, type ChangedBy } from './edit-errors.ts';
import type { UserRecord, UserSnapshot } from './types.ts';
import { changedUserColumns, userSnapshotSql } from './user-revisions.ts';

/**
 * The refusals of a user write, built once with what the person needs (as sites' are): who wrote the row
 * now there (from user_revisions, else "outside cabinet": a sign-in, psql, n8n), when, and which fields
 * moved since the edit began; who deleted a vanished row, and when. One round trip: both reads at once.
 */
interface LastRow {
  version: number | null;
  action: 'create' | 'update' | 'delete';
  actor: string;
  created_at: Date | string;
}

const BY_COLUMN = new Map<string, (typeof USER_SCHEMA)[number]>(USER_SCHEMA.map((f) => [f.column, f]));

async function lastRevision(query: SqlQuery, userId: string): Promise<LastRow | null> {
  const [row] = await query<LastRow>('select version, action, actor, created_at from user_revisions where user_id = $1 order by rev desc limit 1', [userId]);
  return row ? { ...row, version: row.version === null ? null : Number(row.version) } : null;
}

export async function userStaleError(query: SqlQuery, userId: string, expectedVersion: number, theirs: UserRecord): Promise<StaleEditError<UserRecord>> {
  const [last, states] = await Promise.all([
    lastRevision(query, userId),
    query<{ base: UserSnapshot | null; now: UserSnapshot | null }>(
      `select (select r.new_values from user_revisions r where r.user_id = $1 and r.version = $2 and r.action <> 'delete' order by r.rev desc limit 1) as base,
        (select ${userSnapshotSql('u')} from users u where u.user_id = $1) as now`,
      [userId, expectedVersion],
    ),
  ]);
  const changedBy: ChangedBy = last && last.action !== 'delete' && last.version === theirs.version ? { actor: last.actor } : 'outside';
  const [state] = states;
  const moved = state?.base && state.now ? changedUserColumns(state.base, state.now).map((c) => BY_COLUMN.get(c)!) : null;
  const what = moved ? `; they changed ${moved.length > 0 ? moved.map((f) => f.label).join(', ') : 'no field (only the version moved)'}` : '';
  return new StaleEditError<UserRecord>(
    `user ${sanitizeLine(userId)} was changed ${changedByText(changedBy)} at ${theirs.updatedAt.toISOString()} since your edit began (version ${expectedVersion}, now ${theirs.version})${what}; nothing was saved`,
    { entity: 'user', id: userId, expectedVersion, theirs, changedBy, base: null, changedUnderneath: moved ? moved.map((f) => f.name) : null },
  );
}

export async function userGoneError(query: SqlQuery, userId: string): Promise<GoneError> {
  const last = await lastRevision(query, userId);
  // No rev: users have no restore, so the error must not offer one.
  if (last?.action === 'delete') return new GoneError({ entity: 'user', id: userId, deletedBy: last.actor, deletedAt: new Date(last.created_at) });
  return new GoneError({ entity: 'user', id: userId, history: last ? 'outside' : 'never' });
}
