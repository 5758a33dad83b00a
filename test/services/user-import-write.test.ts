import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserTransfer } from '../../src/services/transfer/user-transfer.ts';
import { userSnapshotSql } from '../../src/services/user-revisions.ts';
import { createMigratedDatabase } from '../helpers/db.ts';

/**
 * The new users of an import and their revisions (user-import-write.ts): the revisions are written before
 * the users, from the values the users then get. What a user relies on: each new user's revision holds
 * exactly the row as stored (the table's defaults included), it is numbered after any history an earlier
 * user of the same id left, and a failure after the revisions were written leaves nothing behind.
 */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
beforeAll(async () => {
  db = await createMigratedDatabase('uimpw');
});
afterAll(async () => db.close());

async function* records(lines: object[]) {
  let line = 0;
  for (const value of lines) yield { value, line: ++line, index: null, where: `line ${line}` };
}
const importUsers = (lines: object[]) => new UserTransfer(db, { actor: 'importer' }).import(records(lines) as never, { note: 'restore' });

describe('an import creating users', () => {
  it("stores each new user's revision as the row is stored (defaults too), numbered after an earlier user's history", async () => {
    // An earlier user of this id was created, changed and deleted: three revisions stay (append-only).
    await db.query(
      `insert into user_revisions (user_id, rev, version, action, changed_fields, old_values, new_values, actor)
       select 'again', g, g, case g when 1 then 'create' when 2 then 'update' else 'delete' end, '{}', null, null, 'someone' from generate_series(1, 3) g`,
    );
    const result = await importUsers([
      { user_id: 'again', email: 'again@acme.de', first_seen: '2026-05-05T05:05:05.555555Z', version: 7, updated_at: '2026-06-06T06:06:06.000001Z' },
      { user_id: 'plain', email: 'plain@acme.de' },
    ]);
    expect(result).toMatchObject({ applied: true, plan: { created: 2, changed: 0 } });
    const revisions = await db.query<{ user_id: string; rev: number; version: number; action: string; matches: boolean; new_values: Record<string, unknown> }>(
      `select r.user_id, r.rev, r.version, r.action, r.new_values, r.new_values = ${userSnapshotSql('u')} as matches
         from user_revisions r join users u using (user_id) where r.note = 'restore' order by r.user_id`,
    );
    expect(revisions.rows.map(({ new_values, ...r }) => r)).toEqual([
      { user_id: 'again', rev: 4, version: 7, action: 'create', matches: true },
      { user_id: 'plain', rev: 1, version: 1, action: 'create', matches: true },
    ]);
    // The defaults as the table gives them: last_seen from first_seen, the bookkeeping from the transaction's time.
    expect(revisions.rows[0]!.new_values).toMatchObject({ first_seen: '2026-05-05T05:05:05.555555Z', last_seen: '2026-05-05T05:05:05.555555Z', updated_at: '2026-06-06T06:06:06.000001Z' });
    const plain = revisions.rows[1]!.new_values;
    expect(plain.first_seen).toBe(plain.last_seen);
    expect(plain.updated_at).toBe(plain.first_seen);
  });

  it('a user the table refuses after the revisions were written: nothing of the import stays, neither users nor revisions', async () => {
    // As a DBA could add it: cabinet's checks pass the row, the table refuses it when the users are inserted.
    await db.query(`alter table users add constraint no_blocked check (email <> 'blocked@acme.de')`);
    try {
      const before = await db.query<{ users: number; revisions: number }>(`select (select count(*)::int from users) as users, (select count(*)::int from user_revisions) as revisions`);
      await expect(importUsers([
        { user_id: 'first', email: 'first@acme.de' },
        { user_id: 'second', email: 'blocked@acme.de' },
      ])).rejects.toThrow(/no_blocked/);
      const after = await db.query<{ users: number; revisions: number }>(`select (select count(*)::int from users) as users, (select count(*)::int from user_revisions) as revisions`);
      expect(after.rows).toEqual(before.rows);
    } finally {
      await db.query(`alter table users drop constraint no_blocked`);
    }
  });
});
