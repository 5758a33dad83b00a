import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openReader } from '../../src/db/open-reader.ts';
import { openSession } from '../../src/db/session.ts';
import { openConsoleServices, type OpenedConsoleServices } from '../../src/services/console-services.ts';
import { createMigratedDatabase } from '../helpers/db.ts';
import { KEY, renderConsole } from './render-console.tsx';

/** Bursts of control keys (one stdin read) in the console on the real services. */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
let opened: OpenedConsoleServices;
let current: { unmount(): void } | undefined;

beforeAll(async () => {
  db = await createMigratedDatabase('ui_line');
  await db.query(`insert into sites (site_id, domain, brand_name) values ('acme-de', 'acme.de', 'ACME'), ('beta-fr', 'beta.fr', 'Beta')`);
  opened = await openConsoleServices({ openReader: () => openReader({ databaseUrl: db.url }), openDb: (o) => openSession({ databaseUrl: db.url, ...o }) }, () => {});
});
afterAll(async () => {
  await opened?.close();
  await db?.close();
});
afterEach(() => current?.unmount());

const filterLine = (frame: string) => frame.split('\n').find((l) => l.startsWith('/')) ?? '';

describe('a burst of keys in one read', () => {
  it('two Ctrl-W in one read delete two words of the filter; Ctrl-U with text before it in the same read clears it', async () => {
    const c = renderConsole(opened.services);
    current = c;
    await c.waitFor('Sites (2)');
    await c.press('/');
    await c.type('one two three');
    await c.waitFor('Nothing matches “one two three”');
    c.ui.stdin.write('\x17\x17');
    await c.waitFor((f) => /^\/one  /.test(filterLine(f)));
    c.ui.stdin.write('zz\x15acme');
    const frame = await c.waitFor('Sites (1)');
    expect(filterLine(frame)).toMatch(/^\/acme /);
    // Ctrl-G (the footer's help) is not swallowed by the filter.
    await c.press(KEY.ctrlG);
    await c.waitFor('close help');
  });
});
