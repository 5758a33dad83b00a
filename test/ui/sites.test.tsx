import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SiteInput } from '../../src/services/types.ts';
import { openRealConsole } from './real-console.ts';
import { KEY, renderConsole, selectedRow } from './render-console.tsx';

/** The sites list and delete on the real services and a real database: the order, filter and counts are the service's. */
const SITES: SiteInput[] = [
  { siteId: 'acme-de', domain: 'acme.de', brandName: 'ACME', language: 'de', aiPrompt: 'Du bist der Assistent von ACME.' },
  { siteId: 'beta-fr', domain: 'beta.fr', brandName: 'Beta', language: 'fr', aiPrompt: 'x'.repeat(12_345) },
  { siteId: 'muenchen', domain: 'münchen.de', brandName: 'München GmbH', language: 'de', aiPrompt: 'Grüß Gott.' },
  { siteId: 'tokyo', domain: 'tokyo.jp', brandName: '東京ショップ', language: 'ja', aiPrompt: Array.from({ length: 80 }, (_, i) => `Zeile ${i + 1}`).join('\n') },
];

let rc: Awaited<ReturnType<typeof openRealConsole>>;
let current: { unmount(): void } | undefined;
beforeAll(async () => {
  rc = await openRealConsole('ui_sites');
});
afterAll(async () => rc?.close());
beforeEach(async () => {
  await rc.reset({ sites: SITES });
});
afterEach(() => {
  current?.unmount();
  current = undefined;
});

function open(options: { columns?: number; rows?: number } = {}) {
  const services = rc.services;
  const c = renderConsole(services, options);
  current = c;
  return { c, services };
}

type Services = typeof rc.services;
const listCalls = (services: Services) => services.callsTo('sites.list').map((c) => c.args[0] as { filter?: string; sort?: string; descending?: boolean });
/** The site ids in the order the frame shows them. */
const shownOrder = (frame: string) =>
  SITES.map((s) => [s.siteId, frame.search(new RegExp(`^(› |  )${s.siteId}\\s`, 'm'))] as const)
    .filter(([, i]) => i >= 0)
    .sort((a, b) => a[1] - b[1])
    .map(([id]) => id);

