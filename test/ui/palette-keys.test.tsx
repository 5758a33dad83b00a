import { productionReactLoaded } from '../helpers/production-react.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeServices, site, user } from './fake-services.ts';
import { renderConsole } from './render-console.tsx';

/**
 * The `:` palette typed faster than it is drawn, in the whole console under React's production build (as it
 * runs; see production-react.ts). Each burst is one terminal read: the `:` opens the palette at Ink's discrete
 * priority, the keys after it come from the keypress pump, and each must read the palette as the key before
 * it left it. ":users⏎" typed the moment a console opened ran :sites (the Enter read the empty text of the
 * palette's last render, whose first match is sites).
 */
let current: { unmount(): void } | undefined;
afterEach(() => {
  current?.unmount();
  current = undefined;
});

async function openConsole() {
  const c = renderConsole(fakeServices({ sites: [site({ siteId: 'acme-de', domain: 'acme.de' })], users: [user({ userId: 'chiara', email: 'chiara@example.org' })] }));
  current = c;
  await c.waitFor('Sites (1)');
  expect(productionReactLoaded()).toBe(true);
  return c;
}

describe('the : palette, typed faster than it is drawn', () => {
  it('runs what was typed: ":users⏎" in one burst opens Users', async () => {
    const c = await openConsole();
    c.ui.stdin.write(':users\r');
    // The old pump: the palette closed on Sites.
    expect(await c.waitFor('Users (1)', 3000)).toContain('chiara');
  });

  it('Backspace on what was typed erases it instead of closing the palette', async () => {
    const c = await openConsole();
    // The old pump: the Backspace read the text as empty and closed the palette; the m went to the list.
    c.ui.stdin.write(':u\u007fm');
    await c.waitFor((f) => f.includes('migrate migration status') && !f.includes('users list the users'), 3000);
    c.ui.stdin.write('\r');
    expect(await c.waitFor('Up to date')).toContain('Migration20260101000000_initial');
  });
});
