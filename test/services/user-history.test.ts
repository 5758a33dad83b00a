import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityManager } from '@mikro-orm/postgresql';
import { OrmUserService } from '../../src/services/user-service.ts';
import type { UserHistoryEntry } from '../../src/services/types.ts';
import { createMigratedDatabase } from '../helpers/db.ts';

/** user_revisions (issue 11, item 10): every write cabinet makes to a user, in the write's transaction. */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
let users: OrmUserService;

beforeAll(async () => {
  db = await createMigratedDatabase('uhist');
  users = new OrmUserService(db.orm.em as unknown as EntityManager, { actor: 'alice (sudo as root) from 100.64.0.7' });
});
afterAll(async () => db.close());

const summary = (e: UserHistoryEntry) => (e.kind === 'revision' ? `${e.rev}:${e.action}` : `outside:${e.action}`);

describe('user history on real PostgreSQL', () => {
  it('records create, update and delete with who and from where, old and new values, and the note', async () => {
    await users.create({ userId: 'u-1', email: 'anna@acme.de', firstSeen: '2026-01-02T03:04:05Z' }, { note: 'new hire' });
    const change = await users.update('u-1', { email: 'anna.schmidt@acme.de' }, { expectedVersion: 1, note: 'ticket 4711' });
    expect(change.rev).toBe(2);
    await users.delete('u-1', { expectedVersion: 2, actor: 'bob', note: 'left the company' });
    const rows = await db.query(
      `select rev, version, action, changed_fields, actor, note, old_values->>'email' as old_email, new_values->>'email' as new_email,
              new_values->>'first_seen' as first_seen from user_revisions where user_id = 'u-1' order by rev`,
    );
    expect(rows.rows).toEqual([
      { rev: 1, version: 1, action: 'create', changed_fields: ['email', 'first_seen', 'last_seen'], actor: 'alice (sudo as root) from 100.64.0.7', note: 'new hire', old_email: null, new_email: 'anna@acme.de', first_seen: '2026-01-02T03:04:05.000000Z' },
      { rev: 2, version: 2, action: 'update', changed_fields: ['email'], actor: 'alice (sudo as root) from 100.64.0.7', note: 'ticket 4711', old_email: 'anna@acme.de', new_email: 'anna.schmidt@acme.de', first_seen: '2026-01-02T03:04:05.000000Z' },
      { rev: 3, version: 2, action: 'delete', changed_fields: [], actor: 'bob', note: 'left the company', old_email: 'anna.schmidt@acme.de', new_email: null, first_seen: null },
    ]);
    const history = await users.history('u-1');
    expect(history.map(summary)).toEqual(['3:delete', '2:update', '1:create']);
    const update = history[1]!;
    expect(update.kind === 'revision' && update.before?.email).toBe('anna@acme.de');
    expect(update.kind === 'revision' && update.after?.email).toBe('anna.schmidt@acme.de');
  });

  it('a write that fails writes no revision either (same transaction), and a no-op write records none', async () => {
    await users.create({ userId: 'u-2', email: 'two@acme.de' });
    await expect(users.update('u-2', { email: 'x@acme.de' }, { expectedVersion: 7 })).rejects.toMatchObject({ code: 'stale' });
    expect((await users.update('u-2', { email: 'two@acme.de' })).rev).toBeUndefined();
    await expect(users.create({ userId: 'u-2', email: 'again@acme.de' })).rejects.toMatchObject({ code: 'conflict' });
    const n = await db.query(`select count(*)::int as n from user_revisions where user_id = 'u-2'`);
    expect(n.rows[0]!.n).toBe(1);
  });

  it('shows changes made outside cabinet as gaps: a sign-in moving last_seen, a psql insert, a psql delete and re-insert', async () => {
    await db.query(`insert into users (user_id, email, last_seen) values ('u-3', 'psql@acme.de', '2026-01-01T00:00:00.123456Z')`);
    expect((await users.history('u-3')).map(summary)).toEqual(['outside:create']);
    await users.update('u-3', { email: 'cabinet@acme.de' });
    await db.query(`update users set last_seen = '2026-02-02T00:00:00.654321Z' where user_id = 'u-3'`);
    await db.query(`update users set last_seen = '2026-02-03T00:00:00Z' where user_id = 'u-3'`);
    const history = await users.history('u-3');
    expect(history.map(summary)).toEqual(['outside:update', '1:update', 'outside:create']);
    const signIn = history[0]!;
    expect(signIn).toMatchObject({ kind: 'outside', fromVersion: 2, toVersion: 4, writes: 2, changed: ['last_seen'] });
    expect(signIn.before?.last_seen).toBe('2026-01-01T00:00:00.123456Z');
    expect(signIn.after?.last_seen).toBe('2026-02-03T00:00:00.000000Z');
    await db.query(`delete from users where user_id = 'u-3'`);
    // The row is gone: the delete shows; what happened to it between rev 1 and the delete cannot be known.
    expect((await users.history('u-3')).map(summary)).toEqual(['outside:delete', '1:update', 'outside:create']);
  });

  it('pages with before=REV, keeping the gap at the page edge', async () => {
    await users.create({ userId: 'u-4', email: 'p0@acme.de' });
    for (let i = 1; i <= 4; i++) await users.update('u-4', { email: `p${i}@acme.de` });
    await db.query(`update users set last_seen = now() + interval '1 day' where user_id = 'u-4'`);
    await users.update('u-4', { email: 'p5@acme.de' });
    const first = await users.history('u-4', { limit: 2 });
    expect(first.map(summary)).toEqual(['6:update', 'outside:update', '5:update']);
    const older = await users.history('u-4', { limit: 10, before: 5 });
    expect(older.map(summary)).toEqual(['4:update', '3:update', '2:update', '1:create']);
    await expect(users.history('nobody')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('an import records one revision per created or changed user in the same statement, none for rows left alone', async () => {
    const { UserTransfer } = await import('../../src/services/transfer/user-transfer.ts');
    const transfer = new UserTransfer(db, { actor: 'importer from 100.64.0.9' });
    async function* records(lines: object[]) {
      let line = 0;
      for (const value of lines) yield { value, line: ++line, index: null, where: `line ${line}` };
    }
    await users.create({ userId: 'u-5', email: 'five@acme.de' });
    const result = await transfer.import(
      records([
        { user_id: 'u-5', email: 'five.new@acme.de' },
        { user_id: 'u-6', email: 'six@acme.de', first_seen: '2026-05-05T05:05:05.555555Z' },
        { user_id: 'u-2', email: 'two@acme.de' },
      ]) as never,
      { note: 'nightly sync' },
    );
    expect(result).toMatchObject({ applied: true, plan: { created: 1, changed: 1, unchanged: 1 } });
    const rows = await db.query(
      `select user_id, rev, action, changed_fields, actor, note, old_values->>'email' as old_email, new_values->>'email' as new_email,
              new_values->>'first_seen' as first_seen from user_revisions where user_id in ('u-5', 'u-6', 'u-2') and note = 'nightly sync' order by user_id`,
    );
    expect(rows.rows).toEqual([
      { user_id: 'u-5', rev: 2, action: 'update', changed_fields: ['email'], actor: 'importer from 100.64.0.9', note: 'nightly sync', old_email: 'five@acme.de', new_email: 'five.new@acme.de', first_seen: expect.any(String) },
      { user_id: 'u-6', rev: 1, action: 'create', changed_fields: ['email', 'first_seen', 'last_seen'], actor: 'importer from 100.64.0.9', note: 'nightly sync', old_email: null, new_email: 'six@acme.de', first_seen: '2026-05-05T05:05:05.555555Z' },
    ]);
  });
});
