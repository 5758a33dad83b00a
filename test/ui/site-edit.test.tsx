import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CabinetError } from '../../src/lib/errors.ts';
import { PROMPT_MAX_CHARS } from '../../src/schema/limits.ts';
import { openRealConsole } from './real-console.ts';
import { KEY, renderConsole } from './render-console.tsx';

/** The site edit form on the real services and a real database: what it shows, and what a save writes. */
const ACME = {
  siteId: 'acme-de',
  domain: 'acme.de',
  brandName: 'ACME',
  language: 'de',
  hubspotPipeline: 'default',
  aiPrompt: 'Du bist der Assistent von ACME.\nAntworte freundlich.',
};

let rc: Awaited<ReturnType<typeof openRealConsole>>;
let current: { unmount(): void } | undefined;
let stateHome: string;
const savedEnv = { ...process.env };
beforeAll(async () => {
  rc = await openRealConsole('ui_site_edit');
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

/** Opens the console on the edit form of acme-de (list → e). */
async function editAcme() {
  const services = rc.services;
  const c = renderConsole(services, { columns: 100, rows: 30 });
  current = c;
  await c.waitFor('acme-de');
  await c.press('e');
  await c.waitFor('Edit site acme-de');
  return { c, services };
}

/** acme-de as the database holds it. */
const stored = async () => (await rc.siteRow('acme-de'))!;

/** The form row of a field: what is shown in it and next to it. */
const row = (frame: string, label: string) => frame.split('\n').find((l) => l.replace(/^› /, '  ').startsWith(`  ${label}`)) ?? '';

describe('editing a site', () => {
  it('shows every field and validates as you type, next to the field', async () => {
    const { c } = await editAcme();
    let frame = c.frame();
    for (const label of ['site id', 'domain', 'brand name', 'language', 'AI script id', 'HubSpot pipeline', 'HubSpot stage', 'Prompt']) expect(frame).toContain(label);
    expect(row(frame, 'HubSpot pipeline')).toContain('default');
    // The domain has focus first: make it a URL, which a domain may not be.
    await c.press(KEY.home);
    await c.type('https://');
    frame = await c.waitFor('without a scheme');
    expect(row(frame, 'domain')).toContain('https://acme.de');
    expect(row(frame, 'domain')).toContain('✗ domain: without a scheme');
    // An IDN is fine, and the form says how it will be stored.
    for (let i = 0; i < 'https://acme.de'.length; i++) await c.press(KEY.backspace);
    await c.press(KEY.delete, KEY.delete, KEY.delete, KEY.delete, KEY.delete, KEY.delete, KEY.delete);
    await c.type('münchen.de');
    frame = await c.waitFor('stored as xn--mnchen-3ya.de');
    // The language: a bad tag is refused, pt-br is canonicalised.
    await c.focusField('language');
    await c.press(KEY.backspace, KEY.backspace);
    await c.type('xx-123456789');
    await c.waitFor(/✗ language/);
    for (let i = 0; i < 12; i++) await c.press(KEY.backspace);
    await c.type('pt-br');
    frame = await c.waitFor('stored as pt-BR');
    // Shift-Tab goes back to the brand; a control character is refused in a one-line field.
    await c.press(KEY.shiftTab);
    await c.press(KEY.paste('ACME\u001b[31m'));
    frame = await c.waitFor('brand name: brand name must be one line without control characters');
    // …and shown escaped, never raw.
    expect(row(frame, 'brand name')).toContain('ACMEACME\\x1b[31m');
    expect(row(frame, 'brand name')).toContain('✗ brand name must be one line');
    expect(frame).not.toContain('\u001b');
  });

  it('Ctrl-Z in a field takes back a slip (a word deleted by Ctrl-W), Ctrl-Y redoes it', async () => {
    const { c } = await editAcme();
    await c.focusField('brand name');
    await c.press('\u0017'); // Ctrl-W
    let frame = await c.waitFor((f) => !row(f, 'brand name').includes('ACME'));
    expect(row(frame, 'brand name')).toContain('✗');
    await c.press(KEY.ctrlZ);
    await c.waitFor((f) => row(f, 'brand name').includes('ACME'));
    await c.press(KEY.ctrlY);
    await c.waitFor((f) => !row(f, 'brand name').includes('ACME'));
  });

  it('edits the prompt with Cyrillic text and a multi-line paste, reviews the diff, and saves through the service', async () => {
    const { c, services } = await editAcme();
    // The prompt, end of its first line.
    await c.focusField('Prompt');
    await c.press(KEY.end);
    await c.type(' Привет!');
    await c.press(KEY.enter);
    await c.press(KEY.paste('Zeile eins\r\nZeile zwei\r\n日本語 👍🏽'));
    let frame = await c.waitFor('日本語 👍🏽');
    expect(frame).toContain('Du bist der Assistent von ACME. Привет!');
    expect(frame).toMatch(/Ln 4, Col 6 · /);
    // Undo takes the whole paste back at once; redo brings it again.
    await c.press(KEY.ctrlZ);
    await c.waitFor((f) => !f.includes('Zeile zwei'));
    await c.press(KEY.ctrlY);
    await c.waitFor('Zeile zwei');

    await c.press(KEY.ctrlS);
    frame = await c.waitFor('Review changes to acme-de');
    expect(frame).toContain('Changed: prompt');
    expect(frame).toContain('--- prompt (stored)');
    expect(frame).toContain('-Du bist der Assistent von ACME.');
    expect(frame).toContain('+Du bist der Assistent von ACME. Привет!');
    expect(frame).toContain('+Zeile eins');
    expect(frame).toContain('+日本語 👍🏽');
    expect(frame).toMatch(/@@ -1,2 \+1,5 @@/);
    expect(services.callsTo('sites.update')).toHaveLength(0);

    // n goes back to editing with everything kept; Ctrl-S and y save.
    await c.press('n');
    await c.waitFor('Edit site acme-de');
    expect(c.frame()).toContain('Zeile zwei');
    await c.press(KEY.ctrlS);
    await c.waitFor('Save these changes?');
    await c.press('y');
    await c.waitFor('saved acme-de: prompt');
    const [call] = services.callsTo('sites.update');
    expect(call?.args[0]).toBe('acme-de');
    expect(call?.args[1]).toEqual({ aiPrompt: 'Du bist der Assistent von ACME. Привет!\nZeile eins\nZeile zwei\n日本語 👍🏽\nAntworte freundlich.' });
    // The version the edit started from goes with it, so a concurrent change is not overwritten unseen.
    expect(call?.args[2]).toEqual({ expectedVersion: 1 });
    expect(await stored()).toMatchObject({ ai_prompt: 'Du bist der Assistent von ACME. Привет!\nZeile eins\nZeile zwei\n日本語 👍🏽\nAntworte freundlich.', version: 2 });
    expect((await rc.siteRevisions('acme-de')).at(-1)).toMatchObject({ rev: 2, action: 'update', changed_fields: ['ai_prompt'] });
    await c.waitFor('Sites (1)');
  });

  it('sends only the changed fields, normalised, and lists them on the review', async () => {
    const { c, services } = await editAcme();
    await c.focusField('brand name');
    await c.press(KEY.end);
    await c.type(' GmbH');
    await c.focusField('AI script id');
    await c.type('crm-1');
    await c.press(KEY.ctrlS);
    const frame = await c.waitFor('Review changes');
    expect(frame).toContain('Changed: brand name, AI script id');
    expect(frame).toMatch(/brand name\s+ACME → ACME GmbH/);
    expect(frame).toMatch(/AI script id\s+\(empty\) → crm-1/);
    expect(frame).not.toContain('--- prompt');
    await c.press(KEY.enter);
    await c.waitFor('saved acme-de');
    expect(services.callsTo('sites.update')[0]?.args[1]).toEqual({ brandName: 'ACME GmbH', aiScriptId: 'crm-1' });
    expect(await stored()).toMatchObject({ brand_name: 'ACME GmbH', ai_script_id: 'crm-1', language: 'de', hubspot_pipeline: 'default', version: 2 });
  });

  it('does not go to the review while a field is invalid, and says nothing changed when nothing did', async () => {
    const { c, services } = await editAcme();
    await c.press(KEY.ctrlS);
    await c.waitFor('nothing changed');
    for (let i = 0; i < 7; i++) await c.press(KEY.backspace);
    await c.press(KEY.ctrlS);
    await c.waitFor('fix this field first: domain is required');
    expect(c.frame()).not.toContain('Review changes');
    expect(services.callsTo('sites.update')).toHaveLength(0);
    expect(await stored()).toMatchObject({ domain: 'acme.de', version: 1 });
  });

  it('shows a service error as one line and keeps the edit (a conflict included)', async () => {
    const { c, services } = await editAcme();
    await c.focusField('brand name');
    await c.press(KEY.end);
    await c.type(' 2');
    services.fail.set('sites.update', new CabinetError('site acme-de was changed by someone else since you opened it', { code: 'stale', hint: 'reload and re-apply your edit, or overwrite knowingly' }));
    await c.press(KEY.ctrlS, 'y');
    await c.waitFor('not saved: site acme-de was changed by someone else since you opened it (reload');
    expect(await stored()).toMatchObject({ brand_name: 'ACME', version: 1 });
    await c.press(KEY.esc);
    const frame = await c.waitFor('Edit site acme-de');
    expect(row(frame, 'brand name')).toContain('ACME 2');
    services.fail.delete('sites.update');
    await c.press(KEY.ctrlS, 'y');
    await c.waitFor('saved acme-de: brand name');
    expect(await stored()).toMatchObject({ brand_name: 'ACME 2', version: 2 });
  });

  it('moves through the prompt by words (Ctrl-Left/Right, Alt-b/f), lines (Home/End) and pages (PgUp/PgDn)', async () => {
    const long = Array.from({ length: 60 }, (_, i) => `Zeile ${i + 1} Привет мир`).join('\n');
    await rc.reset({ sites: [{ siteId: 'acme-de', domain: 'acme.de', brandName: 'ACME', aiPrompt: long }] });
    const { c } = await editAcme();
    await c.focusField('Prompt');
    await c.waitFor('Ln 1, Col 1 ·');
    await c.press(KEY.ctrlRight);
    await c.waitFor('Ln 1, Col 6 ·');
    await c.press(KEY.ctrlRight, KEY.ctrlRight);
    await c.waitFor('Ln 1, Col 15 ·');
    await c.press('\u001bb');
    await c.waitFor('Ln 1, Col 9 ·');
    await c.press('\u001bf', KEY.ctrlLeft);
    await c.waitFor('Ln 1, Col 9 ·');
    await c.press(KEY.end);
    await c.waitFor('Ln 1, Col 19 ·');
    await c.press(KEY.home);
    await c.waitFor('Ln 1, Col 1 ·');
    await c.press(KEY.pageDown);
    const frame = await c.waitFor((f) => /Ln (1[0-9]|2[0-9]), Col 1 ·/.test(f));
    expect(frame).not.toContain('Zeile 1 Привет');
    await c.press(KEY.pageUp);
    await c.waitFor('Ln 1, Col 1 ·');
    expect(c.frame()).toContain('Zeile 1 Привет');
  });

  it('refuses a paste that would pass the prompt limit, says so, and stays responsive', async () => {
    const { c } = await editAcme();
    await c.focusField('Prompt');
    const started = Date.now();
    await c.press(KEY.paste('x'.repeat(PROMPT_MAX_CHARS)));
    await c.waitFor('paste refused: the prompt is limited to 100,000 characters');
    expect(Date.now() - started).toBeLessThan(2000);
    await c.type('ok');
    await c.waitFor('okDu bist');
  });

  it('Esc with changes asks before discarding them', async () => {
    const { c, services } = await editAcme();
    await c.focusField('brand name');
    await c.type('!');
    await c.press(KEY.esc);
    await c.waitFor('Discard your changes to acme-de?');
    await c.press('n');
    await c.waitFor('ACME!');
    await c.press(KEY.esc);
    await c.waitFor('Discard your changes');
    await c.press('y');
    await c.waitFor('Sites (1)');
    expect(services.callsTo('sites.update')).toHaveLength(0);
    expect(await stored()).toMatchObject({ brand_name: 'ACME', version: 1 });
  });

  it('keeps the draft through a terminal too small to draw it', async () => {
    const { c } = await editAcme();
    await c.focusField('brand name');
    await c.type(' Draft');
    c.resize(40, 10);
    await c.waitFor('Terminal too small: 40×10');
    c.resize(100, 30);
    const frame = await c.waitFor('Edit site acme-de');
    expect(row(frame, 'brand name')).toContain('ACME Draft');
  });
});

describe('the prompt in $EDITOR', () => {
  it('Ctrl-O hands the prompt to $VISUAL in a private draft file and takes the result back', async () => {
    const seen = path.join(stateHome, 'seen');
    // The "editor" records the draft's permissions and content, then writes a new prompt.
    process.env.VISUAL = `sh -c 'stat -c "%a %n" "$(dirname "$1")" "$1" > ${seen}; cat "$1" >> ${seen}; printf "Neuer Prompt\\nmit Umlauten: äöü\\n" > "$1"' editor`;
    const { c } = await editAcme();
    await c.press(KEY.ctrlO);
    await c.waitFor('prompt taken from the editor');
    const frame = await c.waitFor('mit Umlauten: äöü');
    expect(frame).toContain('Neuer Prompt');
    const [dirLine, fileLine, ...content] = fs.readFileSync(seen, 'utf8').split('\n');
    expect(dirLine).toMatch(new RegExp(`^700 ${stateHome}/cabinet/drafts$`));
    expect(fileLine).toMatch(/^600 .*\/drafts\/site-acme-de-[0-9a-f]+\.md$/);
    expect(content.join('\n')).toBe('Du bist der Assistent von ACME.\nAntworte freundlich.\n');
    // The editor's file is gone afterwards; the edit lives on in the site's draft until it is saved.
    const left = fs.readdirSync(path.join(stateHome, 'cabinet', 'drafts'));
    expect(left.filter((f) => f.endsWith('.md'))).toEqual([]);
    expect(left.filter((f) => f.endsWith('.draft.json'))).toHaveLength(1);
    // The editor's trailing newline is not a change; the rest goes to the review as usual.
    await c.press(KEY.ctrlS);
    await c.waitFor('+mit Umlauten: äöü');
  });

  it('an editor that changes nothing is a no-op', async () => {
    process.env.VISUAL = 'true';
    const { c, services } = await editAcme();
    await c.press(KEY.ctrlO);
    await c.waitFor('prompt unchanged in the editor');
    await c.press(KEY.ctrlS);
    await c.waitFor('nothing changed');
    expect(services.callsTo('sites.update')).toHaveLength(0);
  });

  it('E on the list opens the editor and a changed prompt goes to the edit form for review', async () => {
    process.env.EDITOR = `sh -c 'printf "Kurz." > "$1"' editor`;
    delete process.env.VISUAL;
    const c = renderConsole(rc.services);
    current = c;
    await c.waitFor('acme-de');
    await c.press('E');
    await c.waitFor('prompt changed in the editor');
    await c.waitFor('Edit site acme-de');
    await c.press(KEY.ctrlS);
    const frame = await c.waitFor('Review changes');
    expect(frame).toContain('+Kurz.');
    expect(frame).toContain('-Antworte freundlich.');
  });
});
