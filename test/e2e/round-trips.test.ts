import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDelayProxy, type DelayProxy, type ProxyStats } from '../../bench/delay-proxy.ts';
import { cleanEnv, runCabinet } from '../helpers/cli.ts';
import { cluster, createMigratedDatabase } from '../helpers/db.ts';
import { binCabinet, ensureBuilt, startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';

/**
 * Over a far link round trips, not CPU, decide how fast cabinet feels. The real binary talks to the real
 * server through a proxy that adds 25 ms each way and counts connections and round trips (a burst from
 * cabinet answered by the server; bench/delay-proxy.ts). Password authentication (SCRAM) costs three round
 * trips on every connection; everything else counted here is cabinet's own.
 */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
let proxy: DelayProxy;
let tmux: TmuxSession | undefined;
let url: string;
const AUTH = 3;
/**
 * A site save, as issue #13 asks: at most two round trips. BEGIN, the lock probe, the row lock, the update
 * with its revision (one statement) and COMMIT go out in one message (services/site-save.ts); the console's
 * own follow-up on that connection, if any, is the second. Before, the same save took seven.
 */
const SAVE = 2;

beforeAll(async () => {
  ensureBuilt();
  db = await createMigratedDatabase('e2e_rtt');
  await db.query(`insert into sites (site_id, domain, brand_name, ai_prompt) values ('acme-de', 'acme.de', 'ACME', 'Hallo'), ('zeta-at', 'zeta.at', 'Zeta', 'Servus')`);
  await db.query(`insert into users (user_id, email) values ('280000000000000001', 'anna@acme.de')`);
  proxy = await startDelayProxy({ target: { host: '127.0.0.1', port: cluster().tcpPort }, trace: true });
  const c = cluster();
  url = `postgres://${c.user}:${encodeURIComponent(c.password)}@127.0.0.1:${proxy.port}/${db.name}`;
});
afterAll(async () => {
  await proxy?.close();
  await db?.close();
});
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
});

/** What the proxy saw, readable in a failure message. */
const seen = (s: ProxyStats) =>
  JSON.stringify(s.perConnection.map((c) => ({ application: c.application, trips: c.trips.map((t) => t.sql.map((q) => q.slice(0, 50)).join(' | ')) })), null, 1);
/** The console's pooled connections (the read pool, the ORM's); presence's session connection is named apart. */
const pooled = (s: ProxyStats) => s.perConnection.filter((c) => c.application === 'cabinet');
const FIRST_PAGE = /from sites\s+order by site_id asc, site_id asc\s+limit 501 offset 0/;

