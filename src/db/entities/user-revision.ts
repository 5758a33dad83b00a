import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** What a user revision records. Users have no restore (yet): create, update, delete. */
export const USER_REVISION_ACTIONS = ['create', 'update', 'delete'] as const;
export type UserRevisionAction = (typeof USER_REVISION_ACTIONS)[number];

/**
 * `user_revisions`: every change cabinet makes to a user (console, `cabinet users create|set|delete`,
 * `cabinet users import`), written in the same transaction as the change (src/services/user-service.ts,
 * src/services/transfer/user-transfer.ts), and only appended to. Designed as `site_revisions` is
 * (site-revision.ts):
 *
 * - `user_id` has no foreign key: a deleted user's history stays;
 * - `rev` numbers a user's revisions 1, 2, 3…; `version` is the row's version after the change (before it,
 *   for a delete): a row version above the last recorded one is a change made outside cabinet (a sign-in
 *   that moved `last_seen`, psql), which the history shows as a gap;
 * - `old_values` / `new_values` hold the whole row before and after, keyed by column name, times as export
 *   writes them (UTC, microseconds), so old → new reads exactly; `changed_fields` names the columns touched;
 * - `actor` is who and from where (`alice (sudo as root) from 100.101.102.103`), `created_at` when;
 * - append-only in the database: a trigger refuses UPDATE and DELETE for every role, the owner included.
 */
export const UserRevisionSchema = defineEntity({
  name: 'UserRevision',
  tableName: 'user_revisions',
  properties: {
    id: p.bigint('number').primary().autoincrement().fieldName('id'),
    userId: p.string().fieldName('user_id').columnType('text'),
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
  // Serves a user's history newest first (order by rev desc) as well as keeping rev unique per user.
  uniques: [{ name: 'user_revisions_user_id_rev_key', properties: ['userId', 'rev'] }],
  checks: [{ name: 'user_revisions_action_check', expression: `action in (${USER_REVISION_ACTIONS.map((a) => `'${a}'`).join(', ')})` }],
  triggers: [
    {
      name: 'append_only',
      timing: 'before',
      events: ['update', 'delete'],
      forEach: 'row',
      body: `raise exception 'user_revisions is append-only: % refused', tg_op using errcode = 'insufficient_privilege';`,
    },
  ],
});

export type UserRevision = InferEntity<typeof UserRevisionSchema>;
