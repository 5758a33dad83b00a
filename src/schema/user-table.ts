import * as rules from './field-rules.ts';
import type { FieldSpec } from './field-spec.ts';

/**
 * `users`, one row per field, in the order the detail view, the CLI and export show them. A new column of
 * `users` is one row here, plus its migration, its property in db/entities/user.ts and the demo users;
 * `console.edit` puts it in the user edit form, `sort` in the list's orders, `list` in the CLI's list,
 * `names` in the one-line summaries of a user (history's create and delete lines, the delete question).
 * test/schema/user-schema.test.ts walks every place a user field must appear, and
 * test/schema/user-schema-extended.test.ts adds a row here and edits it in the console.
 */
export const USER_SCHEMA = [
  {
    name: 'userId',
    column: 'user_id',
    kind: 'line',
    role: 'identity',
    label: 'user id',
    hint: 'the Zitadel sub',
    rule: rules.userId,
    console: { column: { priority: 9, flex: 2, min: 10 }, create: true },
    sort: { rank: 4 },
    list: { header: 'USER ID' },
    cli: { arg: 'ID', help: ['the Zitadel sub, instead of the positional USER_ID'] },
  },
  {
    name: 'email',
    column: 'email',
    kind: 'line',
    role: 'field',
    label: 'email',
    hint: 'name@example.com',
    names: true,
    rule: rules.email,
    console: { column: { priority: 8, flex: 3, min: 14 }, create: true, edit: true },
    sort: { rank: 3 },
    list: { header: 'EMAIL', truncate: true },
    cli: { arg: 'EMAIL', help: ['the address (required for a new user)'] },
  },
  {
    name: 'firstSeen',
    column: 'first_seen',
    kind: 'timestamp',
    role: 'field',
    label: 'first seen',
    hint: 'ISO 8601; default now',
    default: 'now',
    rule: rules.timestamp,
    console: { column: { priority: 3, width: 16, optional: true }, create: true },
    sort: { rank: 2, descending: true },
    list: { header: 'FIRST SEEN', drop: 1 },
    cli: { arg: 'TIME', help: ['ISO 8601, e.g. 2026-11-23T10:00:00Z (create: default now)'] },
  },
  {
    name: 'lastSeen',
    column: 'last_seen',
    kind: 'timestamp',
    role: 'field',
    label: 'last seen',
    hint: 'ISO 8601; default the first-seen time',
    default: 'firstSeen',
    rule: rules.timestamp,
    console: { column: { priority: 7, width: 16 } },
    // The list's first order, paged by the keyset (last_seen, user_id) that users_last_seen_user_id_idx serves.
    sort: { rank: 1, descending: true },
    list: { header: 'LAST SEEN' },
    cli: { arg: 'TIME', help: ['(create: default the first-seen time)'] },
  },
  /** Row version (trigger-maintained, as for sites); pass it back as `expectedVersion`. */
  { name: 'version', column: 'version', kind: 'integer', role: 'bookkeeping', label: 'version' },
  { name: 'updatedAt', column: 'updated_at', kind: 'timestamp', role: 'bookkeeping', label: 'updated' },
] as const satisfies readonly FieldSpec[];
