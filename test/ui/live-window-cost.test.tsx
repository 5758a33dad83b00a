import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReader } from '../../src/db/open-reader.ts';
import { openSession } from '../../src/db/session.ts';
import { openConsoleServices, type OpenedConsoleServices } from '../../src/services/console-services.ts';
import type { ListOptions, UserSortKey } from '../../src/services/types.ts';
import { createMigratedDatabase } from '../helpers/db.ts';
import { KEY, renderConsole, selectedRow } from './render-console.tsx';

/**
 * Issue #14: a live users list over a big table costs what is on screen, not what is in the table. The
 * real services on a real database of 50,000 users (the same queries as at a million: keyset pages on
 * the (last_seen, user_id) index), with users.list counted: what a change costs is the number of list
 * queries and the rows they fetch.
 */
const USERS = 50_000;

let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
let opened: OpenedConsoleServices;
const calls: { options: ListOptions<UserSortKey>; rows: number }[] = [];

beforeAll(async () => {
  db = await createMigratedDatabase('live_cost');
  await db.query(
    `insert into users (user_id, email, last_seen)
       select 'u' || lpad(g::text, 6, '0'), 'user' || g || '@example.com', timestamptz '2026-11-01' - g * interval '1 minute' from generate_series(1, ${USERS}) g`,
  );
  await db.query('analyze users');
  opened = await openConsoleServices({ openReader: () => openReader({ databaseUrl: db.url }), openDb: () => openSession({ databaseUrl: db.url }) }, () => {});
  const list = opened.services.users.list;
  opened.services.users.list = async (options = {}) => {
    const page = await list(options);
    calls.push({ options, rows: page.rows.length });
    return page;
  };
}, 120_000);
afterAll(async () => {
  await opened?.close();
  await db?.close();
});

const shownIds = (frame: string) => [...frame.matchAll(/^[› ] (u\d{6})\b/gm)].map((m) => m[1]!);

describe('a live users list over 50,000 rows', () => {
  it('refreshes only the rows on screen, from the row above them by keyset; a change off screen costs one such query, a bulk write one too', async () => {
    const c = renderConsole(opened.services as never, { columns: 100, rows: 30 });
    try {
      await c.waitFor('Sites (0)');
      await c.press(':');
      await c.type('users');
      await c.press(KEY.enter);
      await c.waitFor('u000001');
      // Deep into the second page of 200: rows 230… on screen.
      for (let i = 0; i < 15; i++) await c.press(KEY.pageDown);
      let frame = await c.waitFor((f) => Number(shownIds(f)[0]?.slice(1)) > 200 && (selectedRow(f) ?? '').includes('u000'));
      await expect.poll(() => opened.services.live.mode().kind, { timeout: 8000 }).toBe('live');
      // Settle: the check made when listening began.
      await new Promise((r) => setTimeout(r, 500));
      frame = c.frame();
      const shown = shownIds(frame);
      expect(shown.length).toBeGreaterThan(10);
      expect(shown.length).toBeLessThan(30);
      expect(Number(shown[0]!.slice(1))).toBeGreaterThan(200);

      // A sign-in of a user far off screen: one query for the rows on screen, after the row above them.
      calls.length = 0;
      await db.query(`update users set email = 'moved@example.com' where user_id = 'u049999'`);
      await expect.poll(() => calls.length, { timeout: 2000 }).toBe(1);
      await new Promise((r) => setTimeout(r, 400));
      expect(calls).toHaveLength(1);
      expect(calls[0]!.options.limit).toBe(shown.length);
      expect(calls[0]!.options.after).toBeDefined();
      expect(calls[0]!.rows).toBe(shown.length);
      expect(shownIds(c.frame())).toEqual(shown);

      // Five thousand rows written in one statement (an import): still one query of the rows on screen.
      calls.length = 0;
      await db.query(`update users set email = email || '.x' where user_id between 'u030000' and 'u034999'`);
      await expect.poll(() => calls.length, { timeout: 2000 }).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 400));
      expect(calls).toHaveLength(1);
      expect(calls[0]!.rows).toBeLessThanOrEqual(shown.length);

      // A change on screen shows, for the same single query.
      calls.length = 0;
      const target = shown[3]!;
      await db.query(`update users set email = 'seen-live@example.com' where user_id = $1`, [target]);
      frame = await c.waitFor('seen-live@example.com', 2000);
      expect(calls).toHaveLength(1);
      expect(shownIds(frame)).toEqual(shown);
    } finally {
      c.unmount();
    }
  }, 60_000);
});
