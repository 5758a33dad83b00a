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

  // Guards any shortcut that builds a snapshot from the record instead of the stored row (c61dac6 tried one).
  it("each new user's revision equals its row, times PostgreSQL does not write back as given included", async () => {
    const full = { first_seen: '2026-01-02T03:04:05.123456Z', last_seen: '2026-01-02T03:04:05.123456Z', version: 3, updated_at: '2026-02-03T04:05:06.000001Z' };
    const lines = [
      // Export's own form, every column.
      { user_id: 'snap-plain', email: 'plain@acme.de', ...full },
      { user_id: 'snap-ütf', email: 'zoë.ñ@acme.de 😀', ...full },
      // Times PostgreSQL does not write back as given: 24:00 is the next day, :60 the next minute.
      { user_id: 'snap-24h', email: 'h@acme.de', ...full, first_seen: '2026-01-02T24:00:00.000000Z' },
      { user_id: 'snap-leap', email: 'l@acme.de', ...full, last_seen: '2026-12-31T23:59:60.000000Z' },
      { user_id: 'snap-offset', email: 'o@acme.de', ...full, updated_at: '2026-02-03T04:05:06.5+05:45' },
      // Text JSON escapes, a column left out (the table's default), year 1.
      { user_id: 'snap-quote', email: 'a"b\\c@acme.de', ...full },
      { user_id: 'snap-default', email: 'd@acme.de', first_seen: full.first_seen, version: 2 },
      { user_id: 'snap-year1', email: 'y@acme.de', ...full, first_seen: '0001-01-01T00:00:00.000000Z' },
    ];
    await importUsers(lines);
    const rows = await db.query<{ user_id: string; same: boolean; first_seen: string; last_seen: string; updated_at: string }>(
      `select u.user_id, r.new_values = ${userSnapshotSql('u')} as same, r.new_values->>'first_seen' as first_seen, r.new_values->>'last_seen' as last_seen,
              r.new_values->>'updated_at' as updated_at
         from users u join user_revisions r using (user_id) where u.user_id like 'snap-%'`,
    );
    expect(Object.fromEntries(rows.rows.map((r) => [r.user_id, r.same]))).toEqual(Object.fromEntries(lines.map((l) => [l.user_id, true])));
    const by = Object.fromEntries(rows.rows.map((r) => [r.user_id, r]));
    expect(by['snap-24h']!.first_seen).toBe('2026-01-03T00:00:00.000000Z');
    expect(by['snap-leap']!.last_seen).toBe('2027-01-01T00:00:00.000000Z');
    expect(by['snap-offset']!.updated_at).toBe('2026-02-02T22:20:06.500000Z');
  });
});