describe('sites list', () => {
  it('shows every column, the domain in Unicode, sizes, and keeps rows to one line at 60 columns', async () => {
    const { c } = open({ columns: 60, rows: 20 });
    const frame = await c.waitFor('Sites (4)');
    expect(frame).toContain('münchen.de');
    expect(frame).not.toContain('xn--mnchen');
    expect(frame).toContain('東京ショップ');
    for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(60);
    c.resize(120, 30);
    const wide = await c.waitFor('CREATED');
    expect(wide).toMatch(/beta-fr.*\s12k\s/);
    expect(wide).toMatch(/tokyo\s+tokyo\.jp\s+東京ショップ\s+ja/);
  });

  it('moves with j/k/G/g and arrows, opens a site with Enter, scrolls its prompt, and Esc returns to the same row', async () => {
    const { c } = open({ columns: 100, rows: 24 });
    await c.waitFor('Sites (4)');
    expect(selectedRow(c.frame())).toContain('acme-de');
    await c.press('G');
    await c.waitFor((f) => selectedRow(f)?.includes('tokyo') ?? false);
    await c.press('k', KEY.up);
    await c.waitFor((f) => selectedRow(f)?.includes('beta-fr') ?? false);
    await c.press('g', 'j', KEY.down, KEY.down);
    await c.waitFor((f) => selectedRow(f)?.includes('tokyo') ?? false);
    await c.press(KEY.enter);
    let frame = await c.waitFor('Zeile 1');
    expect(frame).toContain('東京ショップ');
    expect(frame).toMatch(/Prompt\s+[\d,]+ chars · [\d,]+ bytes · ≈\d+ tokens/);
    expect(frame).not.toContain('Zeile 80');
    await c.press('G');
    frame = await c.waitFor('Zeile 80');
    await c.press(KEY.pageUp);
    await c.waitFor((f) => !f.includes('Zeile 80'));
    await c.press(KEY.esc);
    await c.waitFor('Sites (4)');
    expect(selectedRow(c.frame())).toContain('tokyo');
  });

  it('filters on the server as you type, debounced, and drops an answer that arrives after a newer one', async () => {
    const { c, services } = open();
    await c.waitFor('Sites (4)');
    // The query for "be" answers slowly; the newer one for "acm" quickly, while "be" is still in flight.
    services.delay.set('sites.list', (call) => ((call.args[0] as { filter?: string }).filter === 'be' ? 600 : 0));
    await c.press('/');
    await c.type('be');
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(listCalls(services).at(-1)?.filter).toBe('be');
    await c.press(KEY.backspace, KEY.backspace);
    await c.type('acm');
    await c.waitFor((f) => f.includes('Sites (1)') && f.includes('acme-de'));
    // Wait past the slow answer: it must not replace the newer result.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(c.frame()).toContain('acme-de');
    expect(c.frame()).not.toContain('beta-fr');
    const filters = listCalls(services).map((o) => o.filter);
    // Typed a character at a time, but queried once per pause (debounce), never per keystroke.
    expect(filters).toContain('acm');
    expect(filters).not.toContain('ac');
    expect(filters).not.toContain('a');
    // Enter keeps the filter; j/k move again; Esc clears it.
    await c.press(KEY.enter);
    expect(c.frame()).toMatch(/\/acm/);
    await c.press(KEY.esc);
    const all = await c.waitFor('Sites (4)');
    expect(shownOrder(all)).toEqual(['acme-de', 'beta-fr', 'muenchen', 'tokyo']);
  });

  it('finds a site by its brand through the service filter, and a site stored only by psql too', async () => {
    await rc.psql(`insert into sites (site_id, domain, brand_name, language, ai_prompt) values ('gmbh-at', 'gmbh.at', 'Wien GmbH', 'de', 'Servus.')`);
    const { c } = open();
    await c.waitFor('Sites (5)');
    await c.press('/');
    await c.type('GmbH');
    const frame = await c.waitFor('Sites (2)');
    expect(shownOrder(frame)).toEqual(['muenchen']);
    expect(frame).toContain('gmbh-at');
    expect(frame).not.toContain('acme-de');
  });

  it('cycles the sort column with s and reverses it with S, showing the rows in the service’s order', async () => {
    const { c } = open();
    /** Waits until the list shows the sites in this order (the answer to the newest query). */
    const order = (ids: string[]) => c.waitFor((f) => shownOrder(f).join() === ids.join());
    await c.waitFor('sorted by site id ▲');
    await order(['acme-de', 'beta-fr', 'muenchen', 'tokyo']);
    await c.press('S');
    await c.waitFor('sorted by site id ▼');
    await order(['tokyo', 'muenchen', 'beta-fr', 'acme-de']);
    await c.press('s');
    await c.waitFor('sorted by domain');
    await c.press('s', 's', 's');
    await c.waitFor('sorted by prompt ▲');
    await order(['muenchen', 'acme-de', 'tokyo', 'beta-fr']);
    await c.press('S');
    await c.waitFor('sorted by prompt ▼');
    // Longest prompt first: 12,345 characters, then 80 lines, then the two one-liners.
    await order(['beta-fr', 'tokyo', 'acme-de', 'muenchen']);
    expect(selectedRow(c.frame())).toContain('beta-fr');
  });

  it('shows a failing list as one line and retries with Ctrl-R', async () => {
    const services = rc.services;
    services.fail.set('sites.list', new Error('cannot connect to cabinet@socket /run/x: connection refused'));
    const { c } = open();
    await c.waitFor('connection refused');
    services.fail.delete('sites.list');
    await c.press('\u0012');
    await c.waitFor('Sites (4)');
  });
});

describe('deleting a site', () => {
  it('asks for the site id, refuses anything else, then deletes the row at the version shown', async () => {
    const { c } = open();
    await c.waitFor('Sites (4)');
    await c.press('d');
    await c.waitFor('Type acme-de to confirm');
    await c.type('acme');
    await c.press(KEY.enter);
    await c.waitFor('that is not acme-de; nothing was deleted');
    expect(await rc.siteRow('acme-de')).not.toBeNull();
    await c.type('-de');
    await c.press(KEY.enter);
    await c.waitFor('deleted site acme-de');
    await c.waitFor('Sites (3)');
    expect(await rc.siteRow('acme-de')).toBeNull();
    expect((await rc.psql('select site_id from sites order by site_id')).rows.map((r) => r.site_id)).toEqual(['beta-fr', 'muenchen', 'tokyo']);
  });

  it('refuses to delete a row someone changed after it was shown, and keeps it', async () => {
    const { c } = open();
    await c.waitFor('Sites (4)');
    await c.press('d');
    await c.waitFor('Type acme-de to confirm');
    // n8n (or an admin in psql) changes the row while the confirmation is open.
    await rc.psql(`update sites set brand_name = 'ACME AG' where site_id = 'acme-de'`);
    await c.type('acme-de');
    await c.press(KEY.enter);
    const frame = await c.waitFor('site acme-de was changed outside cabinet');
    expect(frame).not.toContain('deleted site acme-de');
    expect((await rc.siteRow('acme-de'))?.brand_name).toBe('ACME AG');
  });

  it('Esc cancels and the row stays', async () => {
    const { c } = open();
    await c.waitFor('Sites (4)');
    await c.press('j', 'd');
    await c.waitFor('Type beta-fr to confirm');
    await c.press(KEY.esc);
    await c.waitFor('Sites (4)');
    expect(await rc.siteRow('beta-fr')).not.toBeNull();
  });
});
