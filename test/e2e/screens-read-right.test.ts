import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCabinet } from '../helpers/cli.ts';
import { scratchDir } from '../helpers/scratch.ts';
import { createMigratedDatabase } from '../helpers/db.ts';
import { binCabinet, ensureBuilt, startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';
import { focusField, tmuxForm } from '../helpers/focus-field.ts';

/**
 * Issue #17: what a new admin reads in the first hour, read off the real console in tmux at the sizes
 * people use (120×35, a default 80×24, a phone's 60×15). Rows are written by psql where cabinet would not.
 */

const LONG = 'Second paragraph is one long line that has to wrap around at eighty columns, and it keeps going until it does.';
const PARAGRAPHS = `First paragraph.\n\n${LONG}\n\n\nThird paragraph.`;

let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
const sessions: TmuxSession[] = [];

beforeAll(async () => {
  ensureBuilt();
  db = await createMigratedDatabase('e2e_read');
  // 6 demo sites and 300 users, through the real binary.
  const seeded = await runCabinet(['seed', '--demo'], { env: terminalEnv({ DATABASE_URL: db.url }) });
  expect(seeded.code, seeded.stderr).toBe(0);
  // psql creates a site and then changes it: two writes, no revision.
  await db.query(
    "insert into sites (site_id, domain, brand_name, language, ai_prompt) values ('psql-made', 'psql-made.example', 'Made by psql', 'en', 'Hello.')",
  );
  await db.query("update sites set brand_name = 'Changed by psql' where site_id = 'psql-made'");
  await db.query("insert into users (user_id, email, first_seen, last_seen) values ('100000000000000017', 'psql17@example.com', now(), now())");
  await db.query("update users set email = 'psql17@changed.example' where user_id = '100000000000000017'");
  // Paragraphs with blank lines between them, one line long enough to wrap at 80 columns.
  await db.query('insert into sites (site_id, domain, brand_name, language, ai_prompt) values ($1, $2, $3, $4, $5)', ['paragraphs', 'paragraphs.example', 'Paragraphs', 'en', PARAGRAPHS]);
  // An IDN as stored (punycode), written by psql: shown, and so sorted, as münchen.de.
  await db.query("insert into sites (site_id, domain, brand_name, language, ai_prompt) values ('stadtwerke', 'xn--mnchen-3ya.de', 'Stadtwerke', 'de', 'Servus.')");
  // One site created through cabinet: one revision.
  const created = await runCabinet(
    ['sites', 'create', 'one-rev', '--domain', 'one-rev.example', '--brand-name', 'One', '--language', 'en', '--ai-prompt-file', '-'],
    { env: terminalEnv({ DATABASE_URL: db.url }), input: 'Hi.' },
  );
  expect(created.code, created.stderr).toBe(0);
}, 60_000);
afterAll(async () => {
  await db?.close();
});
afterEach(() => {
  for (const s of sessions.splice(0)) s.kill();
});

function open(width = 120, height = 35, extra: Record<string, string> = {}): TmuxSession {
  const t = startTmux([binCabinet], { env: terminalEnv({ DATABASE_URL: db.url, ...extra }), width, height });
  sessions.push(t);
  return t;
}

/** `:name` Enter, once the command line shows what was typed. */
async function goTo(t: TmuxSession, name: string): Promise<void> {
  t.type(`:${name}`);
  await t.waitFor(`:${name}`);
  t.keys('Enter');
}

async function filterTo(t: TmuxSession, text: string): Promise<void> {
  t.type('/');
  t.type(text);
  await t.waitFor(/Sites \(1\)/);
  t.keys('Enter');
}

describe('counts that are counts (#17.3)', () => {
  it('a list with more rows on the server says how many are shown, not "200+"', async () => {
    const t = open();
    await t.waitFor('Sites (');
    await goTo(t, 'users');
    const screen = await t.waitFor('Users (');
    expect(screen).toContain('Users (200 shown, more below)');
    expect(screen).not.toContain('200+');
  });

  it('one revision is "1 revision"; a row psql created and then changed says so', async () => {
    const t = open();
    await t.waitFor('Sites (');
    await filterTo(t, 'one-rev');
    t.type('h');
    let screen = await t.waitFor('History of one-rev');
    screen = await t.waitFor('rev 1');
    expect(screen).toContain('1 revision · newest first');

    const p = open();
    await p.waitFor('Sites (');
    await filterTo(p, 'psql-made');
    p.type('h');
    screen = await p.waitFor('outside cabinet');
    expect(screen).toContain('0 revisions');
    expect(screen).toMatch(/v2\s+\S+ \S+\s+created and changed outside cabinet \(2 writes\)/);

    const u = open();
    await u.waitFor('Sites (');
    await goTo(u, 'users');
    await u.waitFor('Users (');
    u.type('/');
    u.type('psql17');
    await u.waitFor('Users (1)');
    u.keys('Enter');
    u.type('h');
    screen = await u.waitFor('outside cabinet');
    expect(screen).toContain('0 revisions');
    expect(screen).toMatch(/v2\s+\S+ \S+\s+created and changed outside cabinet \(2 writes\)/);
  });
});

/** The screen's rows from the one containing `first` on, up to (not including) the first containing `stop`. */
function rowsFrom(screen: string, first: string, stop: string): string[] {
  const lines = screen.split('\n');
  const from = lines.findIndex((l) => l.includes(first));
  const to = lines.findIndex((l, i) => i > from && l.includes(stop));
  expect(from, screen).toBeGreaterThanOrEqual(0);
  expect(to, screen).toBeGreaterThan(from);
  return lines.slice(from, to).map((l) => l.trimEnd());
}

async function editPrompt(t: TmuxSession, siteId: string): Promise<string> {
  await t.waitFor('Sites (');
  await filterTo(t, siteId);
  t.type('e');
  await t.waitFor(`Edit site ${siteId}`);
  return focusField(tmuxForm(t), 'Prompt');
}

describe('the prompt editor draws the text as it is (#17.1, #17.2)', () => {
  it('blank lines between paragraphs are drawn, wherever the cursor is', async () => {
    const t = open(80, 24);
    const screen = await editPrompt(t, 'paragraphs');
    expect(screen).toContain('Ln 1, Col 1');
    const rows = rowsFrom(screen, 'First paragraph.', 'Third paragraph.');
    // First paragraph, a blank, the long line (two rows), two blanks, then the third: as n8n reads it.
    expect(rows.map((r) => r.trim() === '')).toEqual([false, true, false, false, true, true]);
  });

  it('a wrapped row starts with a continuation mark that is not text; the logical line is drawn whole', async () => {
    const t = open(80, 24);
    const screen = await editPrompt(t, 'paragraphs');
    const rows = rowsFrom(screen, 'Second paragraph', 'Third paragraph.');
    expect(rows[0]).toMatch(/^ Second paragraph/);
    expect(rows[1]).toMatch(/^↪\S/);
    // Both rows together are the line (broken after a space), with no extra character: the mark is only
    // in the margin.
    expect(`${rows[0]!.slice(1)} ${rows[1]!.slice(1)}`).toBe(LONG);
  });

  it('in the review diff one changed long line has one - and one +, its wrapped rows the continuation mark', async () => {
    const t = open(80, 24);
    await editPrompt(t, 'paragraphs');
    t.keys('Down', 'Down', 'End');
    t.type(' Edited.');
    await t.waitFor('Edited.');
    t.keys('C-s');
    const screen = await t.waitFor('Review changes to paragraphs');
    const lines = screen.split('\n');
    const removed = lines.filter((l) => l.startsWith('-Second paragraph'));
    const added = lines.filter((l) => l.startsWith('+Second paragraph'));
    expect(removed, screen).toHaveLength(1);
    expect(added, screen).toHaveLength(1);
    expect(lines.filter((l) => /^[+-](?![+-]{2} )/.test(l)), screen).toHaveLength(2);
    const after = lines[lines.indexOf(added[0]!) + 1]!;
    expect(after).toMatch(/^↪\S/);
    expect(lines[lines.indexOf(removed[0]!) + 1]).toMatch(/^↪\S/);
    expect(lines.join('\n')).toContain('Edited.');
  });
});

describe('the header (#17.4)', () => {
  const short = () => `${/^postgres:\/\/([^@:]+)@/.exec(db.url)![1]}@socket/${db.name}`;

  it('says once where it is connected, in the short form, with the screen and read-write', async () => {
    const t = open(120, 35);
    const screen = await t.waitFor('Sites (');
    const header = screen.split('\n')[0]!.trimEnd();
    // The role is the user in the name: not said twice; no socket directory, no "embedded (embedded …)".
    // How the screens follow others' changes comes before it once known (`live ·`, #14).
    expect(header).toMatch(new RegExp(`^cabinet  ${short()}  sites +(live · )?read-write$`));
  });

  it('at 60 columns it is cut at the end, keeping its start and read-write', async () => {
    const t = open(60, 15);
    await editPrompt(t, 'paragraphs');
    const header = t.capture().split('\n')[0]!.trimEnd();
    expect(header).toHaveLength(60);
    const tail = / (live · )?read-write$/.exec(header);
    expect(tail, header).not.toBeNull();
    const shown = header.slice(0, tail!.index).trimEnd();
    expect(shown.endsWith('…')).toBe(true);
    const full = `cabinet  ${short()}  edit paragraphs`;
    expect(full.startsWith(shown.slice(0, -1))).toBe(true);
    expect(shown.length).toBeGreaterThan(40);
  });
});

/** A private $XDG_STATE_HOME shared by two consoles: the first one's drafts are the second one's. */
function stateHome(): string {
  return scratchDir('state');
}

/** Edits one-rev's prompt until the header says the draft is on disk, then quits with Ctrl-C. */
async function leaveDraft(state: string): Promise<TmuxSession> {
  const t = open(100, 30, { XDG_STATE_HOME: state });
  await editPrompt(t, 'one-rev');
  t.type('Unsaved words.');
  await t.waitFor('draft kept');
  t.keys('C-c');
  return t;
}

describe('quitting with an unsaved edit (#17.9)', () => {
  it('Ctrl-C in an edit quits at once and says on the way out that the draft is kept and how to get it back', async () => {
    const t = await leaveDraft(stateHome());
    expect(await t.waitForExit()).toBe(0);
    const screen = t.capture().replace(/\n/g, '');
    expect(screen).toMatch(/cabinet: draft kept: your unsaved edit of site one-rev; the next start offers it: run cabinet to get it back/);
  });
});

describe('status lines and footers (#17.5, #17.6)', () => {
  it('a status belongs to the action that caused it: "discarded the draft" is gone after the next key; the empty drafts screen offers only Esc', async () => {
    const state = stateHome();
    const first = await leaveDraft(state);
    expect(await first.waitForExit()).toBe(0);

    const t = open(100, 30, { XDG_STATE_HOME: state });
    await t.waitFor('Unsaved drafts from an earlier session (1)');
    t.type('d');
    await t.waitFor('discard the draft');
    t.type('y');
    let screen = await t.waitFor('discarded the draft of one-rev');
    // Nothing is left to recover, discard or keep: the footer offers going on, and nothing else of the screen.
    // The footer follows the body within one frame (Ink may draw the body's commit before the footer's, 32 ms apart),
    // so the screen is read once both have settled; a footer that never changes fails here.
    const footerOf = (s: string) => s.trimEnd().split('\n').at(-1)!;
    screen = await t.waitFor((s) => s.includes('No unsaved drafts left') && /^Esc\/l go on to the sites/.test(footerOf(s)));
    const footer = footerOf(screen);
    expect(footer).toMatch(/^Esc\/l go on to the sites/);
    expect(footer).not.toMatch(/keep for later|recover|discard/);
    t.keys('Escape');
    screen = await t.waitFor('Sites (');
    expect(screen).not.toContain('discarded the draft');
    expect(screen).not.toContain('kept');
  });

  it('an empty list offers no key that acts on a row, nor sort; a refused key’s reason fades after the next key', async () => {
    const t = open(120, 35);
    await t.waitFor('Sites (');
    t.type('/');
    t.type('no-such-site');
    await t.waitFor('Sites (0)');
    t.keys('Enter');
    const screen = await t.waitFor((s) => /Sites \(0\)/.test(s) && !s.includes('keep the filter'));
    const footer = screen.trimEnd().split('\n').at(-1)!;
    expect(footer).toContain('n new site');
    expect(footer).toContain('Esc clear the filter');
    expect(footer).not.toMatch(/Enter open|e edit|d delete|s sort/);
    t.type('e');
    await t.waitFor('edit: not available, no row matches the filter');
    t.type('j');
    // (on its own it stays: only a key fades the status line)
    await t.waitFor((s) => !s.includes('not available'), 2500);
  });
});

describe('sorting by domain (#17.8)', () => {
  it('follows the shown Unicode form: münchen.de sorts under m, not under x as its punycode', async () => {
    const t = open(120, 35);
    await t.waitFor('Sites (');
    t.type('s');
    const domains = (screen: string) =>
      screen
        .split('\n')
        .filter((l) => /^[› ] \S/.test(l) && !l.includes('SITE ID'))
        .map((l) => l.slice(2).split(/\s+/)[1]!);
    const inOrder = (screen: string) => {
      const d = domains(screen);
      return d.indexOf('hotel-alpenblick.example') < d.indexOf('münchen.de') && d.indexOf('münchen.de') < d.indexOf('northwind-bikes.example');
    };
    // The new order arrives from the server after the title changes: wait for it (on the old code it never comes).
    const screen = await t.waitFor((s) => s.includes('sorted by domain ▲') && inOrder(s), 5000);
    const at = (d: string) => domains(screen).indexOf(d);
    expect(at('münchen.de'), screen).toBeGreaterThan(at('hotel-alpenblick.example'));
    expect(at('münchen.de'), screen).toBeLessThan(at('northwind-bikes.example'));
    expect(at('hotel-alpenblick.example')).toBeGreaterThanOrEqual(0);
  });
});

describe('narrow terminals (#17.7)', () => {
  const SITE_IDS = ['gorizont-travel', 'harbor-finch-legal', 'hotel-alpenblick', 'northwind-bikes', 'zahnarzt-dr-mueller'];

  for (const [width, height] of [
    [80, 24],
    [60, 15],
  ] as const) {
    it(`at ${width}×${height} site ids are whole: optional columns go first, then domain and brand are cut`, async () => {
      const t = open(width, height);
      const screen = await t.waitFor('Sites (');
      for (const id of SITE_IDS) expect(screen, screen).toMatch(new RegExp(`^[› ] ${id} `, 'm'));
      expect(screen).not.toContain('CREATED');
      expect(screen).not.toContain('PROMPT');
    });

    it(`at ${width}×${height} user ids are whole`, async () => {
      const t = open(width, height);
      await t.waitFor('Sites (');
      await goTo(t, 'users');
      const screen = await t.waitFor('Users (');
      const rows = screen.split('\n').filter((l) => /^[› ] \d/.test(l));
      expect(rows.length, screen).toBeGreaterThan(3);
      for (const row of rows) expect(row, screen).toMatch(/^[› ] \d{18} /);
    });

    it(`at ${width}×${height} the prompt editor shows at least five lines`, async () => {
      const t = open(width, height);
      const screen = await editPrompt(t, 'paragraphs');
      const lines = screen.split('\n');
      const label = lines.findIndex((l) => l.startsWith('› Prompt'));
      const status = lines.findIndex((l) => /^Ln 1, Col 1/.test(l));
      expect(status - label - 1, screen).toBeGreaterThanOrEqual(5);
      expect(screen).toContain('First paragraph.');
      expect(screen).toContain('Second paragraph');
    });
  }
});

describe('the new-site wizard on a phone’s terminal (#17.7)', () => {
  it('at 60×15 the prompt step shows at least five prompt lines', async () => {
    const t = open(60, 15, { XDG_STATE_HOME: stateHome() });
    await t.waitFor('Sites (');
    t.type('n');
    await t.waitFor('step 1 of 9: domain');
    t.type('phone.example');
    t.keys('Enter');
    await t.waitFor('step 2 of 9');
    t.keys('Enter');
    await t.waitFor('step 3 of 9');
    t.type('Phone');
    t.keys('Enter');
    for (const step of [4, 5, 6, 7]) {
      await t.waitFor(`step ${step} of 9`);
      t.keys('Enter');
    }
    await t.waitFor('step 8 of 9: prompt');
    t.type('one');
    for (const word of ['two', 'three', 'four', 'five']) {
      t.keys('Enter');
      t.type(word);
    }
    const screen = await t.waitFor('Ln 5, Col 5');
    const lines = screen.split('\n');
    for (const word of ['one', 'two', 'three', 'four', 'five']) expect(lines, screen).toContain(` ${word}`);
  });
});

describe('the history’s footer (#17.6)', () => {
  it('offers only what acts on the row under the cursor: compare once something is marked, restore on a revision', async () => {
    const t = open(120, 35);
    await t.waitFor('Sites (');
    await filterTo(t, 'one-rev');
    t.type('h');
    await t.waitFor('rev 1');
    const footer = () => t.capture().trimEnd().split('\n').at(-1)!;
    // On "now": nothing to show, compare or restore yet. (The footer follows the history's keys a frame
    // after its rows appear: wait for it, as a person would read it.)
    await t.waitFor(() => footer().includes('Space mark to compare'));
    expect(footer()).not.toMatch(/Enter what this change did|c compare|R restore/);
    t.type('j');
    await t.waitFor(() => footer().includes('R restore'));
    expect(footer()).toContain('Enter what this change did');
    expect(footer()).not.toContain('c compare');
    t.keys('Space');
    await t.waitFor(() => footer().includes('c compare'));
  });
});
