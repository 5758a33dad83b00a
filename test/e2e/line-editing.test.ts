import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedDatabase } from '../helpers/db.ts';
import { binCabinet, ensureBuilt, startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';
import { focusField, tmuxForm } from '../helpers/focus-field.ts';

/**
 * One-line fields edit like a shell line in the real console: Ctrl-U, Ctrl-W, Ctrl-A, Ctrl-E in the `/`
 * filter, the `:` command line, the form fields and the wizard; two Ctrl-W sent in one burst delete two
 * words; the filter's footer keys all work; a suggested site id gives way to the first typed character.
 */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
let tmux: TmuxSession | undefined;

beforeAll(async () => {
  ensureBuilt();
  db = await createMigratedDatabase('e2e_line');
  // Rows as psql writes them.
  await db.query(`insert into sites (site_id, domain, brand_name, language, ai_prompt) values
    ('acme-de', 'acme.de', 'ACME Shop Berlin', 'de', 'Hallo'),
    ('beta-fr', 'beta.fr', 'Beta', 'fr', 'Bonjour')`);
});
afterAll(async () => {
  await db?.close();
});
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
});

const open = () => startTmux([binCabinet], { width: 150, env: terminalEnv({ DATABASE_URL: db.url }) });
const filterLine = (screen: string) => screen.split('\n').find((l) => l.startsWith('/')) ?? '';

describe('one-line fields edit like a shell line', () => {
  it('the / filter: Ctrl-W, a burst of two Ctrl-W, Ctrl-U, Ctrl-A/Ctrl-E, and every footer key (Ctrl-G help, ↓, Esc, Enter)', async () => {
    tmux = open();
    await tmux.waitFor('Sites (2)');
    tmux.type('/');
    // The footer promises these keys while the filter is typed.
    let screen = await tmux.waitFor(/Enter keep the filter\s+Esc clear the filter\s+↓ next row.*Ctrl-G help/);
    expect(screen).toMatch(/^\/ /m);

    tmux.type('zzz acme');
    await tmux.waitFor('Nothing matches “zzz acme”');
    tmux.keys('C-w');
    await tmux.waitFor((s) => /^\/zzz  /.test(filterLine(s)));
    tmux.keys('C-u');
    await tmux.waitFor('Sites (2)');
    tmux.type('one two acme');
    await tmux.waitFor('Nothing matches “one two acme”');
    // Two Ctrl-W in one send-keys: one burst on the terminal, two words gone.
    tmux.keys('C-w', 'C-w');
    await tmux.waitFor((s) => /^\/one  /.test(filterLine(s)));
    tmux.keys('C-u');
    tmux.type('cme');
    await tmux.waitFor('Sites (1)');
    // Ctrl-A, then typing at the start; Ctrl-E, then typing at the end.
    tmux.keys('C-a');
    tmux.type('a');
    await tmux.waitFor((s) => /^\/acme/.test(filterLine(s)));
    tmux.keys('C-e');
    tmux.type('-de');
    screen = await tmux.waitFor((s) => /^\/acme-de/.test(filterLine(s)));
    expect(screen).toContain('Sites (1)');

    // Ctrl-G opens the help over the filter; Esc closes it, and the filter is still being typed.
    tmux.keys('C-g');
    screen = await tmux.waitFor('close help');
    expect(screen).toMatch(/Ctrl-U\s+delete to the start of the field/);
    tmux.keys('Escape');
    await tmux.waitFor((s) => /^\/acme-de/.test(filterLine(s)) && !s.includes('close help'));
    tmux.keys('C-u');
    await tmux.waitFor('Sites (2)');
    tmux.keys('Down');
    screen = await tmux.waitFor(/^› .*beta-fr/m);
    tmux.type('beta');
    await tmux.waitFor('Sites (1)');
    tmux.keys('Enter');
    screen = await tmux.waitFor((s) => !s.includes('keep the filter') && s.includes('Sites (1)'));
    expect(filterLine(screen)).toMatch(/^\/beta/);
    tmux.keys('Escape');
    await tmux.waitFor('Sites (2)');
    tmux.keys('q');
    expect(await tmux.waitForExit()).toBe(0);
  });

  it('the : command line and a form field take the same keys', async () => {
    tmux = open();
    await tmux.waitFor('Sites (2)');
    tmux.type(':');
    await tmux.waitFor(/^:/m);
    tmux.type('quit now users');
    await tmux.waitFor(/^:quit now users/m);
    tmux.keys('C-w', 'C-w');
    await tmux.waitFor(/^:quit\s*$/m);
    tmux.keys('C-u');
    tmux.type('sers');
    tmux.keys('C-a');
    tmux.type('u');
    await tmux.waitFor(/^:users/m);
    tmux.keys('Enter');
    await tmux.waitFor(/Users \(0\)/);

    tmux.type(':');
    await tmux.waitFor(/^:/m);
    tmux.type('sites');
    tmux.keys('Enter');
    await tmux.waitFor('Sites (2)');
    tmux.type('/');
    tmux.type('acme-de');
    await tmux.waitFor('Sites (1)');
    tmux.keys('Enter', 'Enter');
    await tmux.waitFor('Site acme-de  acme.de');
    tmux.type('e');
    await tmux.waitFor('Edit site acme-de');
    // The brand name: Ctrl-E, then Ctrl-W twice in one burst, then Ctrl-A and typing at the start.
    await focusField(tmuxForm(tmux), 'brand name');
    tmux.keys('C-e');
    tmux.keys('C-w', 'C-w');
    await tmux.waitFor(/› brand name\s+ACME(?! Shop)/);
    tmux.keys('C-a');
    tmux.type('Neu ');
    await tmux.waitFor(/› brand name\s+Neu ACME\s/);
    tmux.keys('C-u');
    await tmux.waitFor(/› brand name\s+ACME\s/);
    tmux.keys('C-c');
    await tmux.waitForExit();
    expect((await db.query(`select brand_name from sites where site_id = 'acme-de'`)).rows[0]!.brand_name).toBe('ACME Shop Berlin');
  });

  it('the new-site wizard: a suggested site id is replaced by the first typed character, and Ctrl-Z brings it back', async () => {
    tmux = open();
    await tmux.waitFor('Sites (2)');
    tmux.type('n');
    await tmux.waitFor('step 1 of 9: domain');
    tmux.type('www.gamma-shop.de');
    tmux.keys('Enter');
    const suggested = await tmux.waitFor(/› site id\s+gamma-shop-de\s+✓ suggested from the domain/);
    tmux.type('g');
    await tmux.waitFor(/› site id\s+g\s/);
    tmux.type('amma');
    let screen = await tmux.waitFor(/› site id\s+gamma\s/);
    expect(screen).not.toContain('suggested from the domain');
    expect(suggested).toContain('suggested from the domain; typing replaces it');
    // Back to the suggestion (however the burst of "amma" was read: one step or four, the suggestion is the first).
    tmux.keys('C-z');
    tmux.keys('C-z');
    await tmux.waitFor(/› site id\s+gamma-shop-de\s/);
    // Moving into the suggestion first edits it instead.
    tmux.keys('End', 'BSpace', 'BSpace', 'BSpace');
    tmux.type('-x');
    screen = await tmux.waitFor(/› site id\s+gamma-shop-x\s/);
    tmux.keys('C-c');
    await tmux.waitForExit();
  });
});
