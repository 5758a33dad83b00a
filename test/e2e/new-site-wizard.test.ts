import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedDatabase } from '../helpers/db.ts';
import { displayWidth } from '../../src/ui/text/graphemes.ts';
import { binCabinet, cursorAt, ensureBuilt, startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';

let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
let tmux: TmuxSession | undefined;

beforeAll(async () => {
  ensureBuilt();
  db = await createMigratedDatabase('e2e_wizard');
});
afterAll(async () => {
  await db?.close();
});
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
});

describe('seeding a new site in the real console', () => {
  it('creates a site through the wizard and the row is in the database', async () => {
    tmux = startTmux([binCabinet], { env: terminalEnv({ DATABASE_URL: db.url }) });
    await tmux.waitFor('No sites yet');
    tmux.type('n');
    await tmux.waitFor('step 1 of 9: domain');
    tmux.type('www.Bäckerei-Schmidt.de');
    tmux.keys('Enter');
    // The site id is suggested from the domain (its ASCII form).
    let screen = await tmux.waitFor('step 2 of 9: site id');
    expect(screen).toMatch(/› site id\s+xn-bckerei-schmidt-0kb-de\s+✓ suggested from the domain/);
    for (let i = 0; i < 40; i++) tmux.keys('BSpace');
    tmux.type('baeckerei-schmidt');
    tmux.keys('Enter');
    await tmux.waitFor('step 3 of 9: brand name');
    tmux.type('Bäckerei Schmidt');
    // The terminal's own cursor follows the typing in the focused field.
    const lines = (await tmux.waitFor(/› brand name\s+Bäckerei Schmidt/)).split('\n');
    const y = lines.findIndex((l) => l.includes('› brand name'));
    const x = displayWidth(lines[y]!.slice(0, lines[y]!.indexOf('Bäckerei Schmidt') + 'Bäckerei Schmidt'.length));
    expect(await cursorAt(tmux, x, y)).toBe(`1 ${x} ${y}`);
    // Under the help there is no cursor in the field; closing the help puts it back.
    tmux.keys('C-g');
    await tmux.waitFor('close help');
    for (const deadline = Date.now() + 2000; tmux.info('#{cursor_flag}') !== '0' && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 50));
    expect(tmux.info('#{cursor_flag}')).toBe('0');
    tmux.keys('Escape');
    expect(await cursorAt(tmux, x, y)).toBe(`1 ${x} ${y}`);
    tmux.keys('Enter');
    screen = await tmux.waitFor('step 4 of 9: language');
    expect(screen).toMatch(/› language\s+en/);
    tmux.keys('BSpace', 'BSpace');
    tmux.type('de-at');
    await tmux.waitFor('stored as de-AT');
    tmux.keys('Enter');
    await tmux.waitFor('step 5 of 9');
    tmux.keys('Enter');
    await tmux.waitFor('step 6 of 9');
    tmux.type('default');
    tmux.keys('Enter');
    await tmux.waitFor('step 7 of 9');
    tmux.keys('Enter');
    await tmux.waitFor('step 8 of 9: prompt');
    tmux.type('Du bist die Verkäuferin. ');
    tmux.paste('Begrüße jeden Kunden.\nEmpfiehl das Roggenbrot.');
    await tmux.waitFor('Empfiehl das Roggenbrot.');
    tmux.keys('Tab');
    screen = await tmux.waitFor('step 9 of 9: summary');
    expect(screen).toMatch(/domain\s+www\.bäckerei-schmidt\.de\s+\(stored as www\.xn--bckerei-schmidt-/);
    expect(screen).toMatch(/language\s+de-AT/);
    tmux.type('y');
    await tmux.waitFor('created site baeckerei-schmidt');
    await tmux.waitFor('Site baeckerei-schmidt');

    const { rows } = await db.query('select site_id, domain, brand_name, language, ai_script_id, hubspot_pipeline, hubspot_stage, ai_prompt from sites');
    expect(rows).toEqual([
      {
        site_id: 'baeckerei-schmidt',
        domain: 'www.xn--bckerei-schmidt-0kb.de',
        brand_name: 'Bäckerei Schmidt',
        language: 'de-AT',
        ai_script_id: null,
        hubspot_pipeline: 'default',
        hubspot_stage: null,
        ai_prompt: 'Du bist die Verkäuferin. Begrüße jeden Kunden.\nEmpfiehl das Roggenbrot.',
      },
    ]);

    tmux.keys('Escape');
    await tmux.waitFor('Sites (1)');
    tmux.type('q');
    expect(await tmux.waitForExit()).toBe(0);
  });
});
