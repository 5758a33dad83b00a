import type { EntityManager } from '@mikro-orm/postgresql';
import type { UserRecord } from './types.ts';
import { EDITABLE_USER_FIELDS, USER_FIELD, USER_SCHEMA, type EditableUserField, type UserFields } from '../schema/user-schema.ts';
import { recordFromRow } from '../schema/record-mapper.ts';
import { insertUserRevisionsSql, userSnapshotSql } from './user-revisions.ts';
import { holderOf, isLockWaitTimeout, lockedError, lockProbeSql } from './row-lock.ts';
import { oneTrip } from './queries/one-trip.ts';
import { toWriteError } from './write-errors.ts';

/**
 * A user edit in one round trip, as site-save.ts does it for sites: BEGIN, the lock probe, the row lock, one
 * statement that reads the row FOR UPDATE, updates it only at the expected version and records the
 * user_revisions row (insertUserRevisionsSql, the same one import uses), COMMIT, written in one message.
 * A time counts as changed when it differs to the millisecond (what the console holds); an unchanged one
 * keeps its microseconds.
 */
export interface UserSave {
  userId: string;
  fields: Partial<UserFields>;
  /** Update only at this version; undefined: whatever the version. */
  expectedVersion: number | undefined;
  actor: string;
  note: string | null;
}

export interface UserSaved {
  before: UserRecord | null;
  after: UserRecord | null;
  rev: number | null;
}

type Editable = EditableUserField;
const SPEC = (k: Editable) => USER_FIELD[k];

function saveSql(given: readonly Editable[]): string {
  const p = (k: Editable, i: number) => `$${5 + i}::${SPEC(k).kind === 'timestamp' ? 'timestamptz' : SPEC(k).kind === 'integer' ? 'int' : 'text'}`;
  const now = (k: Editable) => (SPEC(k).kind === 'timestamp' ? `date_trunc('milliseconds', s.${SPEC(k).column})` : `s.${SPEC(k).column}`);
  const differs = (k: Editable, i: number) => `${now(k)} is distinct from ${p(k, i)}`;
  const set = given.map((k, i) => `${SPEC(k).column} = case when ${differs(k, i)} then ${p(k, i)} else s.${SPEC(k).column} end`).join(', ');
  const cols = USER_SCHEMA.map((f) => f.column);
  const of = (alias: string) => cols.map((c) => `${alias}.${c}`).join(', ');
  return `with b as (select ${of('s')}, ${userSnapshotSql('s')} as snap from users s where s.user_id = $1 for update),
    u as (update users s set ${set} from b
           where s.user_id = $1 and ($2::int is null or b.version = $2::int) and (${given.map(differs).join(' or ')})
       returning ${of('s')}, ${userSnapshotSql('s')} as snap),
    r as (${insertUserRevisionsSql(`(select $1::text as user_id, 'update'::text as action, b.snap as old, u.snap as new, $3::text as actor, $4::text as note from b, u) c`)}
       returning rev)
    select 'before' as side, ${of('b')}, null::int as rev from b
    union all select 'after', ${of('u')}, (select rev from r) from u`;
}

type Row = Record<string, unknown> & { side: 'before' | 'after'; rev: number | null };

const record = (r: Row): UserRecord => recordFromRow<UserRecord>(USER_SCHEMA, r);

/** The fields a save sets: the editable ones given. */
export function givenUserFields(fields: Partial<UserFields>): Editable[] {
  return EDITABLE_USER_FIELDS.filter((k) => fields[k] !== undefined);
}

export async function saveUser(em: EntityManager, s: UserSave): Promise<UserSaved> {
  const given = givenUserFields(s.fields);
  if (given.length === 0) throw new Error('saveUser needs a field to set');
  const { probe, holder } = lockProbeSql('users', '$1');
  const id = [s.userId];
  const answers = await oneTrip(em, [
    { sql: probe, params: id },
    { sql: holder, params: id },
    { sql: 'select 1 from users where user_id = $1 for update', params: id },
    { sql: saveSql(given), params: [s.userId, s.expectedVersion ?? null, s.actor, s.note, ...given.map((k) => s.fields[k])] },
  ]);
  const [probed, held, locked, saved] = answers;
  if (locked!.status === 'rejected' && isLockWaitTimeout(locked!.reason) && probed!.status === 'fulfilled' && probed!.value.rows.length === 0 && held!.status === 'fulfilled') {
    const who = holderOf(held!.value.rows);
    if (who) throw lockedError('user', s.userId, who, locked!.reason);
  }
  const failed = answers.find((a) => a.status === 'rejected');
  if (failed) throw toWriteError(failed.reason, {});
  const rows = (saved as PromiseFulfilledResult<{ rows: Row[] }>).value.rows;
  const before = rows.find((r) => r.side === 'before');
  const after = rows.find((r) => r.side === 'after');
  return { before: before ? record(before) : null, after: after ? record(after) : null, rev: after?.rev ?? null };
}
