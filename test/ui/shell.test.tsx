import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { colorsEnabled, tone } from '../../src/ui/theme.ts';
import { fakeServices, site, user } from './fake-services.ts';
import { openRealConsole } from './real-console.ts';
import { KEY, renderConsole } from './render-console.tsx';

let current: { unmount(): void } | undefined;
afterEach(() => current?.unmount());

function open(...args: Parameters<typeof fakeServices>) {
  const services = fakeServices(...args);
  const c = renderConsole(services);
  current = c;
  return { c, services };
}

describe('the console shell', () => {
  it('says in the header which database, as whom, read-only or not, and warns about pending migrations and the guard', async () => {
    const { c } = open({
      sites: [site({ siteId: 'a', domain: 'a.de' })],
      connection: { label: 'cabinet@db.tail1234.ts.net:5432/cabinet', short: 'cabinet@db.tail1234.ts.net/cabinet', role: 'admin', readOnly: true, pendingMigrations: 2, guardWarning: 'db.example.com is not on the tailnet' },
    });
    const frame = await c.waitFor('Sites (1)');
    const [first, second, third] = frame.split('\n');
    // The short form, and the role because it is not the user in it.
    expect(first).toMatch(/^cabinet {2}cabinet@db\.tail1234\.ts\.net\/cabinet {2}role admin {2}sites +read-only$/);
    expect(second).toContain('⚠ 2 pending migrations: run cabinet migrate');
    expect(third).toContain('⚠ db.example.com is not on the tailnet');
  });

  it('opens the command palette with :, completes with Tab, and goes where it says', async () => {
    const { c, services } = open({ sites: [site({ siteId: 'a', domain: 'a.de' })] });
    await c.waitFor('Sites (1)');
    await c.press(':');
    let frame = await c.waitFor('sites list the sites');
    expect(frame).toContain('users list the users');
    expect(frame).toContain('migrate migration status');
    expect(frame).toContain('quit leave cabinet');
    await c.type('mi');
    await c.press(KEY.tab);
    await c.waitFor(':migrate');
    await c.press(KEY.enter);
    frame = await c.waitFor('Up to date');
    expect(frame).toContain('Migration20260101000000_initial');
    expect(services.callsTo('migrations.status')).toHaveLength(1);
    await c.press(':');
    await c.type('nonsense');
    await c.press(KEY.enter);
    await c.waitFor('unknown command :nonsense');
    await c.press(KEY.esc);
    await c.press(':');
    await c.type('sites');
    await c.press(KEY.enter);
    await c.waitFor('Sites (1)');
  });

  it('shows pending migrations on :migrate', async () => {
    const { c } = open({ migrations: { applied: [], pending: ['Migration20260301_add_history'], unknown: [], edited: [], unrecorded: [] } });
    await c.waitFor('Sites (0)');
    await c.press(':');
    await c.type('migrate');
    await c.press(KEY.enter);
    const frame = await c.waitFor('1 pending: run cabinet migrate');
    expect(frame).toContain('pending   Migration20260301_add_history');
  });

  it('draws the ? help and the footer from the same keymap that handles the keys', async () => {
    const { c } = open({ sites: [site({ siteId: 'a', domain: 'a.de' })] });
    const list = await c.waitFor('Sites (1)');
    const footer = list.split('\n').at(-1)!;
    expect(footer).toMatch(/Enter open {2}n new site {2}e edit {2}d delete {2}\/ filter/);
    await c.press('?');
    const help = await c.waitFor('Help');
    for (const line of ['/ ', 'filter', 's ', 'sort', 'S ', 'reverse the sort', 'E ', 'edit the prompt in $EDITOR', 'Ctrl-R', 'reload from the database', 'Everywhere', ':', 'command']) {
      expect(help).toContain(line);
    }
    expect(help).toMatch(/j\/↓\s+next row/);
    expect(help).toMatch(/q\/Ctrl-C\s+quit/);
    await c.press(KEY.esc);
    await c.waitFor('Sites (1)');
    // In a form, ? is typed into the field; Ctrl-G opens the help there.
    await c.press('e');
    await c.waitFor('Edit site a');
    await c.press(KEY.ctrlG);
    const formHelp = await c.waitFor('Help');
    expect(formHelp).toMatch(/Ctrl-S\s+review & save/);
    expect(formHelp).toMatch(/Ctrl-←\/Alt-←\/Alt-b\s+previous word/);
    expect(formHelp).toMatch(/Ctrl-G\s+help/);
  });

  it('says the terminal is too small below 60×15 and comes back on resize', async () => {
    const { c } = open({ sites: [site({ siteId: 'a', domain: 'a.de' })] });
    await c.waitFor('Sites (1)');
    c.resize(59, 20);
    await c.waitFor('Terminal too small: 59×20.');
    expect(c.frame()).not.toContain('Sites (1)');
    c.resize(80, 14);
    await c.waitFor('Terminal too small: 80×14.');
    c.resize(80, 24);
    const frame = await c.waitFor('Sites (1)');
    expect(frame.split('\n')).toHaveLength(24);
    for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('honours NO_COLOR: no colour, attributes only', () => {
    expect(colorsEnabled({ NO_COLOR: '1' })).toBe(false);
    expect(colorsEnabled({})).toBe(true);
    const saved = process.env.NO_COLOR;
    process.env.NO_COLOR = '1';
    try {
      expect(tone('error')).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = saved;
    }
  });
});

describe('keys that arrive in one read', () => {
  // The filter is the real service's: on a real database.
  let rc: Awaited<ReturnType<typeof openRealConsole>>;
  beforeAll(async () => {
    rc = await openRealConsole('ui_shell');
  });
  afterAll(async () => rc?.close());

  it('"/beta" in one chunk opens the filter with its first key and types the rest into it', async () => {
    await rc.reset({
      sites: [
        { siteId: 'acme-de', domain: 'acme.de', brandName: 'ACME', language: 'de', aiPrompt: 'Hallo.' },
        { siteId: 'beta-fr', domain: 'beta.fr', brandName: 'Beta', language: 'fr', aiPrompt: 'Salut.' },
      ],
    });
    const c = renderConsole(rc.services);
    current = c;
    await c.waitFor('Sites (2)');
    c.ui.stdin.write('/beta');
    const frame = await c.waitFor('Sites (1)');
    expect(frame).toContain('/beta');
    expect(frame).toContain('beta-fr');
    expect(frame).not.toContain('acme-de');
  });

  it('End, typed text and a bracketed paste in one read land in that order', async () => {
    const { c } = open({ sites: [site({ siteId: 'acme-de', domain: 'acme.de', aiPrompt: 'Hallo' })] });
    await c.waitFor('acme-de');
    await c.press('e');
    await c.waitFor('Edit site acme-de');
    await c.focusField('Prompt');
    c.ui.stdin.write(`${KEY.end} eins${KEY.paste('\nzwei')}`);
    const frame = await c.waitFor('zwei');
    // (the editor's margin cell starts each row)
    expect(frame).toContain('Hallo eins\n zwei');
  });
});

describe('the status line', () => {
  let rc: Awaited<ReturnType<typeof openRealConsole>>;
  beforeAll(async () => {
    rc = await openRealConsole('ui_status');
  });
  afterAll(async () => rc?.close());
  afterEach(() => vi.useRealTimers());

  it('says "saved …" until the next key, however long nobody looks (it faded after 6 s: a person who looked away missed it)', async () => {
    await rc.reset({ sites: [{ siteId: 'acme-de', domain: 'acme.de', brandName: 'ACME', language: 'de', aiPrompt: 'Hallo.' }] });
    // The clock only moves when the test says so (and with real time, so the database's replies still come).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true });
    const c = renderConsole(rc.services);
    current = c;
    await c.waitFor('acme-de');
    await c.press('e');
    await c.waitFor('Edit site acme-de');
    await c.focusField('brand name');
    await c.press(KEY.end);
    await c.type(' GmbH');
    await c.press(KEY.ctrlS);
    await c.waitFor('Review changes to acme-de');
    await c.press('y');
    await c.waitFor('saved acme-de: brand name');
    // A minute away from the terminal.
    await vi.advanceTimersByTimeAsync(60_000);
    await c.waitFor((f) => /acme-de\s.*ACME GmbH/.test(f));
    expect(c.frame()).toContain('saved acme-de: brand name');
    await c.press('j');
    await c.waitFor((f) => !f.includes('saved acme-de'));
  });
});

describe('a read-only connection', () => {
  const readOnly = { readOnly: true, readOnlyReason: 'role reader may not insert, update and delete sites' };

  it('a key typed while the screen is still loading acts once it has loaded (over a slow link nothing is lost)', async () => {
    const services = fakeServices({ users: [user({ userId: '42', email: 'anna@example.com' })] });
    services.delay.set('users.get', 300);
    const c = renderConsole(services, { route: { name: 'user', userId: '42' } });
    current = c;
    await c.waitFor('loading…');
    await c.press('e');
    const frame = await c.waitFor('Edit user 42');
    expect(frame).toContain('anna@example.com');
  });

  it('keys typed at a loading screen do not follow to another screen', async () => {
    const services = fakeServices({ users: [user({ userId: '42', email: 'anna@example.com' })] });
    services.delay.set('users.get', 300);
    const c = renderConsole(services, { route: { name: 'user', userId: '42' } });
    current = c;
    await c.waitFor('loading…');
    await c.press('d');
    await c.press(':');
    await c.type('sites');
    await c.press(KEY.enter);
    await c.waitFor('Sites (0)');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(c.frame()).not.toContain('Delete user');
  });

  it('keeps the data-changing keys in the help, marked disabled with the reason', async () => {
    const { c } = open({ sites: [site({ siteId: 'a', domain: 'a.de' })], connection: readOnly });
    const frame = await c.waitFor('Sites (1)');
    const footer = frame.split('\n').at(-1)!;
    expect(footer).toContain('Enter open');
    expect(footer).not.toMatch(/new site|e edit|d delete/);
    await c.press('?');
    const help = await c.waitFor('Help');
    expect(help).toMatch(/n\s+new site \(disabled: role reader may not insert, update and delete sites\)/);
    expect(help).toMatch(/e\s+edit \(disabled: role reader/);
    expect(help).toMatch(/d\s+delete \(disabled: role reader/);
    expect(help).toMatch(/Enter\s+open$/m);
    expect(help).toMatch(/h\s+history$/m);
  });

  it('pressing a disabled key says why and changes nothing', async () => {
    const { c, services } = open({ sites: [site({ siteId: 'a', domain: 'a.de' })], connection: readOnly });
    await c.waitFor('Sites (1)');
    await c.press('e');
    await c.waitFor('edit: not available, role reader may not insert, update and delete sites');
    await c.press('d');
    await c.waitFor('delete: not available, role reader may not');
    await c.press('n');
    await c.waitFor('new site: not available, role reader may not');
    expect(c.frame()).toContain('Sites (1)');
    await c.press(KEY.enter);
    const detail = await c.waitFor('Site a');
    expect(detail.split('\n').at(-1)).not.toMatch(/e edit/);
    await c.press('E');
    await c.waitFor('prompt in $EDITOR: not available, role reader may not');
    expect(services.callsTo('sites.update')).toHaveLength(0);
    expect(services.callsTo('sites.delete')).toHaveLength(0);
  });

  it('the users keys follow the users gate and its own reason', async () => {
    const { c } = open({ sites: [], users: [user({ userId: 'u1', email: 'u1@example.com' })], connection: { usersReadOnly: true, usersReadOnlyReason: 'role app may not insert, update and delete users' } });
    await c.waitFor('Sites (0)');
    // Sites stay writable…
    expect(c.frame().split('\n').at(-1)).toContain('n new site');
    await c.press(':');
    await c.type('users');
    await c.press(KEY.enter);
    await c.waitFor('Users (1)');
    await c.press('d');
    await c.waitFor('delete: not available, role app may not insert, update and delete users');
  });
});
