import { afterEach, describe, expect, it } from 'vitest';
import { fakeServices, site, type FakeServices } from './fake-services.ts';
import { KEY, renderConsole, selectedRow } from './render-console.tsx';

const SITES = [
  site({ siteId: 'acme-de', domain: 'acme.de', brandName: 'ACME', language: 'de', aiPrompt: 'Du bist der Assistent von ACME.' }, 3),
  site({ siteId: 'beta-fr', domain: 'beta.fr', brandName: 'Beta', language: 'fr', aiPrompt: 'x'.repeat(12_345) }, 1),
  site({ siteId: 'muenchen', domain: 'xn--mnchen-3ya.de', brandName: 'München GmbH', language: 'de' }, 2),
  site({ siteId: 'tokyo', domain: 'tokyo.jp', brandName: '東京ショップ', language: 'ja', aiPrompt: Array.from({ length: 80 }, (_, i) => `Zeile ${i + 1}`).join('\n') }, 4),
];

let current: { unmount(): void } | undefined;
afterEach(() => current?.unmount());

function open(services: FakeServices, options: { columns?: number; rows?: number } = {}) {
  const c = renderConsole(services, options);
  current = c;
  return c;
}

const listCalls = (services: FakeServices) => services.callsTo('sites.list').map((c) => c.args[0] as { filter?: string; sort?: string; descending?: boolean });

describe('sites list', () => {
  it('shows every column, the domain in Unicode, sizes, and keeps rows to one line at 60 columns', async () => {
    const services = fakeServices({ sites: SITES });
    const c = open(services, { columns: 60, rows: 20 });
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
    const services = fakeServices({ sites: SITES });
    const c = open(services, { columns: 100, rows: 24 });
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
    expect(services.callsTo('sites.get').at(-1)?.args).toEqual(['tokyo']);
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
    const services = fakeServices({ sites: SITES });
    const c = open(services);
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
    await c.waitFor('Sites (4)');
    expect(listCalls(services).at(-1)?.filter).toBe('');
  });

  it('finds a site by its brand or Unicode-typed domain part through the service filter', async () => {
    const services = fakeServices({ sites: SITES });
    const c = open(services);
    await c.waitFor('Sites (4)');
    await c.press('/');
    await c.type('GmbH');
    const frame = await c.waitFor('Sites (1)');
    expect(frame).toContain('muenchen');
    expect(listCalls(services).at(-1)).toMatchObject({ filter: 'GmbH' });
  });

  it('cycles the sort column with s and reverses it with S, asking the service each time', async () => {
    const services = fakeServices({ sites: SITES });
    const c = open(services);
    await c.waitFor('sorted by site id ▲');
    await c.press('s');
    await c.waitFor('sorted by domain ▲');
    expect(listCalls(services).at(-1)).toMatchObject({ sort: 'domain', descending: false });
    await c.press('s', 's', 's');
    await c.waitFor('sorted by prompt ▲');
    await c.press('S');
    const frame = await c.waitFor('sorted by prompt ▼');
    expect(listCalls(services).at(-1)).toMatchObject({ sort: 'promptChars', descending: true });
    expect(selectedRow(frame)).toContain('beta-fr');
  });

  it('shows a failing list as one line and retries with Ctrl-R', async () => {
    const services = fakeServices({ sites: SITES });
    services.fail.set('sites.list', new Error('cannot connect to cabinet@socket /run/x: connection refused'));
    const c = open(services);
    await c.waitFor('connection refused');
    services.fail.delete('sites.list');
    await c.press('\u0012');
    await c.waitFor('Sites (4)');
  });
});

describe('deleting a site', () => {
  it('asks for the site id, refuses anything else, then deletes through the service', async () => {
    const services = fakeServices({ sites: SITES });
    const c = open(services);
    await c.waitFor('Sites (4)');
    await c.press('d');
    await c.waitFor('Type acme-de to confirm');
    await c.type('acme');
    await c.press(KEY.enter);
    await c.waitFor('that is not acme-de; nothing was deleted');
    expect(services.callsTo('sites.delete')).toHaveLength(0);
    await c.type('-de');
    await c.press(KEY.enter);
    await c.waitFor('deleted site acme-de');
    expect(services.callsTo('sites.delete')[0]?.args).toEqual(['acme-de', { expectedVersion: 1 }]);
    await c.waitFor('Sites (3)');
  });

  it('Esc cancels without calling the service', async () => {
    const services = fakeServices({ sites: SITES });
    const c = open(services);
    await c.waitFor('Sites (4)');
    await c.press('j', 'd');
    await c.waitFor('Type beta-fr to confirm');
    await c.press(KEY.esc);
    await c.waitFor('Sites (4)');
    expect(services.callsTo('sites.delete')).toHaveLength(0);
  });
});
