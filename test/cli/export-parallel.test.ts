import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cluster, createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startBouncer, type Bouncer } from '../helpers/pgbouncer.ts';
import { scratchCli } from './support.ts';

/**
 * `users export --jobs N` reads the table over N COPY streams that share one snapshot and sorts each range
 * of ids on its own connection. What a user relies on: one file, in id order, as the table was at one
 * moment, even while n8n writes; the same bytes as a single stream; and through a transaction pooler with
 * no server connection to spare, still the same file (the first connection reads every range in turn).
 */
let db: TestDatabase;
const cli = scratchCli('export-parallel');

const ids = (ndjson: string) => ndjson.trimEnd().split('\n').map((l) => (JSON.parse(l) as { user_id: string }).user_id);

beforeAll(async () => {
  db = await createTestDatabase('xpar');
  expect((await cli.run(['migrate'], { url: db.url })).code).toBe(0);
  await db.query(`insert into users (user_id, email, first_seen, last_seen)
    select (200000000000000000 + g)::text, 'user' || g || '@example.com', timestamptz '2026-01-01' + g * interval '1 minute', timestamptz '2026-06-01'
      from generate_series(1, 3000) g`);
  await db.query('analyze users');
});
afterAll(async () => {
  await db.drop();
  await cli.cleanup();
});

describe('users export over parallel streams', () => {
  it('is one file in byte order of ids, as of one moment, while users are written throughout', async () => {
    // A writer like n8n: every transaction touches both ends of the id range at once (new users at the
    // front and the back, the first and the last user's last_seen), so a range read at another moment
    // than the others shows up as an odd pair or two different times.
    const c = cluster();
    const writer = new pg.Client({ host: c.socket, port: c.port, user: c.user, database: db.name });
    await writer.connect();
    let writing = true;
    let pairs = 0;
    const loop = (async () => {
      while (writing) {
        pairs++;
        await writer.query(
          `with added as (insert into users (user_id, email) values ('0-' || $1::text, $1::text || '@front.example'), ('z-' || $1::text, $1::text || '@back.example'))
           update users set last_seen = timestamptz '2026-07-01' + $1::int * interval '1 second'
            where user_id in ('200000000000000001', '200000000000003000')`,
          [pairs],
        );
      }
    })();
    try {
      for (let round = 0; round < 3; round++) {
        const r = await cli.run(['users', 'export', '--ndjson', '--jobs', '3'], { url: db.url });
        expect(r.code, r.stderr).toBe(0);
        const rows = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { user_id: string; last_seen: string });
        const got = rows.map((row) => row.user_id);
        for (let i = 1; i < got.length; i++) expect(Buffer.compare(Buffer.from(got[i - 1]!), Buffer.from(got[i]!)), `${got[i - 1]} before ${got[i]}`).toBe(-1);
        const front = got.filter((id) => id.startsWith('0-')).length;
        expect(got.filter((id) => id.startsWith('z-')).length).toBe(front);
        expect(got.length).toBe(3000 + 2 * front);
        const first = rows.find((row) => row.user_id === '200000000000000001')!;
        const last = rows.find((row) => row.user_id === '200000000000003000')!;
        expect(first.last_seen).toBe(last.last_seen);
      }
      expect(pairs, 'the writer kept writing during the exports').toBeGreaterThan(10);
    } finally {
      writing = false;
      await loop;
      await writer.end();
    }
    // Nothing writes now: every number of streams gives the same bytes.
    const one = await cli.run(['users', 'export', '--ndjson', '--jobs', '1'], { url: db.url });
    const three = await cli.run(['users', 'export', '--jobs', '3'], { url: db.url });
    const oneArray = await cli.run(['users', 'export', '--jobs', '1'], { url: db.url });
    expect(three.stdout).toBe(oneArray.stdout);
    expect(ids(one.stdout)).toEqual((JSON.parse(three.stdout) as { user_id: string }[]).map((u) => u.user_id));
  });

  it('--jobs outside 1 to 3 is a usage error, and sites export has no --jobs', async () => {
    const bad = await cli.run(['users', 'export', '--jobs', '0'], { url: db.url });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--jobs must be a whole number from 1 to 3, not "0"/);
    const sites = await cli.run(['sites', 'export', '--jobs', '2'], { url: db.url });
    expect(sites.code).toBe(2);
    expect(sites.stderr).toMatch(/unknown option --jobs/);
  });
});

describe.each([
  [1, 'no server connection to spare: the first connection reads every range'],
  [4, 'server connections to spare: the streams share the snapshot through the pooler'],
])('through PgBouncer in transaction mode, pool size %i', (poolSize, what) => {
  let bouncer: Bouncer;
  beforeAll(async () => {
    bouncer = await startBouncer('transaction', { poolSize });
  });
  afterAll(async () => {
    await bouncer?.stop();
  });

  it(`${what}; the same file as one stream straight to the server`, async () => {
    const direct = await cli.run(['users', 'export', '--ndjson', '--jobs', '1'], { url: db.url });
    expect(direct.code, direct.stderr).toBe(0);
    const pooled = await cli.run(['users', 'export', '--ndjson', '--jobs', '3'], { url: bouncer.url(db.name) });
    expect(pooled.code, pooled.stderr).toBe(0);
    expect(pooled.stdout).toBe(direct.stdout);
    expect(ids(pooled.stdout).length).toBeGreaterThanOrEqual(3000);
  });
});
