import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { bumpVersionTrigger } from './row-version.ts';

/**
 * `users`: the master list of users; `user_id` is Zitadel's `sub` and links a user across services.
 *
 * Choices beyond the spec, and why:
 * - `email` is required (every Zitadel user has one) but not unique: one address may sign in through two
 *   Zitadel organisations, and the `sub` is the identity. Searching by email uses an index on
 *   `lower(email)` with `text_pattern_ops`, so a case-insensitive prefix search never scans the table;
 * - `first_seen` and `last_seen` are required and default to `now()`; the console lists users by
 *   `last_seen` (most recent first), which the `users_last_seen_idx` index serves;
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
  triggers: [bumpVersionTrigger],
  indexes: [
    { name: 'users_last_seen_idx', properties: ['lastSeen'] },
    {
      name: 'users_email_lower_idx',
      expression: 'create index "users_email_lower_idx" on "users" (lower("email") text_pattern_ops)',
    },
  ],
});

export type User = InferEntity<typeof UserSchema>;
