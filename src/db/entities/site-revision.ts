import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** What a revision records. `restore` writes an older revision's values back (itself a new revision). */
export const REVISION_ACTIONS = ['create', 'update', 'delete', 'restore'] as const;
export type RevisionAction = (typeof REVISION_ACTIONS)[number];

/**
 * `site_revisions`: the history of every change cabinet makes to a site, written in the same transaction as
 * the change (src/services/site-service.ts), and only appended to.
 *
 * - `site_id` has no foreign key: a deleted site's history stays (and lets it be restored);
 * - `rev` numbers a site's revisions 1, 2, 3… (what `cabinet sites restore ID --to REV` names); it keeps
 *   counting across a delete and re-create of the same id. `version` is the site row's `version` after the
 *   change (before it, for a delete): a row version above the last recorded one means someone changed the
 *   row outside cabinet, which the history shows as a gap;
 * - `old_values` / `new_values` hold the whole row before and after (keyed by column name, as psql shows it),
 *   not only the changed fields, so a revision can be restored and diffed on its own even when changes made
 *   outside cabinet happened in between; `changed_fields` names the columns this change touched;
 * - append-only in the database: a trigger refuses UPDATE and DELETE for every role, the table owner
 *   included (a REVOKE would not bind the owner, and cabinet's migrate role usually is the owner). Pruning
 *   history is deliberately a DBA's act (`alter table site_revisions disable trigger append_only`).
 */
export const SiteRevisionSchema = defineEntity({
  name: 'SiteRevision',
  tableName: 'site_revisions',
  properties: {
    id: p.bigint('number').primary().autoincrement().fieldName('id'),
    siteId: p.string().fieldName('site_id').columnType('text'),
    rev: p.integer().fieldName('rev'),
    version: p.integer().fieldName('version').nullable(),
    action: p.string().fieldName('action').columnType('text'),
    changedFields: p.array().fieldName('changed_fields').columnType('text[]'),
    oldValues: p.json<Record<string, unknown>>().fieldName('old_values').columnType('jsonb').nullable(),
    newValues: p.json<Record<string, unknown>>().fieldName('new_values').columnType('jsonb').nullable(),
    actor: p.string().fieldName('actor').columnType('text'),
    note: p.string().fieldName('note').columnType('text').nullable(),
    createdAt: p.datetime().fieldName('created_at').columnType('timestamptz').defaultRaw('now()'),
  },
  // Serves a site's history newest first (order by rev desc) as well as keeping rev unique per site.
  uniques: [{ name: 'site_revisions_site_id_rev_key', properties: ['siteId', 'rev'] }],
  checks: [{ name: 'site_revisions_action_check', expression: `action in (${REVISION_ACTIONS.map((a) => `'${a}'`).join(', ')})` }],
  triggers: [
    {
      name: 'append_only',
      timing: 'before',
      events: ['update', 'delete'],
      forEach: 'row',
      body: `raise exception 'site_revisions is append-only: % refused', tg_op using errcode = 'insufficient_privilege';`,
    },
  ],
});

export type SiteRevision = InferEntity<typeof SiteRevisionSchema>;