describe('round trips through a 50 ms link', () => {
  it('the console: one connection and one round trip after authentication to the first rows; saves on one more, opened behind them', async () => {
    proxy.reset();
    tmux = startTmux([binCabinet], { width: 120, height: 34, env: terminalEnv({ DATABASE_URL: url }) });
    await tmux.waitFor(/Sites \(2\)[\s\S]*zeta-at/, 20_000);
    const first = proxy.stats();
    expect(pooled(first).length, seen(first)).toBe(1);
    // Counted up to the round trip that brought the first page (presence starts reading 400 ms later).
    const trips = pooled(first)[0]!.trips;
    const rows = trips.findIndex((t) => t.sql.some((q) => FIRST_PAGE.test(q)));
    expect(rows, seen(first)).toBeGreaterThanOrEqual(0);
    expect(rows + 1, seen(first)).toBe(AUTH + 1);

    // Behind the first rows the ORM loads and opens the one more pooled connection writes use; reading
    // the first site stays on the first.
    tmux.keys('Enter');
    await tmux.waitFor('Hallo');
    await expect.poll(() => pooled(proxy.stats()).length, { timeout: 20_000 }).toBe(2);

    const save = async (suffix: string) => {
      tmux!.type('e');
      await tmux!.waitFor('Edit site acme-de');
      tmux!.keys('Tab', 'End');
      tmux!.type(suffix);
      await tmux!.waitFor(suffix);
      tmux!.keys('C-s');
      await tmux!.waitFor('Save these changes?');
      const before = proxy.stats();
      const t0 = Date.now() - proxy.startedAt;
      tmux!.type('y');
      await tmux!.waitFor('saved acme-de');
      await tmux!.waitFor('Hallo');
      const after = proxy.stats();
      // The save's round trips: on the connection that carried the UPDATE, since y.
      const writer = after.perConnection.find((c) => c.trips.some((t) => t.at >= t0 && t.sql.some((q) => /\bupdate "?sites"? /i.test(q))));
      return { roundTrips: writer ? writer.trips.filter((t) => t.at >= t0).length : NaN, pooled: pooled(after).length - pooled(before).length, after };
    };
    const one = await save(' One');
    expect(one.pooled, seen(one.after)).toBe(0);
    expect(one.roundTrips, seen(one.after)).toBeLessThanOrEqual(SAVE);
    const two = await save(' Two');
    expect(two.pooled, seen(two.after)).toBe(0);
    expect(two.roundTrips, seen(two.after)).toBeLessThanOrEqual(SAVE);
    const { rows: saved } = await db.query<{ brand_name: string }>(`select brand_name from sites where site_id = 'acme-de'`);
    expect(saved[0]!.brand_name).toBe('ACME One Two');
    // Besides the two pooled connections, the session connections of presence (opened at each edit, closed
    // when the console is idle again) and of the live screens' LISTEN (opened behind the ORM's, #14).
    expect([...new Set(two.after.perConnection.filter((c) => c.application !== 'cabinet').map((c) => c.application))].sort()).toEqual(['cabinet live', 'cabinet presence']);
    tmux.type('q');
    await tmux.waitFor(/Sites \(2\)/);
    tmux.type('q');
    expect(await tmux.waitForExit()).toBe(0);
  });

  // The user edit's save writes the same way (services/user-save.ts: lock probe, row lock, update with its
  // user_revisions row, in one message); with BEGIN, UPDATE, INSERT and COMMIT sent apart it took five.
  it('a user save in the console: at most two round trips, as for a site (services/user-save.ts)', async () => {
    proxy.reset();
    tmux = startTmux([binCabinet], { width: 120, height: 34, env: terminalEnv({ DATABASE_URL: url }) });
    await tmux.waitFor(/Sites \(2\)[\s\S]*zeta-at/, 20_000);
    tmux.type(':');
    tmux.type('users');
    tmux.keys('Enter');
    await tmux.waitFor('Users (1)');
    let email = 'anna@acme.de';
    const save = async (prefix: string) => {
      email = `${prefix}${email}`;
      tmux!.type('e');
      await tmux!.waitFor('Edit user 280000000000000001');
      tmux!.keys('Home');
      tmux!.type(prefix);
      await tmux!.waitFor(email);
      tmux!.keys('Enter');
      await tmux!.waitFor('Save this change to user 280000000000000001?');
      const t0 = Date.now() - proxy.startedAt;
      tmux!.type('y');
      await tmux!.waitFor('saved user 280000000000000001: email');
      await tmux!.waitFor('Users (1)');
      const after = proxy.stats();
      // The save's round trips: on the connection that carried the UPDATE, since y.
      const writer = after.perConnection.find((c) => c.trips.some((t) => t.at >= t0 && t.sql.some((q) => /\bupdate "?users"? /i.test(q))));
      return { roundTrips: writer ? writer.trips.filter((t) => t.at >= t0).length : NaN, after };
    };
    const one = await save('a.');
    expect(one.roundTrips, seen(one.after)).toBeLessThanOrEqual(SAVE);
    const two = await save('b.');
    expect(two.roundTrips, seen(two.after)).toBeLessThanOrEqual(SAVE);
    const { rows: saved } = await db.query<{ email: string; version: number }>(`select email, version from users where user_id = '280000000000000001'`);
    expect(saved[0]).toEqual({ email: 'b.a.anna@acme.de', version: 3 });
    const revisions = await db.query(`select 1 from user_revisions where user_id = '280000000000000001' and action = 'update'`);
    expect(revisions.rowCount).toBe(2);
    tmux.type('q');
    expect(await tmux.waitForExit()).toBe(0);
  });

  it('cabinet sites list --json: one connection, one round trip after authentication', async () => {
    proxy.reset();
    const r = await runCabinet(['sites', 'list', '--json'], { env: cleanEnv({ DATABASE_URL: url }) });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).map((s: { site_id: string }) => s.site_id)).toEqual(['acme-de', 'zeta-at']);
    const s = proxy.stats();
    expect(s.connections, seen(s)).toBe(1);
    expect(s.roundTrips, seen(s)).toBeLessThanOrEqual(AUTH + 1);
  });
});
