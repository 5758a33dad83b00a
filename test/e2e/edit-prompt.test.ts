import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedDatabase } from '../helpers/db.ts';
import { displayWidth } from '../../src/ui/text/graphemes.ts';
import { binCabinet, cursorAt, ensureBuilt, startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';
import { focusField, tmuxForm } from '../helpers/focus-field.ts';


let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
let tmux: TmuxSession | undefined;

beforeAll(async () => {
  ensureBuilt();
  db = await createMigratedDatabase('e2e_edit');
  for (const [siteId, domain, brand, lang, prompt] of [
    ['acme-de', 'acme.de', 'ACME', 'de', 'Du bist der Assistent von ACME.'],
    ['beta-fr', 'beta.fr', 'Beta', 'fr', 'Tu es l’assistant de Beta.\nRéponds poliment.'],
    ['muenchen', 'xn--mnchen-3ya.de', 'München GmbH', 'de', 'Servus.'],
  ]) {
    await db.query('insert into sites (site_id, domain, brand_name, language, ai_prompt) values ($1, $2, $3, $4, $5)', [siteId, domain, brand, lang, prompt]);
  }
});
afterAll(async () => {
  await db?.close();
});
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
});

describe('editing a prompt in the real console', () => {
  it('finds a site with /, edits its prompt with Cyrillic text and a multi-line paste, reviews the diff, saves, and the row has it', async () => {
    tmux = startTmux([binCabinet], { env: terminalEnv({ DATABASE_URL: db.url }) });
    let screen = await tmux.waitFor('Sites (3)');
    expect(screen).toContain('münchen.de');

    tmux.type('/');
    tmux.type('beta');
    screen = await tmux.waitFor((s) => s.includes('Sites (1)') && s.includes('beta-fr'));
    expect(screen).not.toContain('acme-de');
    tmux.keys('Enter');
    tmux.type('e');
    await tmux.waitFor('Edit site beta-fr');

    // To the prompt, to the end of its first line.
    await focusField(tmuxForm(tmux), 'Prompt');
    tmux.keys('End');
    tmux.type(' Привет, мир!');
    tmux.paste('\nZeile eins\nZeile zwei\n日本語 und Grüße');
    screen = await tmux.waitFor('日本語 und Grüße');
    expect(screen).toContain('Tu es l’assistant de Beta. Привет, мир!');
    // The paste arrived as one edit: the cursor sits at its end, counted in characters as people see them.
    expect(screen).toMatch(/Ln 4, Col 14 · /);
    // The cursor cell is drawn after the last character; moved left over "Grüße", it sits on the ü.
    // (tmux leaves out the trailing blank of the inverse cell at the end of a line.)
    expect(tmux.captureAnsi()).toMatch(/日本語 und Grüße\u001b\[7m( |\n|$)/);
    // The terminal's own cursor is on that cell too, where an input method composes (CJK is two cells wide).
    const lines = tmux.capture().split('\n');
    const y = lines.findIndex((l) => l.includes('日本語 und Grüße'));
    const x = displayWidth(lines[y]!.slice(0, lines[y]!.indexOf('Grüße') + 'Grüße'.length));
    expect(await cursorAt(tmux, x, y)).toBe(`1 ${x} ${y}`);
    tmux.keys('Left', 'Left', 'Left');
    await tmux.waitFor('Ln 4, Col 11 · ');
    expect(tmux.captureAnsi()).toMatch(/日本語 und Gr\u001b\[7mü(\u001b\[[0-9;]*m)+ße/);
    expect(await cursorAt(tmux, x - 3, y)).toBe(`1 ${x - 3} ${y}`);
    // Undo takes the whole paste back in one step; redo restores it.
    tmux.keys('C-z');
    await tmux.waitFor((s) => !s.includes('Zeile eins'));
    tmux.keys('C-y');
    await tmux.waitFor('Zeile eins');

    tmux.keys('C-s');
    screen = await tmux.waitFor('Review changes to beta-fr');
    expect(screen).toContain('Changed: prompt');
    expect(screen).toContain('-Tu es l’assistant de Beta.');
    expect(screen).toContain('+Tu es l’assistant de Beta. Привет, мир!');
    expect(screen).toContain('+Zeile eins');
    expect(screen).toContain('+日本語 und Grüße');
    expect(screen).toContain(' Réponds poliment.');

    tmux.type('y');
    await tmux.waitFor('saved beta-fr: prompt');
    const { rows } = await db.query<{ ai_prompt: string; brand_name: string }>('select ai_prompt, brand_name from sites where site_id = $1', ['beta-fr']);
    expect(rows[0]).toEqual({
      ai_prompt: 'Tu es l’assistant de Beta. Привет, мир!\nZeile eins\nZeile zwei\n日本語 und Grüße\nRéponds poliment.',
      brand_name: 'Beta',
    });
    // The other sites are untouched.
    const untouched = await db.query<{ n: string }>(`select count(*) as n from sites where ai_prompt in ('Du bist der Assistent von ACME.', 'Servus.')`);
    expect(untouched.rows[0]?.n).toBe('2');

    tmux.type('q');
    expect(await tmux.waitForExit()).toBe(0);
    expect(tmux.info('#{alternate_on}')).toBe('0');
  });
});
