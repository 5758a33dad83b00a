import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCabinet } from '../helpers/cli.ts';
import { createMigratedDatabase } from '../helpers/db.ts';
import { binCabinet, ensureBuilt, startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';

/**
 * Issue #17: what a new admin reads in the first hour, read off the real console in tmux at the sizes
 * people use (120×35, a default 80×24, a phone's 60×15). Rows are written by psql where cabinet would not.
 */

let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
const sessions: TmuxSession[] = [];

beforeAll(async () => {
  ensureBuilt();
  db = await createMigratedDatabase('e2e_read');
  // 6 demo sites and 300 users, through the real binary.
  const seeded = await runCabinet(['seed', '--demo'], { env: terminalEnv({ DATABASE_URL: db.url }) });
  expect(seeded.code, seeded.stderr).toBe(0);
  // psql creates a site and then changes it: two writes, no revision.
  await db.query(
    "insert into sites (site_id, domain, brand_name, language, ai_prompt) values ('psql-made', 'psql-made.example', 'Made by psql', 'en', 'Hello.')",
  );
  await db.query("update sites set brand_name = 'Changed by psql' where site_id = 'psql-made'");
  await db.query("insert into users (user_id, email, first_seen, last_seen) values ('100000000000000017', 'psql17@example.com', now(), now())");
  await db.query("update users set email = 'psql17@changed.example' where user_id = '100000000000000017'");
  // One site created through cabinet: one revision.
  const created = await runCabinet(
    ['sites', 'create', 'one-rev', '--domain', 'one-rev.example', '--brand-name', 'One', '--language', 'en', '--ai-prompt-file', '-'],
    { env: terminalEnv({ DATABASE_URL: db.url }), input: 'Hi.' },
  );
  expect(created.code, created.stderr).toBe(0);
}, 60_000);
afterAll(async () => {
  await db?.close();
});
afterEach(() => {
  for (const s of sessions.splice(0)) s.kill();
});

function open(width = 120, height = 35, extra: Record<string, string> = {}): TmuxSession {
  const t = startTmux([binCabinet], { env: terminalEnv({ DATABASE_URL: db.url, ...extra }), width, height });
  sessions.push(t);
  return t;
}

/** `:name` Enter, once the command line shows what was typed. */
async function goTo(t: TmuxSession, name: string): Promise<void> {
  t.type(`:${name}`);
  await t.waitFor(`:${name}`);
  t.keys('Enter');
}

async function filterTo(t: TmuxSession, text: string): Promise<void> {
  t.type('/');
  t.type(text);
  await t.waitFor(/Sites \(1\)/);
  t.keys('Enter');
}

describe('counts that are counts (#17.3)', () => {
  it('a list with more rows on the server says how many are shown, not "200+"', async () => {
    const t = open();
    await t.waitFor('Sites (8)');
    await goTo(t, 'users');
    const screen = await t.waitFor('Users (');
    expect(screen).toContain('Users (200 shown, more below)');
    expect(screen).not.toContain('200+');
  });

  it('one revision is "1 revision"; a row psql created and then changed says so', async () => {
    const t = open();
    await t.waitFor('Sites (8)');
    await filterTo(t, 'one-rev');
    t.type('h');
    let screen = await t.waitFor('History of one-rev');
    screen = await t.waitFor('rev 1');
    expect(screen).toContain('1 revision · newest first');

    const p = open();
    await p.waitFor('Sites (8)');
    await filterTo(p, 'psql-made');
    p.type('h');
    screen = await p.waitFor('outside cabinet');
    expect(screen).toContain('0 revisions');
    expect(screen).toMatch(/v2\s+\S+ \S+\s+created and changed outside cabinet \(2 writes\)/);

    const u = open();
    await u.waitFor('Sites (8)');
    await goTo(u, 'users');
    await u.waitFor('Users (');
    u.type('/');
    u.type('psql17');
    await u.waitFor('Users (1)');
    u.keys('Enter');
    u.type('h');
    screen = await u.waitFor('outside cabinet');
    expect(screen).toContain('0 revisions');
    expect(screen).toMatch(/v2\s+\S+ \S+\s+created and changed outside cabinet \(2 writes\)/);
  });
});
