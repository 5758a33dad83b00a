import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { UserTransfer } from '../../src/services/transfer/user-transfer.ts';
import { userSnapshotSql } from '../../src/services/user-revisions.ts';
import { cluster, createMigratedDatabase } from '../helpers/db.ts';
import { until } from '../helpers/until.ts';

/**
 * A users import in bulk (#13.4): the live_notify trigger stays quiet for it and the import sends the one
 * table notice itself, while other writers still notify per row; into an empty table (the restore case) the
 * secondary indexes are dropped and built once after the load, identical to before, under a short lock
 * wait that falls back to the ordinary load; a failure leaves every index as it was.
 */
type Db = Awaited<ReturnType<typeof createMigratedDatabase>>;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function fresh(): Promise<Db> {
  const db = await createMigratedDatabase('uimpr');
  cleanups.push(() => db.close());
  return db;
}

/** A second session on the same database, as psql or n8n would have. */
async function session(db: Db): Promise<pg.Client> {
  const c = cluster();
  const client = new pg.Client({ host: c.socket, port: c.port, user: c.user, database: db.name });
  await client.connect();
  cleanups.push(() => client.end().catch(() => {}));
  return client;
}

async function* records(n: number, prefix = 'bulk') {
  for (let i = 0; i < n; i++) {
    yield { value: { user_id: `${prefix}-${100000 + i}`, email: `member${i}.${(i * 7919).toString(36)}@shop${i % 89}.example` }, line: i + 1, index: null, where: `line ${i + 1}` };
  }
}

const importUsers = (db: Db, n: number, options: Parameters<UserTransfer['import']>[1] = {}) =>
  new UserTransfer(db, { actor: 'importer' }).import(records(n) as never, { note: 'restore', ...options });

/** Every index on users as pg_indexes shows it, with its oid (a rebuilt index is a new one) and validity. */
async function indexes(db: Db) {
  const r = await db.query<{ indexname: string; indexdef: string; oid: number; valid: boolean }>(
    `select x.indexname, x.indexdef, i.indexrelid::int as oid, i.indisvalid and i.indisready as valid
       from pg_indexes x join pg_index i on i.indexrelid = format('%I.%I', x.schemaname, x.indexname)::regclass
      where x.tablename = 'users' order by x.indexname`,
  );
  return r.rows;
}
/** user_revisions' keys: name, definition and the oid of their index. */
async function historyKeys(db: Db) {
  const r = await db.query<{ conname: string; def: string; oid: number }>(
    `select conname, pg_get_constraintdef(oid) as def, conindid::int as oid from pg_constraint where conrelid = 'user_revisions'::regclass and contype in ('p', 'u') order by conname`,
  );
  return r.rows;
}
const definitions = (rows: Awaited<ReturnType<typeof indexes>>) => rows.map(({ indexname, indexdef, valid }) => ({ indexname, indexdef, valid }));

/** A DBA's own indexes: one cabinet never made (rebuilt too), one with a comment (left in place). */
async function addDbaIndexes(db: Db): Promise<void> {
  await db.query(`create index users_dba_domain_idx on users (split_part(email, '@', 2), version desc) where version > 0`);
  await db.query(`create index users_dba_noted_idx on users (updated_at)`);
  await db.query(`comment on index users_dba_noted_idx is 'for the weekly report'`);
}

describe('live notices of a bulk import', () => {
  it('an import of thousands of users sends one notice for the table; an INSERT by psql still sends one per row', async () => {
    const db = await fresh();
    const listener = await session(db);
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(n.payload ?? ''));
    await listener.query('listen cabinet_live');

    const result = await importUsers(db, 2000);
    expect(result).toMatchObject({ applied: true, plan: { created: 2000 } });
    // The notice comes at commit; a notice by id would come first if the trigger had fired.
    await until('the import notice', () => heard.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(heard.map((p) => JSON.parse(p))).toEqual([{ table: 'users', id: null, version: null }]);

    heard.length = 0;
    const psql = await session(db);
    await psql.query(`insert into users (user_id, email) values ('by-psql-1', 'a@b.example'), ('by-psql-2', 'c@d.example'), ('by-psql-3', 'e@f.example')`);
    await until('three notices by id', () => heard.length >= 3);
    expect(heard.map((p) => JSON.parse(p))).toEqual(['by-psql-1', 'by-psql-2', 'by-psql-3'].map((id) => ({ table: 'users', id, version: 1 })));
  });
});

