import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadPool, type ReadPool } from '../../src/db/read-pool.ts';
import type { SqlQuery } from '../../src/db/sql-query.ts';
import { listUsers } from '../../src/services/queries/user-queries.ts';
import { parseUserFilter, selectiveWindow } from '../../src/services/queries/user-search.ts';
import { createMigratedDatabase } from '../helpers/db.ts';

/**
 * The users filter on real PostgreSQL: "contains" looks up only the uncommon part of the text in the
 * trigram index yet returns exactly what a plain ILIKE returns; `^` means "starts with", served by b-trees.
 */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
let pool: ReadPool;
const N = 3000;

beforeAll(async () => {
  db = await createMigratedDatabase('usearch');
  // Every address starts with "user" and ends in "@example<k>.com", as in the benchmark: "use", "ser",
  // "exa"… are in every row, the way "gma"/"com" are in real lists.
  await db.query(
    `insert into users (user_id, email)
     select (200000000000000000 + g)::text, case when g % 10 = 0 then 'User' else 'user' end || g || '.' || substr(md5(g::text), 1, 4) || '@example' || (g % 7) || '.com'
       from generate_series(1, $1::int) g`,
    [N],
  );
  await db.query(
    `insert into users (user_id, email) values ('zitadel|a%b_c', 'pct%under_score@odd.example'), ('üser-1', 'ÜBER@Bücher.example'),
       ('Okta|ABC-7', 'seven@okta.example'), ('okta|abd-8', 'eight@okta.example')`,
  );
  await db.query('analyze users');
  pool = await openReadPool(db.target);
});
afterAll(async () => {
  await pool.close();
  await db.close();
});

/** Every user id the filter finds, through the service's query (one big page). */
async function found(filter: string, query: SqlQuery = pool.query): Promise<string[]> {
  return (await listUsers(query, { filter, limit: 5000 })).rows.map((u) => u.userId).sort();
}

/** What a plain ILIKE on both columns finds: the meaning the filter must keep. */
async function naive(text: string): Promise<string[]> {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const { rows } = await db.query<{ user_id: string }>(`select user_id from users where email ilike $1 or user_id ilike $1`, [pattern]);
  return rows.map((r) => r.user_id).sort();
}

describe('contains', () => {
  const terms = ['user1234', 'USER12', 'user30', '1234', 'er123', '200000000000001234', 'example3.com', 'r12', 'a%b', '_', 'üBer', 'ser2999.', 'xser123', 'nobody-here'];

  it.each(terms)('"%s" finds exactly what a plain ILIKE finds', async (term) => {
    expect(await found(term)).toEqual(await naive(term));
  });

  it('looks up only the uncommon part of a text whose trigrams are in every row, and the index is used', async () => {
    const sent: { sql: string; params: unknown[] }[] = [];
    const recording: SqlQuery = (sql, params = [], signal) => {
      sent.push({ sql, params });
      return pool.query(sql, params, signal);
    };
    expect(await found('user1234', recording)).toEqual(['200000000000001234']);
    const list = sent.find((s) => s.sql.includes('from users'))!;
    // "use" and "ser" are left out of the lookup…
    const window = list.params.find((p) => typeof p === 'string' && p !== '%user1234%' && p.endsWith('1234%'));
    expect(window).toMatch(/^%e?r1234%$/);
    expect(list.params).toContain('%user1234%'); // …and still every row must contain the whole text
    // A 3,000-row table is cheaper to walk in last_seen order; with that and scans priced out, the plan
    // shows what the lookup is (at a million rows the planner picks it by itself: see bench/).
    await db.query('set enable_seqscan = off; set enable_indexscan = off');
    const plan = await db.query<{ 'QUERY PLAN': string }>(`explain (costs off) ${list.sql}`, list.params);
    await db.query('reset enable_seqscan; reset enable_indexscan');
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Bitmap Index Scan on users_email_trgm_idx\s+Index Cond: \(email ~~\* '%e?r1234%'::text\)/);
  });
});

