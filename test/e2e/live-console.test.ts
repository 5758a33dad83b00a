import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCabinet } from '../helpers/cli.ts';
import { createMigratedDatabase } from '../helpers/db.ts';
import { startBouncer, type Bouncer } from '../helpers/pgbouncer.ts';
import { binCabinet, ensureBuilt, startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';

/**
 * Issue #14: open screens follow what anyone writes (psql here, as n8n or an admin would; another cabinet),
 * within 2 s and without a key, on two real consoles in tmux. Through PgBouncer in transaction mode LISTEN
 * cannot hold, and the console polls, saying so in the header.
 */
const LIVE_MS = 2000;

let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
const sessions: TmuxSession[] = [];

beforeAll(async () => {
  ensureBuilt();
  db = await createMigratedDatabase('e2e_live');
  await db.query(
    `insert into sites (site_id, domain, brand_name, ai_prompt)
       select 's' || lpad(g::text, 2, '0'), 's' || g || '.example', 'Brand ' || g, 'prompt of site ' || g from generate_series(1, 40) g`,
  );
  await db.query(
    `insert into users (user_id, email, last_seen)
       select 'u' || lpad(g::text, 3, '0'), 'user' || g || '@example.com', now() - g * interval '1 hour' from generate_series(1, 60) g`,
  );
});
afterAll(async () => {
  await db?.close();
});
afterEach(() => {
  for (const s of sessions.splice(0)) s.kill();
});

function open(url: string, actor: string): TmuxSession {
  const session = startTmux([binCabinet, '--actor', actor], { env: terminalEnv({ DATABASE_URL: url }), width: 110, height: 30 });
  sessions.push(session);
  return session;
}

/** A table line's first cell, after the gutter (the cursor's ›, presence's ✎). */
const firstCell = (line: string | undefined) => line?.replace(/^[›✎ ]+/, '').split(/\s+/)[0];
/** The row the cursor is on: the table line that starts with the marker. */
const cursorRow = (screen: string) => firstCell(screen.split('\n').find((l) => l.startsWith('›')));
/** The first row shown under the table's header line (the scroll position). */
const firstRow = (screen: string) => {
  const lines = screen.split('\n');
  return firstCell(lines[lines.findIndex((l) => /SITE ID|USER ID/.test(l)) + 1]);
};

async function within<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await fn();
  expect(Date.now() - started).toBeLessThanOrEqual(ms);
  return result;
}

