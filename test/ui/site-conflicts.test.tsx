import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openRealConsole } from './real-console.ts';
import { KEY, renderConsole } from './render-console.tsx';

/**
 * Conflicts on save, on the real services and a real database: another writer (psql, another cabinet
 * user) changes or deletes acme-de while it is open in the form. Each test asserts the frame and the row.
 */
const PROMPT = 'Zeile 1\nZeile 2\nZeile 3\nZeile 4\nZeile 5\nZeile 6\nZeile 7\nZeile 8';
const ACME = { siteId: 'acme-de', domain: 'acme.de', brandName: 'ACME', language: 'de', aiPrompt: PROMPT };

let rc: Awaited<ReturnType<typeof openRealConsole>>;
let current: { unmount(): void } | undefined;
let stateHome: string;
const savedEnv = { ...process.env };
beforeAll(async () => {
  rc = await openRealConsole('ui_conflicts');
});
afterAll(async () => rc?.close());
beforeEach(async () => {
  stateHome = fs.mkdtempSync(path.join(os.tmpdir(), 'cabinet-ui-'));
  process.env.XDG_STATE_HOME = stateHome;
  await rc.reset({ sites: [ACME] });
});
afterEach(() => {
  current?.unmount();
  current = undefined;
  process.env = { ...savedEnv };
  fs.rmSync(stateHome, { recursive: true, force: true });
});

async function editAcme() {
  const services = rc.services;
  const c = renderConsole(services, { columns: 100, rows: 40 });
  current = c;
  await c.waitFor('acme-de');
  await c.press('e');
  await c.waitFor('Edit site acme-de');
  return { c, services };
}

/** A change made outside cabinet, as psql would make it: the row's version moves on, no revision. */
const changeOutside = (set: string, params: unknown[] = []) => rc.psql(`update sites set ${set} where site_id = 'acme-de'`, params);
const theirPrompt = `ai_prompt = replace(ai_prompt, 'Zeile 8', 'Zeile 8 (theirs)')`;
const row = async () => (await rc.siteRow('acme-de'))!;

/** In the form (domain focused): Tab to the brand name and append `text`. */
async function appendToBrand(c: Awaited<ReturnType<typeof editAcme>>['c'], text: string) {
  await c.focusField('brand name');
  await c.press(KEY.end);
  await c.type(text);
}

