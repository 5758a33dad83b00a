import type { EntityManager } from '@mikro-orm/postgresql';
import { SiteRevisionSchema, type RevisionAction, type SiteRevision } from '../db/entities/index.ts';
import type { RevisionAction as ServiceRevisionAction, RevisionEntry, SiteRecord } from './types.ts';
import { EDITABLE_SITE_FIELDS, SITE_COLUMNS, type EditableSiteField } from '../schema/site-schema.ts';
import { siteFromRow, siteSnapshotOf } from '../schema/site-record.ts';

// types.ts repeats the actions so the console needs no entity import; this line fails to compile if they drift.
const actionsAgree: [RevisionAction, ServiceRevisionAction] extends [ServiceRevisionAction, RevisionAction] ? true : never = true;
void actionsAgree;

export { EDITABLE_SITE_FIELDS, SITE_COLUMNS, type EditableSiteField };

/**
 * The site_revisions log as the services write and read it. A snapshot is the whole row keyed by column
 * name (what a DBA sees with `select new_values->>'ai_prompt' from site_revisions`), dates as ISO strings.
 */
const FIELD_OF = new Map(Object.entries(SITE_COLUMNS).map(([field, column]) => [column, field as keyof SiteRecord]));

export type SiteSnapshot = Record<string, string | number | null>;

export function toSnapshot(record: SiteRecord): SiteSnapshot {
  return siteSnapshotOf(record);
}

export function fromSnapshot(snapshot: Record<string, unknown> | null | undefined): SiteRecord | null {
  if (!snapshot) return null;
  // Snapshots older than the row-version migration have no updated_at: the row was last changed when created.
  return siteFromRow({ ...snapshot, updated_at: snapshot.updated_at ?? snapshot.created_at });
}

/** Editable fields whose values differ between two states (a missing side differs in every field). */
export function changedFields(a: SiteRecord | null, b: SiteRecord | null): EditableSiteField[] {
  if (!a && !b) return [];
  return EDITABLE_SITE_FIELDS.filter((f) => !a || !b || a[f] !== b[f]);
}

export interface NewRevision {
  siteId: string;
  action: RevisionAction;
  /** The row before the change (null for a create) and after it (null for a delete), as read in the transaction. */
  before: SiteRecord | null;
  after: SiteRecord | null;
  actor: string;
  note: string | null;
}

/**
 * What a revision records as changed: a create lists the fields it set (not blank), a delete none, any
 * other change the fields whose values differ.
 */
export function revisionChangedFields(before: SiteRecord | null, after: SiteRecord | null): EditableSiteField[] {
  if (!after) return [];
  if (!before) return EDITABLE_SITE_FIELDS.filter((f) => after[f] !== null && after[f] !== '');
  return changedFields(before, after);
}

/**
 * Records one change of a site: the one function every write path calls (OrmSiteService's edits, deletes
 * and restores, and `sites import`'s raw-SQL writes), inside the caller's transaction (`em` is the
 * transactional fork). The version and the changed fields are derived from `before` and `after`, so no
 * caller can record them differently. Call it after the row was written: the row lock taken by that
 * write serialises the `max(rev) + 1` of concurrent writers.
 */
export async function appendRevision(em: EntityManager, r: NewRevision): Promise<number> {
  const [last] = await em
    .getConnection()
    .execute<{ rev: number }[]>(`select coalesce(max(rev), 0)::int as rev from site_revisions where site_id = ?`, [r.siteId], 'all', em.getTransactionContext());
  const rev = (last?.rev ?? 0) + 1;
  em.create(SiteRevisionSchema, {
    siteId: r.siteId,
    rev,
    // The row's version after the change (before it, for a delete).
    version: r.after?.version ?? r.before?.version ?? null,
    action: r.action,
    changedFields: revisionChangedFields(r.before, r.after).map((f) => SITE_COLUMNS[f]),
    oldValues: r.before ? toSnapshot(r.before) : null,
    newValues: r.after ? toSnapshot(r.after) : null,
    actor: r.actor,
    note: r.note,
  } as never);
  await em.flush();
  return rev;
}

export function toRevisionEntry(row: SiteRevision): RevisionEntry {
  return {
    kind: 'revision',
    rev: row.rev,
    action: row.action as RevisionAction,
    version: row.version ?? null,
    changed: (row.changedFields as string[]).map((c) => FIELD_OF.get(c)).filter((f): f is keyof SiteRecord => f !== undefined),
    before: fromSnapshot(row.oldValues),
    after: fromSnapshot(row.newValues),
    actor: row.actor,
    note: row.note ?? null,
    at: new Date(row.createdAt),
  };
}

/** The latest delete revision of a site, if its last revision is one (who deleted it, when). */
export async function lastRevision(em: EntityManager, siteId: string): Promise<RevisionEntry | null> {
  const row = await em.findOne(SiteRevisionSchema, { siteId }, { orderBy: { rev: 'desc' } });
  return row ? toRevisionEntry(row) : null;
}

/**
 * The row as it was at `version` (of the incarnation created at `createdAt`), from any revision that saw
 * it: the state after a cabinet change, or the state a later change started from (which covers versions
 * written outside cabinet). Null when no revision saw that version.
 */
export async function stateAtVersion(em: EntityManager, siteId: string, version: number, createdAt: Date): Promise<SiteRecord | null> {
  const rows = await em
    .getConnection()
    .execute<{ old_values: Record<string, unknown> | null; new_values: Record<string, unknown> | null }[]>(
      `select old_values, new_values from site_revisions
        where site_id = ? and ((new_values->>'version')::int = ? or (old_values->>'version')::int = ?)
        order by rev desc limit 4`,
      [siteId, version, version],
      'all',
      em.getTransactionContext(),
    );
  for (const row of rows) {
    for (const snapshot of [row.new_values, row.old_values]) {
      const record = fromSnapshot(snapshot);
      if (record && record.version === version && record.createdAt.getTime() === createdAt.getTime()) return record;
    }
  }
  return null;
}
