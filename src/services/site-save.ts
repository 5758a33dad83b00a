import type { EntityManager } from '@mikro-orm/postgresql';
import type { FieldSpec } from '../schema/field-spec.ts';
import { SITE_SCHEMA, SITE_COLUMNS, EDITABLE_SITE_FIELDS, type EditableSiteField, type SiteFields } from '../schema/site-schema.ts';
import type { SiteRecord } from './types.ts';
import { fromSnapshot } from './site-revisions.ts';
import { holderOf, isLockWaitTimeout, lockedError, lockProbeSql } from './row-lock.ts';
import { oneTrip } from './queries/one-trip.ts';
import { toWriteError } from './write-errors.ts';

/**
 * A site edit in one round trip: BEGIN, the row lock, the update and its site_revisions row, COMMIT, all
 * written in one message (queries/one-trip.ts). The update and the revision are one statement: the row is
 * read FOR UPDATE, updated only when its version is still the one the edit began from (and, when a domain
 * needs the mixed-script confirmation, only when the domain is unchanged), and the revision records the
 * row before and after, as snapshots PostgreSQL builds in the form toSnapshot writes. The caller gets the
 * row before and after (or null): a stale or vanished row is told from these and explained by a second
 * round trip (the history it reads), never by a write.
 */
export interface SiteSave {
  siteId: string;
  fields: Partial<SiteFields>;
  /** Update only at this version; undefined: whatever the version (a forced or unversioned write). */
  expectedVersion: number | undefined;
  /** Update only while the domain is still this one (a new mixed-script domain not confirmed). */
  keepDomain: string | null;
  action: 'update' | 'restore';
  actor: string;
  note: string | null;
}

export interface SiteSaved {
  /** The row as locked, before the update; null when there is no such row. */
  before: SiteRecord | null;
  /** The row after the update; null when nothing was written. */
  after: SiteRecord | null;
  rev: number | null;
}

/** A time as JavaScript's toISOString writes it (milliseconds, Z); null when JavaScript cannot hold it. */
const msIso = (column: string) => `case when isfinite(${column}) then to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') end`;

function columnSql(f: FieldSpec, alias: string): string {
  const c = `${alias}.${f.column}`;
  if (f.kind === 'timestamp') return msIso(c);
  if (f.kind === 'integer') return c;
  return f.nullable ? c : `coalesce(${c}, '')`;
}

/** The sites row `alias` as a site_revisions snapshot: the same jsonb toSnapshot gives of its record. */
export function siteSnapshotSql(alias: string): string {
  return `jsonb_build_object(${SITE_SCHEMA.map((f) => `'${f.column}', ${columnSql(f, alias)}`).join(', ')})`;
}

/** The fields a save sets: the editable ones given. */
export function givenFields(fields: Partial<SiteFields>): EditableSiteField[] {
  return EDITABLE_SITE_FIELDS.filter((k) => k in fields && fields[k] !== undefined);
}

function saveSql(given: readonly EditableSiteField[]): string {
  const p = (i: number) => `$${7 + i}::text`;
  const set = given.map((k, i) => `${SITE_COLUMNS[k]} = ${p(i)}`).join(', ');
  const differs = given.map((k, i) => `s.${SITE_COLUMNS[k]} is distinct from ${p(i)}`).join(' or ');
  const changed = EDITABLE_SITE_FIELDS.map((k) => SITE_COLUMNS[k]).map((c) => `case when b.snap->'${c}' is distinct from u.snap->'${c}' then '${c}' end`);
  return `with b as (select ${siteSnapshotSql('s')} as snap, s.version from sites s where s.site_id = $1 for update),
    u as (update sites s set ${set} from b
           where s.site_id = $1 and ($2::int is null or b.version = $2::int)
             and ($6::text is null or s.domain is not distinct from $6::text) and (${differs})
       returning ${siteSnapshotSql('s')} as snap, s.version),
    r as (insert into site_revisions (site_id, rev, version, action, changed_fields, old_values, new_values, actor, note)
          select $1, coalesce((select max(x.rev) from site_revisions x where x.site_id = $1), 0) + 1, u.version, $3::text,
                 array_remove(array[${changed.join(', ')}]::text[], null), b.snap, u.snap, $4::text, $5::text
            from b, u
       returning rev)
    select (select snap from b) as before, (select snap from u) as after, (select rev from r) as rev`;
}

/**
 * Sends the save. The lock is probed first (who holds it, should the wait time out: lockedError) and taken
 * by a statement of its own, so the update's statement, taking its snapshot after the wait, sees the
 * revisions the previous holder committed and numbers its own after them.
 */
export async function saveSite(em: EntityManager, s: SiteSave, messages: Record<string, string>): Promise<SiteSaved> {
  const given = givenFields(s.fields);
  if (given.length === 0) throw new Error('saveSite needs a field to set');
  const { probe, holder } = lockProbeSql('sites', '$1');
  const id = [s.siteId];
  const params = [s.siteId, s.expectedVersion ?? null, s.action, s.actor, s.note, s.keepDomain, ...given.map((k) => s.fields[k])];
  const answers = await oneTrip(em, [
    { sql: probe, params: id },
    { sql: holder, params: id },
    { sql: 'select 1 from sites where site_id = $1 for update', params: id },
    { sql: saveSql(given), params },
  ]);
  const [probed, held, locked, saved] = answers;
  if (locked!.status === 'rejected' && isLockWaitTimeout(locked!.reason) && probed!.status === 'fulfilled' && probed!.value.rows.length === 0 && held!.status === 'fulfilled') {
    const who = holderOf(held!.value.rows);
    if (who) throw lockedError('site', s.siteId, who, locked!.reason);
  }
  const failed = answers.find((a) => a.status === 'rejected');
  if (failed) throw toWriteError(failed.reason, messages);
  const row = (saved as PromiseFulfilledResult<{ rows: { before: Record<string, unknown> | null; after: Record<string, unknown> | null; rev: number | null }[] }>).value.rows[0]!;
  return { before: fromSnapshot(row.before), after: fromSnapshot(row.after), rev: row.rev === null ? null : Number(row.rev) };
}