describe('a save over a row that changed underneath', () => {
  it('shows base, theirs and mine for each changed field and the prompts as unified diffs, and saves nothing', async () => {
    const { c, services } = await editAcme();
    await appendToBrand(c, ' GmbH');
    // Someone else changes the brand and the prompt meanwhile (psql, another console).
    await changeOutside(`brand_name = 'ACME AG', ${theirPrompt}`);
    await c.press(KEY.ctrlS);
    await c.waitFor('Review changes');
    await c.press('y');
    const frame = await c.waitFor('Not saved: acme-de changed underneath (version 1 → 2)');
    expect(frame).toMatch(/brand name {2}\(changed on both sides\)/);
    expect(frame).toMatch(/base\s+ACME$/m);
    expect(frame).toMatch(/theirs\s+ACME AG {2}← changed underneath/);
    expect(frame).toMatch(/mine\s+ACME GmbH {2}← your edit/);
    expect(frame).toContain('prompt  (changed underneath)');
    expect(frame).toContain('--- prompt (base)');
    expect(frame).toContain('+++ prompt (theirs)');
    expect(frame).toContain('+Zeile 8 (theirs)');
    expect(frame).toContain('r mine where both changed · t theirs there · o overwrite theirs knowingly · Esc keep editing');
    expect(await row()).toMatchObject({ brand_name: 'ACME AG', version: 2 });
    expect(services.callsTo('sites.update')[0]?.args[2]).toEqual({ expectedVersion: 1 });
  });

  it('r re-applies my changes onto theirs (their other changes kept) and saves with their version', async () => {
    const { c, services } = await editAcme();
    await appendToBrand(c, ' GmbH');
    await changeOutside(`language = 'en', ${theirPrompt}`);
    await c.press(KEY.ctrlS, 'y');
    await c.waitFor('changed underneath');
    await c.press('r');
    const review = await c.waitFor('Review changes to acme-de');
    // Against theirs only my change remains.
    expect(review).toContain('Changed: brand name');
    expect(review).not.toContain('--- prompt');
    await c.waitFor('re-applied your changes onto version 2');
    await c.press('y');
    await c.waitFor('saved acme-de: brand name');
    expect(await row()).toMatchObject({ brand_name: 'ACME GmbH', language: 'en', ai_prompt: PROMPT.replace('Zeile 8', 'Zeile 8 (theirs)'), version: 3 });
    expect(services.callsTo('sites.update').at(-1)?.args[2]).toEqual({ expectedVersion: 2 });
  });

  it('two prompt edits on different lines: the line merge is offered on the conflict (shown), and taken only with g', async () => {
    const { c } = await editAcme();
    await c.focusField('Prompt');
    await c.press(KEY.end);
    await c.type(' (mine)');
    await changeOutside(theirPrompt);
    await c.press(KEY.ctrlS, 'y');
    const frame = await c.waitFor('changed underneath');
    expect(frame).toContain('prompt  (changed on both sides)');
    expect(frame).toContain('g takes this text');
    expect(frame).toContain('+++ prompt (merged)');
    expect(frame).toContain('g merged prompt');
    await c.press('g');
    await c.waitFor('prompt merged line by line');
    await c.press('y');
    await c.waitFor('saved acme-de: prompt');
    expect((await row()).ai_prompt).toBe('Zeile 1 (mine)\nZeile 2\nZeile 3\nZeile 4\nZeile 5\nZeile 6\nZeile 7\nZeile 8 (theirs)');
  });

  it('r on a prompt both changed keeps mine, and the review shows their line going (nothing merged behind the person\'s back)', async () => {
    const { c } = await editAcme();
    await c.focusField('Prompt');
    await c.press(KEY.end);
    await c.type(' (mine)');
    await changeOutside(theirPrompt);
    await c.press(KEY.ctrlS, 'y');
    await c.waitFor('changed underneath');
    await c.press('r');
    const review = await c.waitFor('Review changes to acme-de');
    expect(review).toContain('-Zeile 8 (theirs)');
    expect((await row()).ai_prompt).toBe(PROMPT.replace('Zeile 8', 'Zeile 8 (theirs)'));
  });

  it('o overwrites theirs knowingly: the save passes force and my value wins', async () => {
    const { c, services } = await editAcme();
    await appendToBrand(c, ' GmbH');
    await changeOutside(`brand_name = 'ACME AG'`);
    await c.press(KEY.ctrlS, 'y');
    await c.waitFor('changed underneath');
    await c.press('o');
    await c.waitFor('saved acme-de (overwrote the newer version): brand name');
    expect(await row()).toMatchObject({ brand_name: 'ACME GmbH', version: 3 });
    expect(services.callsTo('sites.update').at(-1)?.args[2]).toEqual({ expectedVersion: 1, force: true });
  });

  it('Esc keeps editing with the edit intact; Ctrl-S shows the conflict again instead of a save bound to fail', async () => {
    const { c, services } = await editAcme();
    await appendToBrand(c, ' GmbH');
    await changeOutside(`brand_name = 'ACME AG'`);
    await c.press(KEY.ctrlS, 'y');
    await c.waitFor('changed underneath');
    await c.press(KEY.esc);
    const frame = await c.waitFor('Edit site acme-de');
    expect(frame).toContain('ACME GmbH');
    expect(frame).toContain('not saved: the site changed underneath; Ctrl-S shows the choices again');
    await c.press(KEY.ctrlS);
    await c.waitFor('r reload and re-apply my changes');
    expect(services.callsTo('sites.update')).toHaveLength(1);
    expect(await row()).toMatchObject({ brand_name: 'ACME AG', version: 2 });
  });

  it('a stale error from the database is shown sanitised (no raw escape reaches the terminal)', async () => {
    const { c } = await editAcme();
    await appendToBrand(c, '!');
    await changeOutside('brand_name = $1', ['Evil\u001b[2J\u001b]0;pwned\u0007']);
    await c.press(KEY.ctrlS, 'y');
    const frame = await c.waitFor('changed underneath');
    expect(frame).toContain('Evil\\x1b[2J\\x1b]0;pwned\\x07');
    expect(frame).not.toContain('\u001b[2J');
    expect(frame).not.toContain('\u0007');
  });
});

