import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { bumpVersionTrigger } from './row-version.ts';
import type { UserRecord } from '../../schema/user-schema.ts';
import { liveNotifyTrigger } from './live-notify.ts';

/**
 * `users`: the master list of users; `user_id` is Zitadel's `sub` and links a user across services.
 *
 * Choices beyond the spec, and why:
 * - `email` is required (every Zitadel user has one) but not unique: one address may sign in through two
 *   Zitadel organisations, and the `sub` is the identity. Searching by email uses an index on
 *   `lower(email)` with `text_pattern_ops`, so a case-insensitive prefix search (`^` in the filter) never
 *   scans the table; `lower(user_id)` with `text_pattern_ops` does the same for ids whatever the collation;
 * - substring search ("contains", as the console's `/` filter does) on email and user id is served by
 *   trigram GIN indexes (pg_trgm, a trusted extension the database owner may create);
 * - `first_seen` and `last_seen` are required and default to `now()`; the console lists users by
 *   `last_seen` (most recent first), paged by the keyset (last_seen, user_id), which
 *   `users_last_seen_user_id_idx` serves;
 * - `version` and `updated_at` as on `sites` (row-version.ts): conflict detection for edits.
 */
export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    userId: p.string().primary().fieldName('user_id').columnType('text'),
    email: p.string().fieldName('email').columnType('text'),
    firstSeen: p.datetime().fieldName('first_seen').columnType('timestamptz').defaultRaw('now()'),
    lastSeen: p.datetime().fieldName('last_seen').columnType('timestamptz').defaultRaw('now()'),
    version: p.integer().fieldName('version').version().default(1),
    updatedAt: p.datetime().fieldName('updated_at').columnType('timestamptz').defaultRaw('now()'),
  },
  triggers: [bumpVersionTrigger, liveNotifyTrigger('users', 'user_id')],
  indexes: [
    { name: 'users_last_seen_user_id_idx', properties: ['lastSeen', 'userId'] },
    {
      name: 'users_email_lower_idx',
      expression: 'create index "users_email_lower_idx" on "users" (lower("email") text_pattern_ops)',
    },
    {
      name: 'users_email_trgm_idx',
      expression: 'create index "users_email_trgm_idx" on "users" using gin ("email" gin_trgm_ops)',
    },
    {
      name: 'users_user_id_trgm_idx',
      expression: 'create index "users_user_id_trgm_idx" on "users" using gin ("user_id" gin_trgm_ops)',
    },
    {
      name: 'users_user_id_lower_idx',
      expression: 'create index "users_user_id_lower_idx" on "users" (lower("user_id") text_pattern_ops)',
    },
  ],
});

export type User = InferEntity<typeof UserSchema>;

// The entity and the schema table (src/schema/user-table.ts) name the same fields: a column added to one
// and not the other fails to compile here.
const fieldsAgree: [Exclude<keyof User, symbol>, keyof UserRecord] extends [keyof UserRecord, Exclude<keyof User, symbol>] ? true : never = true;
void fieldsAgree;
