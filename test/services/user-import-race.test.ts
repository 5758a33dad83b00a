import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserTransfer } from '../../src/services/transfer/user-transfer.ts';
import { createMigratedDatabase } from '../helpers/db.ts';

/**
 * A users import and n8n's sign-ins at the same moment: a sign-in that lands after the import compared
 * versions, but before it wrote, must not be overwritten by the file's older last_seen.
 */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
beforeAll(async () => {
  db = await createMigratedDatabase('importrace');
  await db.query(`insert into users (user_id, email, first_seen, last_seen) values
    ('u-1', 'one@acme.de', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
    ('u-2', 'two@acme.de', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`);
});
afterAll(async () => {
  await db?.close();
});

async function* records(lines: object[]) {
  let line = 0;
  for (const value of lines) yield { value, line: ++line, index: null, where: `line ${line}` };
}

describe('users import against a sign-in in flight', () => {
  it('a sign-in between the check and the write: the import writes nothing and says why; the sign-in stays', async () => {
    const { rows } = await db.query<{ user_id: string; version: number }>(`select user_id, version from users order by user_id`);
    const version = Object.fromEntries(rows.map((r) => [r.user_id, r.version]));
    const transfer = new UserTransfer(db, { actor: 'importer' });
    const file = [
      // An export taken now: same version, and the admin changed last_seen and an email in it.
      { user_id: 'u-1', email: 'one@acme.de', first_seen: '2026-01-01T00:00:00Z', last_seen: '2026-02-02T00:00:00Z', version: version['u-1'] },
      { user_id: 'u-2', email: 'two.new@acme.de', first_seen: '2026-01-01T00:00:00Z', last_seen: '2026-01-01T00:00:00Z', version: version['u-2'] },
    ];
    const attempt = transfer.import(records(file) as never, {
      // Asked between the plan and the write: n8n signs u-1 in right then (another connection, committed at once).
      confirm: async () => {
        await db.query(`update users set last_seen = '2026-03-03T00:00:00Z' where user_id = 'u-1'`);
        return true;
      },
    });
    await expect(attempt).rejects.toThrow(/users changed while the import ran \(2 planned, 1 would be written\); nothing was imported/);
    const after = await db.query<{ user_id: string; email: string; last_seen: Date }>(`select user_id, email, last_seen from users order by user_id`);
    expect(after.rows.map((r) => [r.user_id, r.email, r.last_seen.toISOString()])).toEqual([
      ['u-1', 'one@acme.de', '2026-03-03T00:00:00.000Z'],
      ['u-2', 'two@acme.de', '2026-01-01T00:00:00.000Z'],
    ]);
    expect((await db.query(`select count(*)::int as n from user_revisions where actor = 'importer'`)).rows[0]!.n).toBe(0);

    // Run again, as the message says: it now sees the sign-in and refuses u-1 by the one rule (changed on both sides).
    const again = await new UserTransfer(db, { actor: 'importer' }).import(records(file) as never, {}).then(
      () => undefined,
      (e: { message: string; problems: { message: string }[] }) => e,
    );
    expect(again?.message).toMatch(/1 invalid user in the input; nothing was imported/);
    expect(again?.problems.map((p) => p.message)).toEqual([expect.stringMatching(/user u-1 changed at .* since this file's version .*changed on both sides: last_seen/)]);
  });

  it('a user created elsewhere between the plan and the write: nothing is imported, theirs stays as they wrote it', async () => {
    const transfer = new UserTransfer(db, { actor: 'importer-2' });
    const file = Array.from({ length: 1500 }, (_, i) => ({ user_id: `new-${String(i).padStart(4, '0')}`, email: `new${i}@acme.de` }));
    const attempt = transfer.import(records(file) as never, {
      // n8n signs a new user in right then: one of the file's new ids, committed at once.
      confirm: async () => {
        await db.query(`insert into users (user_id, email, first_seen, last_seen) values ('new-1499', 'theirs@acme.de', '2026-04-04T00:00:00Z', '2026-04-04T00:00:00Z')`);
        return true;
      },
    });
    await expect(attempt).rejects.toThrow(/users changed while the import ran \(1500 planned, \d+ would be written\); nothing was imported/);
    expect((await db.query(`select count(*)::int as n from users where user_id like 'new-%'`)).rows[0]!.n).toBe(1);
    expect((await db.query(`select email, last_seen from users where user_id = 'new-1499'`)).rows[0]).toEqual({
      email: 'theirs@acme.de',
      last_seen: new Date('2026-04-04T00:00:00Z'),
    });
    expect((await db.query(`select count(*)::int as n from user_revisions where actor = 'importer-2'`)).rows[0]!.n).toBe(0);
  });
});
