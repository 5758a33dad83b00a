import { afterEach, describe, expect, it } from 'vitest';
import { fakeServices, user, type FakeServices } from './fake-services.ts';
import { KEY, renderConsole, selectedRow } from './render-console.tsx';

const USERS = [
  user({ userId: '280000000000000001', email: 'anna@example.com' }, 3),
  user({ userId: '280000000000000002', email: 'bernd@example.de' }, 9),
  user({ userId: '280000000000000003', email: 'chiara@example.it' }, 5),
];

let current: { unmount(): void } | undefined;
afterEach(() => current?.unmount());

async function openUsers(services: FakeServices = fakeServices({ users: USERS })) {
  const c = renderConsole(services);
  current = c;
  await c.waitFor('Sites (0)');
  await c.press(':');
  await c.type('users');
  await c.press(KEY.enter);
  await c.waitFor('Users (3)');
  return { c, services };
}

const order = (frame: string) => USERS.map((u) => [u.email, frame.indexOf(u.email)] as const).sort((a, b) => a[1] - b[1]).map(([e]) => e);

describe('users', () => {
  it('lists users most recently seen first, filters by email or id on the server, and opens one', async () => {
    const { c, services } = await openUsers();
    expect(order(c.frame())).toEqual(['bernd@example.de', 'chiara@example.it', 'anna@example.com']);
    // The columns, left to right, as src/schema/user-table.ts gives them.
    expect(c.frame()).toMatch(/USER ID\s+EMAIL\s+LAST SEEN/);
    expect(services.callsTo('users.list')[0]?.args[0]).toMatchObject({ sort: 'lastSeen', descending: true });
    await c.press('/');
    await c.type('.it');
    let frame = await c.waitFor((f) => f.includes('Users (1)') && f.includes('chiara'));
    expect(frame).toContain('chiara@example.it');
    await c.press(KEY.esc);
    await c.press('/');
    await c.type('0001');
    frame = await c.waitFor((f) => f.includes('Users (1)') && f.includes('anna@example.com'));
    expect(frame).toContain('anna@example.com');
    expect(services.callsTo('users.list').at(-1)?.args[0]).toMatchObject({ filter: '0001' });
    await c.press(KEY.enter, KEY.enter);
    frame = await c.waitFor('User 280000000000000001');
    expect(frame).toMatch(/email\s+anna@example\.com/);
    expect(frame).toMatch(/first seen\s+2026-01-04T00:00:00\.000Z/);
    expect(frame).toMatch(/last seen\s+2026-01-04T00:00:00\.000Z/);
  });

  it('creates a user with first seen defaulting to now', async () => {
    const { c, services } = await openUsers();
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
    expect(services.callsTo('users.create')).toHaveLength(0);
    for (let i = 0; i < 'not-an-email'.length; i++) await c.press(KEY.backspace);
    await c.type('dora@example.org');
    await c.press(KEY.ctrlS);
    frame = await c.waitFor('created user 290000000000000009');
    const input = services.callsTo('users.create')[0]?.args[0] as { userId: string; email: string; firstSeen: string };
    expect(input).toMatchObject({ userId: '290000000000000009', email: 'dora@example.org' });
    expect(Math.abs(Date.parse(input.firstSeen) - Date.now())).toBeLessThan(60_000);
    await c.waitFor('User 290000000000000009');
  });

  it('edits the email with validation and passes the version it started from', async () => {
    const { c, services } = await openUsers();
    await c.press('e');
    await c.waitFor('Edit user 280000000000000002');
    for (let i = 0; i < 'example.de'.length; i++) await c.press(KEY.backspace);
    await c.type('beispiel.de');
    await c.press(KEY.enter);
    // The change is shown before anything is written.
    await c.waitFor(/Save this change to user 280000000000000002\?.*\n\s+email\s+bernd@example\.de → bernd@beispiel\.de/);
    expect(services.callsTo('users.update')).toHaveLength(0);
    await c.press('y');
    await c.waitFor('saved user 280000000000000002: email');
    expect(services.callsTo('users.update')[0]?.args).toEqual(['280000000000000002', { email: 'bernd@beispiel.de' }, { expectedVersion: 1 }]);
    await c.waitFor('bernd@beispiel.de');
  });

  it('deletes a user only after y', async () => {
    const { c, services } = await openUsers();
    await c.press('j', 'd');
    await c.waitFor('Delete user 280000000000000003 (chiara@example.it)?');
    await c.press('n');
    await c.waitFor('Users (3)');
    expect(services.callsTo('users.delete')).toHaveLength(0);
    await c.press('d');
    await c.waitFor('Delete user 280000000000000003');
    await c.press('y');
    await c.waitFor('deleted user 280000000000000003');
    await c.waitFor('Users (2)');
    expect(services.callsTo('users.delete')[0]?.args[0]).toBe('280000000000000003');
    expect(selectedRow(c.frame())).toBeDefined();
  });

  it('pages by the service’s cursor, never a growing offset, and holds at most three pages: going back up fetches a dropped page again by its cursor', async () => {
    const many = Array.from({ length: 5000 }, (_, i) => user({ userId: `3${String(i).padStart(17, '0')}`, email: `u${i}@example.com`, lastSeen: new Date(Date.UTC(2026, 0, 1) + i * 60_000) }));
    const services = fakeServices({ users: many });
    const c = renderConsole(services);
    current = c;
    await c.waitFor('Sites (0)');
    await c.press(':');
    await c.type('users');
    await c.press(KEY.enter);
    await c.waitFor('Users (200 shown, more below)');
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
