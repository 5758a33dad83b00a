import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { USER_SCHEMA } from '../../src/schema/user-schema.ts';
import type { UserInput } from '../../src/services/types.ts';
import { openRealConsole } from './real-console.ts';
import { KEY, renderConsole, selectedRow } from './render-console.tsx';

/** The users screen on the real services and a real database: order, filter and paging are the service's; writes are checked in the table. */
const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString();
const USERS: UserInput[] = [
  { userId: '280000000000000001', email: 'anna@example.com', firstSeen: day(3), lastSeen: day(3) },
  { userId: '280000000000000002', email: 'bernd@example.de', firstSeen: day(9), lastSeen: day(9) },
  { userId: '280000000000000003', email: 'chiara@example.it', firstSeen: day(5), lastSeen: day(5) },
] as UserInput[];

let rc: Awaited<ReturnType<typeof openRealConsole>>;
let current: { unmount(): void } | undefined;
beforeAll(async () => {
  rc = await openRealConsole('ui_users');
});
afterAll(async () => rc?.close());
beforeEach(async () => {
  await rc.reset({ users: USERS });
});
afterEach(() => {
  current?.unmount();
  current = undefined;
});

async function openUsers(heading = 'Users (3)') {
  const services = rc.services;
  const c = renderConsole(services);
  current = c;
  await c.waitFor('Sites (0)');
  await c.press(':');
  await c.type('users');
  await c.press(KEY.enter);
  await c.waitFor(heading);
  return { c, services };
}

/** The user's row as the database holds it (null when there is none). */
const userRow = async (userId: string) => (await rc.psql('select * from users where user_id = $1', [userId])).rows[0] ?? null;

const order = (frame: string) => USERS.map((u) => [u.email, frame.indexOf(u.email)] as const).sort((a, b) => a[1] - b[1]).map(([e]) => e);