describe('live lists, details, history and edit forms (LISTEN/NOTIFY)', () => {
  it('follows inserts, updates and deletes by psql and another cabinet, keeping the cursor by id; an open edit form says who changed its row', async () => {
    const a = open(db.url, 'anna');
    const b = open(db.url, 'carla');
    await a.waitFor('live · read-write', 20_000);
    await b.waitFor('live · read-write', 20_000);

    // A: the cursor on s05.
    a.keys('j', 'j', 'j', 'j');
    await a.waitFor((s) => cursorRow(s) === 's05');

    // An insert above the cursor: shown without a key; the cursor stays on s05 and the view on s01.
    await db.query(`insert into sites (site_id, domain, brand_name, ai_prompt) values ('s03b', 's03b.example', 'Inserted by psql', 'x')`);
    let screen = await within(LIVE_MS, () => a.waitFor('Inserted by psql', LIVE_MS));
    expect(cursorRow(screen)).toBe('s05');
    expect(firstRow(screen)).toBe('s01');
    expect(screen).toContain('Sites (41)');

    // An update of another row.
    await db.query(`update sites set brand_name = 'Renamed by psql' where site_id = 's07'`);
    screen = await within(LIVE_MS, () => a.waitFor('Renamed by psql', LIVE_MS));
    expect(cursorRow(screen)).toBe('s05');

    // The row under the cursor is deleted: the cursor goes to its neighbour, and the console says so.
    await db.query(`delete from sites where site_id = 's05'`);
    screen = await within(LIVE_MS, () => a.waitFor('site s05 was deleted; the cursor is on s06', LIVE_MS));
    expect(cursorRow(screen)).toBe('s06');
    expect(screen).not.toMatch(/^\s+s05\s/m);
    expect(screen).toContain('Sites (40)');

    // B edits s10; another cabinet (boris) saves a new prompt meanwhile: B's form says so at once.
    b.type('/');
    b.type('s10');
    b.keys('Enter');
    await b.waitFor((s) => cursorRow(s) === 's10');
    b.type('e');
    await b.waitFor('Edit site s10');
    const set = await runCabinet(['sites', 'set', 's10', '--ai-prompt-file', '-', '--actor', 'boris'], {
      env: cleanEnv({ DATABASE_URL: db.url }),
      input: 'the prompt boris wrote\n',
    });
    expect(set.code, set.stderr).toBe(0);
    screen = await within(LIVE_MS, () => b.waitFor(/⚠ changed by boris (just now|\d+ s ago): prompt; Ctrl-S will show the conflict/, LIVE_MS));
    // A's list took the other cabinet's write too (the prompt size column), without a key.
    await a.waitFor(/s10\s+s10\.example\s+Brand 10\s+en\s+23/, LIVE_MS);
    // B types on and saves: the conflict, not an overwrite.
    b.keys('Tab');
    b.type(' X');
    b.keys('C-s');
    screen = await b.waitFor('changed underneath');
    expect(screen).toContain('changed by boris');
    expect((await db.query(`select brand_name, ai_prompt from sites where site_id = 's10'`)).rows[0]).toEqual({ brand_name: 'Brand 10', ai_prompt: 'the prompt boris wrote\n' });

    // A's detail follows a prompt change by psql.
    a.keys('Enter');
    await a.waitFor('Site s06');
    await db.query(`update sites set ai_prompt = 'a prompt psql wrote just now' where site_id = 's06'`);
    await within(LIVE_MS, () => a.waitFor('a prompt psql wrote just now', LIVE_MS));

    // A's history of s10: the cursor on boris's revision stays there when psql's change lands above it.
    a.keys('Escape');
    await a.waitFor((s) => cursorRow(s) === 's06');
    a.type('/');
    a.type('s10');
    a.keys('Enter');
    await a.waitFor((s) => cursorRow(s) === 's10');
    a.type('h');
    await a.waitFor(/rev 1\s+v2/);
    a.keys('j');
    screen = await a.waitFor((s) => /^›\s+rev 1 /m.test(s));
    await db.query(`update sites set brand_name = 'Brand ten' where site_id = 's10'`);
    screen = await within(LIVE_MS, () => a.waitFor((s) => /v2→v3 .*changed outside cabinet.*brand name/.test(s) && /^›\s+rev 1 /m.test(s), LIVE_MS));
    expect(screen).toMatch(/now\s+v3/);
  });

  it('users: the list, the cursor by id as sign-ins reorder it, and the detail follow psql', async () => {
    const a = open(db.url, 'anna');
    await a.waitFor('live · read-write', 20_000);
    a.type(':');
    a.type('users');
    a.keys('Enter');
    await a.waitFor('u001');
    a.keys('j', 'j');
    await a.waitFor((s) => cursorRow(s) === 'u003');

    // A sign-in by u050 (the platform bumps last_seen) moves it to the top, above the cursor.
    await db.query(`update users set last_seen = now() where user_id = 'u050'`);
    let screen = await within(LIVE_MS, () => a.waitFor((s) => firstRow(s) === 'u050', LIVE_MS));
    expect(cursorRow(screen)).toBe('u003');

    // A new user, seen now: on top too; the cursor stays.
    await db.query(`insert into users (user_id, email, last_seen) values ('u-new', 'new@example.com', now() + interval '1 minute')`);
    screen = await within(LIVE_MS, () => a.waitFor('new@example.com', LIVE_MS));
    expect(firstRow(screen)).toBe('u-new');
    expect(cursorRow(screen)).toBe('u003');

    // The detail of u003 follows an email change.
    a.keys('Enter');
    await a.waitFor('User u003');
    await db.query(`update users set email = 'changed@example.com' where user_id = 'u003'`);
    await within(LIVE_MS, () => a.waitFor(/email\s+changed@example\.com/, LIVE_MS));

    // Editing u003: a sign-in meanwhile is said, and does not stand in the way; an email changed by psql is a conflict.
    a.type('e');
    await a.waitFor('Edit user u003');
    await db.query(`update users set last_seen = now() where user_id = 'u003'`);
    await within(LIVE_MS, () => a.waitFor(/⚠ changed outside cabinet (just now|\d+ s ago): last seen; your email change still applies on top/, LIVE_MS));
    await db.query(`update users set email = 'psql@example.com' where user_id = 'u003'`);
    await within(LIVE_MS, () => a.waitFor(/⚠ changed outside cabinet (just now|\d+ s ago): email; Ctrl-S will show the conflict/, LIVE_MS));
    a.keys('C-u');
    a.type('mine@example.com');
    a.keys('C-s');
    screen = await a.waitFor('Someone changed this user');
    expect(screen).toMatch(/theirs\s+psql@example\.com/);
    expect((await db.query(`select email from users where user_id = 'u003'`)).rows[0]).toEqual({ email: 'psql@example.com' });
  });

  it('users: an import of hundreds (the trigger quiet, one notice for the table from the import) shows without a key', async () => {
    const a = open(db.url, 'anna');
    await a.waitFor('live · read-write', 20_000);
    a.type(':');
    a.type('users');
    a.keys('Enter');
    await a.waitFor('u001');
    const future = Date.now() + 86_400_000;
    const lines = Array.from({ length: 500 }, (_, i) =>
      JSON.stringify({ user_id: `imp-${String(i).padStart(4, '0')}`, email: `imported${i}@example.com`, last_seen: new Date(future + i * 1000).toISOString() }),
    );
    const r = await runCabinet(['users', 'import', '--yes'], { env: cleanEnv({ DATABASE_URL: db.url }), input: lines.join('\n') + '\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Created 500 users/);
    // The last seen of them is on top.
    const screen = await within(LIVE_MS, () => a.waitFor((s) => firstRow(s) === 'imp-0499', LIVE_MS));
    expect(screen).toContain('imported499@example.com');
  });
});

describe('polling fallback through PgBouncer in transaction mode', () => {
  let bouncer: Bouncer;
  beforeAll(async () => {
    bouncer = await startBouncer('transaction');
  });
  afterAll(async () => {
    await bouncer?.stop();
  });

  it('LISTEN cannot hold there: the header says polling 3s, and a psql change still shows without a key', async () => {
    const a = open(bouncer.url(db.name), 'anna');
    await a.waitFor('polling 3s · read-write', 10_000);
    await a.waitFor((s) => cursorRow(s) === 's01');
    await db.query(`update sites set brand_name = 'Polled brand' where site_id = 's02'`);
    // One poll interval (3 s) and the refresh of the rows on screen.
    await within(4500, () => a.waitFor('Polled brand', 4500));
    await db.query(`delete from sites where site_id = 's01'`);
    const screen = await a.waitFor('site s01 was deleted; the cursor is on s02', 4500);
    expect(cursorRow(screen)).toBe('s02');
  });
});