describe('^ starts with', () => {
  it('matches the start of the address (any case) or of the user id, nothing in the middle', async () => {
    expect(await found('^user123')).toEqual(['200000000000000123', '200000000000001230', '200000000000001231', '200000000000001232', '200000000000001233', '200000000000001234', '200000000000001235', '200000000000001236', '200000000000001237', '200000000000001238', '200000000000001239']);
    expect(await found('^USER1230.')).toEqual(['200000000000001230']); // stored as "User1230…"
    expect(await found('^20000000000000299')).toEqual(['200000000000002990', '200000000000002991', '200000000000002992', '200000000000002993', '200000000000002994', '200000000000002995', '200000000000002996', '200000000000002997', '200000000000002998', '200000000000002999']);
    expect(await found('^ser123')).toEqual([]);
    expect(await found('^ÜBER@')).toEqual(['üser-1']);
    // Non-ASCII letters fold as the database's own ILIKE folds them (not at all under the C locale).
    const { rows } = await db.query<{ user_id: string }>(`select user_id from users where email ilike 'über@%'`);
    expect(await found('^über@')).toEqual(rows.map((r) => r.user_id));
  });

  it('matches the start of a user id in any case, as it does for addresses', async () => {
    expect(await found('^okta|abc')).toEqual(['Okta|ABC-7']);
    expect(await found('^OKTA|AB')).toEqual(['Okta|ABC-7', 'okta|abd-8']);
    expect(await found('^Okta|Abd-8')).toEqual(['okta|abd-8']);
    expect(await found('^kta|abc')).toEqual([]);
  });

  it('wildcards are plain text; a lone ^ filters nothing', async () => {
    expect(await found('^pct%')).toEqual(['zitadel|a%b_c']);
    expect(await found('^%')).toEqual([]);
    expect(await found('^zitadel|a%b_')).toEqual(['zitadel|a%b_c']);
    expect((await listUsers(pool.query, { filter: '^', limit: 5000 })).rows).toHaveLength(N + 4);
  });

  it('is answered by the b-tree indexes, on the very condition the service sends', async () => {
    const sent: { sql: string; params: unknown[] }[] = [];
    const recording: SqlQuery = (sql, params = [], signal) => {
      sent.push({ sql, params });
      return pool.query(sql, params, signal);
    };
    expect(await found('^OKTA|ABC', recording)).toEqual(['Okta|ABC-7']);
    const list = sent.find((s) => s.sql.includes('from users'))!;
    await db.query('set enable_seqscan = off');
    const plan = await db.query<{ 'QUERY PLAN': string }>(`explain (costs off) ${list.sql}`, list.params);
    await db.query('reset enable_seqscan');
    const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toMatch(/Index Cond: \(\(lower\(email\) ~>=~ 'okta\|abc'::text\) AND \(lower\(email\) ~<~ 'okta\|abd'::text\)\)/);
    expect(text).toMatch(/Bitmap Index Scan on users_user_id_lower_idx\s+Index Cond: \(\(lower\(user_id\) ~>=~ 'okta\|abc'::text\) AND \(lower\(user_id\) ~<~ 'okta\|abd'::text\)\)/);
    expect(text).not.toMatch(/Seq Scan/);
  });
});

describe('the window', () => {
  const sample = Array.from({ length: 100 }, (_, i) => `user${i * 37}.x@gmail.com`);

  it('is the longest run of uncommon trigrams, or the whole text when nothing is common or all is', () => {
    expect(selectiveWindow('user7919', sample)).toBe('er7919');
    expect(selectiveWindow('schmidt@gmail', sample)).toBe('schmidt@g');
    expect(selectiveWindow('qwerty', sample)).toBeUndefined();
    expect(selectiveWindow('gmail.com', sample)).toBeUndefined();
    expect(selectiveWindow('user7919', sample.slice(0, 5))).toBeUndefined(); // too small a sample to judge
  });

  it('parses ^ as starts-with and trims', () => {
    expect(parseUserFilter('  ^Anna ')).toEqual({ kind: 'prefix', text: 'Anna' });
    expect(parseUserFilter('anna')).toEqual({ kind: 'contains', text: 'anna' });
    expect(parseUserFilter(' ^ ')).toBeUndefined();
    expect(parseUserFilter('')).toBeUndefined();
  });
});