describe('a site deleted while it is being edited', () => {
  it('names who deleted it and when, keeps the draft, and offers re-create or discard', async () => {
    const { c } = await editAcme();
    await appendToBrand(c, ' GmbH');
    await rc.as('alice@ssh 10.0.0.7').sites.delete('acme-de');
    await c.press(KEY.ctrlS, 'y');
    const frame = await c.waitFor('Not saved: acme-de was deleted while you were editing it');
    expect(frame).toMatch(/Site acme-de was deleted by alice@ssh 10\.0\.0\.7 at \d{4}-\d\d-\d\dT/);
    expect(frame).toContain('c re-create it with my values · x discard my draft · Esc keep editing');
    c.drafts.flushSync();
    expect(c.drafts.get('site:acme-de')?.fields.brandName).toBe('ACME GmbH');
    expect(await rc.siteRow('acme-de')).toBeNull();
  });

  it('c re-creates the site with my values and then forgets the draft', async () => {
    const { c, services } = await editAcme();
    await appendToBrand(c, ' GmbH');
    await rc.as('alice').sites.delete('acme-de');
    await c.press(KEY.ctrlS, 'y');
    await c.waitFor('was deleted');
    // The draft is there before the choice takes it away.
    c.drafts.flushSync();
    expect(c.drafts.get('site:acme-de')?.fields.brandName).toBe('ACME GmbH');
    await c.press('c');
    await c.waitFor('re-created site acme-de with your values');
    await c.waitFor('Site acme-de');
    expect(await row()).toMatchObject({ brand_name: 'ACME GmbH', domain: 'acme.de', ai_prompt: PROMPT });
    expect(services.callsTo('sites.create')[0]?.args[0]).toMatchObject({ siteId: 'acme-de', brandName: 'ACME GmbH' });
    c.drafts.flushSync();
    expect(c.drafts.get('site:acme-de')).toBeNull();
  });

  it('x discards the draft and goes back without writing anything', async () => {
    const { c, services } = await editAcme();
    await appendToBrand(c, ' GmbH');
    await rc.as('alice').sites.delete('acme-de');
    await c.press(KEY.ctrlS, 'y');
    await c.waitFor('was deleted');
    // The draft is there before the choice takes it away.
    c.drafts.flushSync();
    expect(c.drafts.get('site:acme-de')?.fields.brandName).toBe('ACME GmbH');
    await c.press('x');
    await c.waitFor('discarded your draft of acme-de');
    c.drafts.flushSync();
    expect(c.drafts.get('site:acme-de')).toBeNull();
    expect(services.callsTo('sites.create')).toHaveLength(0);
    expect(await rc.siteRow('acme-de')).toBeNull();
  });
});

describe('the note on the review', () => {
  it('N writes a note that is saved with the revision', async () => {
    const { c, services } = await editAcme();
    await appendToBrand(c, ' GmbH');
    await c.press(KEY.ctrlS);
    await c.waitFor('Save these changes? y/Enter save · N note');
    await c.press('N');
    await c.waitFor('Enter saves with this note');
    // Keys are typed into the note while it has focus (q and y included).
    await c.type('rebrand, ticket 42 — yes');
    await c.press(KEY.enter);
    await c.waitFor('saved acme-de: brand name · revision 2');
    expect(services.callsTo('sites.update')[0]?.args[2]).toEqual({ expectedVersion: 1, note: 'rebrand, ticket 42 — yes' });
    expect((await rc.siteRevisions('acme-de')).at(-1)).toMatchObject({ rev: 2, action: 'update', actor: 'tester', note: 'rebrand, ticket 42 — yes' });
  });

  it('Tab reaches the note line too, Tab leaves it, and y then saves with it', async () => {
    const { c, services } = await editAcme();
    await appendToBrand(c, ' GmbH');
    await c.press(KEY.ctrlS);
    await c.waitFor('Review changes');
    await c.press(KEY.tab);
    await c.type('why not');
    await c.press(KEY.tab);
    await c.waitFor('Save these changes?');
    await c.press('y');
    await c.waitFor('saved acme-de');
    expect(services.callsTo('sites.update')[0]?.args[2]).toEqual({ expectedVersion: 1, note: 'why not' });
    expect((await rc.siteRevisions('acme-de')).at(-1)).toMatchObject({ rev: 2, note: 'why not' });
  });

  it('without a note the save passes none', async () => {
    const { c, services } = await editAcme();
    await appendToBrand(c, ' GmbH');
    await c.press(KEY.ctrlS, 'y');
    await c.waitFor('saved acme-de');
    expect(services.callsTo('sites.update')[0]?.args[2]).toEqual({ expectedVersion: 1 });
    expect((await rc.siteRevisions('acme-de')).at(-1)).toMatchObject({ rev: 2, action: 'update', note: null });
    expect(await row()).toMatchObject({ brand_name: 'ACME GmbH', version: 2 });
  });
});