describe('users', () => {
  it('lists users most recently seen first, filters by email or id on the server, and opens one', async () => {
    const { c } = await openUsers();
    expect(order(c.frame())).toEqual(['bernd@example.de', 'chiara@example.it', 'anna@example.com']);
    // The columns, left to right, as src/schema/user-table.ts gives them.
    expect(c.frame()).toMatch(/USER ID\s+EMAIL\s+LAST SEEN/);
    await c.press('/');
    await c.type('.it');
    let frame = await c.waitFor((f) => f.includes('Users (1)') && f.includes('chiara'));
    expect(frame).toContain('chiara@example.it');
    await c.press(KEY.esc);
    await c.press('/');
    await c.type('0001');
    frame = await c.waitFor((f) => f.includes('Users (1)') && f.includes('anna@example.com'));
    expect(frame).toContain('anna@example.com');
    expect(frame).not.toContain('bernd@example.de');
    await c.press(KEY.enter, KEY.enter);
    await c.waitFor('User 280000000000000001');
    frame = await c.waitFor(/email\s+anna@example\.com/);
    expect(frame).toMatch(/first seen\s+2026-01-04T00:00:00\.000Z/);
    expect(frame).toMatch(/last seen\s+2026-01-04T00:00:00\.000Z/);
  });

  it('s cycles the sort through exactly the fields the users table marks sortable, each in its natural direction, and orders the rows by it', async () => {
    // Read from the table itself (src/schema/user-table.ts), not from the screen: the rows with a `sort`, by rank.
    const sortable = USER_SCHEMA.flatMap((f) => ('sort' in f ? [{ ...f, sort: f.sort as { rank: number; descending?: boolean } }] : [])).sort((a, b) => a.sort.rank - b.sort.rank);
    expect(sortable.map((f) => f.name)).toEqual(['lastSeen', 'firstSeen', 'email', 'userId']);
    const { c } = await openUsers();
    const seen: string[] = [];
    for (const [i, f] of sortable.entries()) {
      if (i > 0) await c.press('s');
      const value = (u: UserInput) => String((u as Record<string, unknown>)[f.name]);
      const expected = [...USERS].sort((a, b) => (value(a).localeCompare(value(b)) || a.userId.localeCompare(b.userId)) * (f.sort.descending ? -1 : 1)).map((u) => u.email);
      // The title says the new order at once; the rows follow when the service answers.
      const sorted = `sorted by ${f.label} ${f.sort.descending ? '▼' : '▲'}`;
      const frame = await c.waitFor((s) => s.includes(sorted) && order(s).join() === expected.join());
      expect(order(frame), f.name).toEqual(expected);
      seen.push(f.name);
    }
    // One more s comes back to the first: the list offers no sort the table does not hold.
    await c.press('s');
    await c.waitFor(`sorted by ${sortable[0]!.label} ▼`);
    expect(seen).toHaveLength(sortable.length);
  });

  it('creates a user with first seen defaulting to now', async () => {
    const { c } = await openUsers();
    await c.press('n');
    let frame = await c.waitFor('New user');
    expect(frame).toMatch(/first seen\s+\d{4}-\d\d-\d\dT/);
    // The form's fields, in order, as src/schema/user-table.ts gives them, each checked as typed; no last seen.
    expect(frame).toMatch(/› user id[^\n]*user id is required \(the Zit[\s\S]*\n  email[^\n]*email is required\n  first seen/);
    expect(frame).not.toContain('last seen');
    await c.type('290000000000000009');
    await c.press(KEY.enter);
    await c.type('not-an-email');
    await c.waitFor('email is not a valid address');
    await c.press(KEY.ctrlS);
    await c.waitFor('fix this first: email is not a valid address');
    expect(await userRow('290000000000000009')).toBeNull();
    for (let i = 0; i < 'not-an-email'.length; i++) await c.press(KEY.backspace);
    await c.type('dora@example.org');
    await c.press(KEY.ctrlS);
    frame = await c.waitFor('created user 290000000000000009');
    const row = await userRow('290000000000000009');
    expect(row).toMatchObject({ email: 'dora@example.org' });
    expect(Math.abs((row!.first_seen as Date).getTime() - Date.now())).toBeLessThan(60_000);
    await c.waitFor('User 290000000000000009');
  });

  it('edits the email, shows the change before writing it, and writes it', async () => {
    const { c } = await openUsers();
    await c.press('e');
    await c.waitFor('Edit user 280000000000000002');
    for (let i = 0; i < 'example.de'.length; i++) await c.press(KEY.backspace);
    await c.type('beispiel.de');
    await c.press(KEY.enter);
    // The change is shown before anything is written.
    await c.waitFor(/Save this change to user 280000000000000002\?.*\n\s+email\s+bernd@example\.de → bernd@beispiel\.de/);
    expect(await userRow('280000000000000002')).toMatchObject({ email: 'bernd@example.de', version: 1 });
    await c.press('y');
    await c.waitFor('saved user 280000000000000002: email');
    expect(await userRow('280000000000000002')).toMatchObject({ email: 'bernd@beispiel.de', version: 2 });
    await c.waitFor('bernd@beispiel.de');
  });

  it('deletes a user only after y', async () => {
    const { c } = await openUsers();
    await c.press('j', 'd');
    await c.waitFor('Delete user 280000000000000003 (chiara@example.it)?');
    await c.press('n');
    await c.waitFor('Users (3)');
    expect(await userRow('280000000000000003')).not.toBeNull();
    await c.press('d');
    await c.waitFor('Delete user 280000000000000003');
    await c.press('y');
    await c.waitFor('deleted user 280000000000000003');
    await c.waitFor('Users (2)');
    expect(await userRow('280000000000000003')).toBeNull();
    expect(await userRow('280000000000000001')).not.toBeNull();
    expect(selectedRow(c.frame())).toBeDefined();
  });

  it('pages by the service’s cursor, never a growing offset, and holds at most three pages: going back up fetches a dropped page again by its cursor', async () => {
    // 5,000 users written by SQL, u4999 seen last.
    await rc.psql('truncate users, user_revisions');
    await rc.psql(
      `insert into users (user_id, email, first_seen, last_seen)
       select '3' || lpad(i::text, 17, '0'), 'u' || i || '@example.com', t, t
       from generate_series(0, 4999) i, lateral (select timestamptz '2026-01-01 00:00:00Z' + i * interval '1 minute' as t) s`,
    );
    const { c, services } = await openUsers('Users (200 shown, more below)');
    expect(c.frame()).toContain('u4999@example.com');
    // G: to the last row held; each time the next page comes, by cursor.
    for (let page = 2; page <= 7; page++) {
      await c.press('G');
      await c.waitFor(`Users (${(page * 200).toLocaleString('en')} shown, more below)`);
    }
    const lists = services.callsTo('users.list').map((call) => call.args[0] as { after?: string; offset?: number });
    expect(lists[0]).toMatchObject({ offset: 0, limit: 200 });
    for (const options of lists.slice(1)) {
      expect(options.after).toEqual(expect.any(String));
      expect(options.offset).toBeUndefined();
    }
    // The cursor is 1,199 rows down, on the last row of the 6th page.
    expect(c.frame()).toContain('u3800@example.com');
    // Up past the rows still held (pages 5–7): page 4 is fetched again with the cursor that first fetched it.
    const cursorOfPage4 = lists[3]!.after;
    const before = lists.length;
    for (let i = 0; i < 30 && services.callsTo('users.list').length === before; i++) await c.press(KEY.pageUp);
    await c.waitFor(() => services.callsTo('users.list').length > before);
    expect((services.callsTo('users.list').at(-1)!.args[0] as { after?: string }).after).toBe(cursorOfPage4);
    // g goes back to the very top, fetched afresh.
    await c.press('g');
    await c.waitFor('u4999@example.com');
  });
});
