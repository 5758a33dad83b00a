import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedDatabase } from '../helpers/db.ts';
import { binCabinet, ensureBuilt, startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';

/**
 * Issue 16, item 4 in the real console: a domain whose label mixes scripts (the Cyrillic а in аpple.com)
 * is marked in the list, and an edit that sets one is saved only after an explicit M on the review.
 */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
let tmux: TmuxSession | undefined;

beforeAll(async () => {
  ensureBuilt();
  db = await createMigratedDatabase('e2e_domains');
  // As psql or n8n could have written them: one look-alike, one plain.
  await db.query(`insert into sites (site_id, domain, brand_name) values ('apple', 'xn--pple-43d.com', 'Apple'), ('shop', 'shop.de', 'Shop')`);
});
afterAll(async () => {
  await db?.close();
});
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
});

describe('domains that look like other domains, in the console', () => {
  it('the list marks the mixed-script domain; setting one needs M on the review (y does not save it)', async () => {
    tmux = startTmux([binCabinet], { env: terminalEnv({ DATABASE_URL: db.url }), width: 180, height: 30 });
    let screen = await tmux.waitFor('Sites (2)');
    expect(screen).toMatch(/apple\s+аpple\.com ⚠ mixed scripts\s+Apple/);
    expect(screen).toMatch(/shop\s+shop\.de\s+Shop/);
    expect(screen).not.toMatch(/shop\.de ⚠/);

    // Open shop, edit its domain to a look-alike with a Cyrillic ѕ.
    tmux.keys('Down');
    tmux.keys('Enter');
    // The detail's footer: its keys are there.
    await tmux.waitFor((s) => s.includes('Site shop') && /e edit/.test(s));
    tmux.type('e');
    await tmux.waitFor((s) => s.includes('Edit site shop') && s.includes('Ctrl-S review & save'));
    tmux.keys('End', ...Array<string>(7).fill('BSpace'));
    await tmux.waitFor(/› domain\s+✗/);
    tmux.type('ѕhop.de');
    screen = await tmux.waitFor('label "ѕhop" mixes Cyrillic and Latin letters');
    tmux.keys('C-s');
    screen = await tmux.waitFor('Review changes to shop');
    expect(screen).toContain('⚠ domain: label "ѕhop" mixes Cyrillic and Latin letters; it can pass for another domain');
    expect(screen).toContain('The domain mixes scripts: M saves it as meant');
    tmux.type('y');
    screen = await tmux.waitFor('not saved: the domain mixes scripts');
    expect((await db.query(`select domain from sites where site_id = 'shop'`)).rows[0]!.domain).toBe('shop.de');
    tmux.type('M');
    await tmux.waitFor((s) => !s.includes('Review changes to shop') && s.includes('Site shop'));
    expect((await db.query(`select domain from sites where site_id = 'shop'`)).rows[0]!.domain).toMatch(/^xn--hop-/);
  }, 60_000);
});