describe('an import into an empty users table', () => {
  it("rebuilds every index it dropped identically (a DBA's too), keeps a commented one in place, and each revision equals its row", async () => {
    const db = await fresh();
    await addDbaIndexes(db);
    const before = await indexes(db);
    let said: string | undefined;
    const result = await importUsers(db, 3000, { confirm: async (plan) => ((said = plan.locks), true) });
    expect(result).toMatchObject({ applied: true, plan: { created: 3000 } });
    expect(result.note).toBeUndefined();
    expect(said).toMatch(/^users will be locked while it loads/);

    const after = await indexes(db);
    expect(definitions(after)).toEqual(definitions(before));
    expect(after.every((i) => i.valid)).toBe(true);
    const oid = (rows: typeof before, name: string) => rows.find((i) => i.indexname === name)!.oid;
    // Built again: the trigram, prefix and DBA indexes are new; the primary key and the commented index stayed.
    for (const name of ['users_email_trgm_idx', 'users_user_id_trgm_idx', 'users_email_lower_idx', 'users_dba_domain_idx']) expect(oid(after, name)).not.toBe(oid(before, name));
    for (const name of ['users_pkey', 'users_dba_noted_idx']) expect(oid(after, name)).toBe(oid(before, name));
    // The indexes answer: a trigram search finds the one user.
    const found = await db.query<{ user_id: string }>(`set enable_seqscan = off; select user_id from users where email like '%member2999.%'`);
    expect((found as unknown as pg.QueryResult[])[1]!.rows).toEqual([{ user_id: 'bulk-102999' }]);

    const revisions = await db.query<{ n: number }>(
      `select count(*)::int as n from users u join user_revisions r using (user_id) where r.action = 'create' and r.rev = 1 and r.new_values = ${userSnapshotSql('u')}`,
    );
    expect(revisions.rows[0]!.n).toBe(3000);
  });

  it("rebuilds the history's keys too while the history is no bigger than the import: the same constraints, new indexes, still enforced; a bigger history keeps them", async () => {
    const db = await fresh();
    const before = await historyKeys(db);
    expect(before.map((k) => k.conname)).toEqual(['user_revisions_pkey', 'user_revisions_user_id_rev_key']);
    expect(await importUsers(db, 2000)).toMatchObject({ applied: true, plan: { created: 2000 } });
    const after = await historyKeys(db);
    expect(after.map(({ conname, def }) => ({ conname, def }))).toEqual(before.map(({ conname, def }) => ({ conname, def })));
    for (const [i, key] of after.entries()) expect(key.oid).not.toBe(before[i]!.oid);
    await expect(db.query(`insert into user_revisions (user_id, rev, action, changed_fields, actor) values ('bulk-100000', 1, 'create', '{}', 'psql')`)).rejects.toThrow(/user_revisions_user_id_rev_key/);
    const revisions = await db.query<{ n: number }>(`select count(*)::int as n from users u join user_revisions r using (user_id) where r.rev = 1 and r.new_values = ${userSnapshotSql('u')}`);
    expect(revisions.rows[0]!.n).toBe(2000);

    // Wiped by psql (the history stays): 2,000 revisions are more than the 1,000 users this restore adds.
    await db.query('delete from users');
    expect(await importUsers(db, 1000)).toMatchObject({ applied: true, plan: { created: 1000 } });
    expect(await historyKeys(db)).toEqual(after);
    const second = await db.query<{ n: number }>(`select count(*)::int as n from users u join user_revisions r using (user_id) where r.rev = 2 and r.new_values = ${userSnapshotSql('u')}`);
    expect(second.rows[0]!.n).toBe(1000);

    // Wiped again: 3,000 revisions, fewer than the 4,000 users now, so the keys go and come back; each user's numbering goes on.
    await db.query('delete from users');
    expect(await importUsers(db, 4000)).toMatchObject({ applied: true, plan: { created: 4000 } });
    expect((await historyKeys(db)).map(({ conname, def }) => ({ conname, def }))).toEqual(before.map(({ conname, def }) => ({ conname, def })));
    const third = await db.query<{ rev: number; n: number }>(
      `select r.rev, count(*)::int as n from users u join user_revisions r on r.user_id = u.user_id and r.new_values = ${userSnapshotSql('u')} and r.note = 'restore'
        where r.rev = (select max(rev) from user_revisions m where m.user_id = u.user_id) group by r.rev order by r.rev`,
    );
    expect(third.rows).toEqual([{ rev: 1, n: 2000 }, { rev: 2, n: 1000 }, { rev: 3, n: 1000 }]);
  });

  it('a session holding the table (an open read, as pg_dump holds it): the import waits about a second, then loads with the indexes in place', async () => {
    const db = await fresh();
    const before = await indexes(db);
    const reader = await session(db);
    await reader.query('begin; select count(*) from users');
    const started = Date.now();
    const result = await importUsers(db, 2000);
    const took = Date.now() - started;
    await reader.query('commit');
    expect(result).toMatchObject({ applied: true, plan: { created: 2000, locks: expect.stringMatching(/locked/) } });
    expect(result.note).toMatch(/^users could not be locked \(in use, or not owned by this role\): the rows went in with its indexes in place$/);
    expect(took).toBeLessThan(8000);
    // Not one index was dropped: the same ones, the same oids.
    expect(await indexes(db)).toEqual(before);
    const revisions = await db.query<{ n: number }>(`select count(*)::int as n from users u join user_revisions r using (user_id) where r.new_values = ${userSnapshotSql('u')}`);
    expect(revisions.rows[0]!.n).toBe(2000);
  });

  it('a failure after the indexes were dropped rolls back to every index present and valid, names and definitions the same', async () => {
    const db = await fresh();
    await addDbaIndexes(db);
    // As a DBA could add it: cabinet's checks pass the row, the table refuses it when the users go in.
    await db.query(`alter table users add constraint no_blocked check (email <> 'member1999.${(1999 * 7919).toString(36)}@shop41.example')`);
    const before = await indexes(db);
    const keys = await historyKeys(db);
    let said: string | undefined;
    await expect(importUsers(db, 2000, { confirm: async (plan) => ((said = plan.locks), true) })).rejects.toThrow(/no_blocked/);
    expect(said).toMatch(/locked/);
    expect(await indexes(db)).toEqual(before);
    expect(await historyKeys(db)).toEqual(keys);
    const left = await db.query<{ users: number; revisions: number }>(`select (select count(*)::int from users) as users, (select count(*)::int from user_revisions) as revisions`);
    expect(left.rows).toEqual([{ users: 0, revisions: 0 }]);
  });
});
