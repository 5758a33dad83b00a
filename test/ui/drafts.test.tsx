import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DraftStore } from '../../src/lib/drafts.ts';
import { formValuesOf } from '../../src/ui/screens/sites/site-changes.ts';
import { siteDraft } from '../../src/ui/screens/sites/use-site-draft.ts';
import type { SiteRecord } from '../../src/services/types.ts';
import { openRealConsole, type RealServices } from './real-console.ts';
import { KEY, renderConsole } from './render-console.tsx';
import { waitForDraft, waitForDraftGone } from './draft-waits.ts';

/** Drafts on the real services and a real database: acme-de exists (created through cabinet) in every test. */
const ACME = { siteId: 'acme-de', domain: 'acme.de', brandName: 'ACME', language: 'de', aiPrompt: 'Hallo.\nWie geht es?' };
const BETA = { siteId: 'beta-fr', domain: 'beta.fr', brandName: 'Beta', language: 'fr', aiPrompt: 'Bonjour.' };

let rc: Awaited<ReturnType<typeof openRealConsole>>;
beforeAll(async () => {
  rc = await openRealConsole('ui_drafts');
});
afterAll(async () => rc?.close());

let current: { unmount(): void } | undefined;
let stateHome: string;
let dir: string;
const savedEnv = { ...process.env };
beforeEach(async () => {
  await rc.reset({ sites: [ACME] });
  stateHome = fs.mkdtempSync(path.join(os.tmpdir(), 'cabinet-ui-'));
  process.env.XDG_STATE_HOME = stateHome;
  dir = path.join(stateHome, 'cabinet', 'drafts');
});
afterEach(() => {
  current?.unmount();
  current = undefined;
  process.env = { ...savedEnv };
  fs.rmSync(stateHome, { recursive: true, force: true });
});

/** A draft as a dropped session leaves it: an edit of the site as stored now, with some fields changed. */
async function leaveDraft(siteId: string, changes: Partial<Record<keyof SiteRecord, string>>): Promise<void> {
  const base = (await rc.services.sites.get(siteId))!;
  const store = new DraftStore({ dir });
  store.save(siteDraft(base, { ...formValuesOf(base), ...changes }));
  store.flushSync();
}

function open(services: RealServices, rows = 30) {
  const c = renderConsole(services, { columns: 110, rows, drafts: new DraftStore({ dir, debounceMs: 50 }) });
  current = c;
  return c;
}


describe('drafts while editing', () => {
  it('every change of the form is on disk within the debounce, with the version it started from', async () => {
    const c = open(rc.services);
    await c.waitFor('acme-de');
    await c.press('e');
    await c.waitFor('Edit site acme-de');
    await c.focusField('brand name');
    await c.press(KEY.end);
    await c.type(' GmbH');
    await c.focusField('Prompt');
    await c.type('Neu: ');
    const stored = await waitForDraft(dir, 'site:acme-de', (d) => d.fields.aiPrompt === 'Neu: Hallo.\nWie geht es?');
    expect(stored).toMatchObject({ entity: 'site', recordId: 'acme-de', baseVersion: 1, base: { brandName: 'ACME', aiPrompt: 'Hallo.\nWie geht es?' } });
    expect(stored?.fields).toMatchObject({ brandName: 'ACME GmbH', aiPrompt: 'Neu: Hallo.\nWie geht es?' });
    expect(fs.statSync(stored!.file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(c.frame()).toContain('draft kept');
  });

  it('an edit undone back to the stored values leaves no draft behind', async () => {
    const c = open(rc.services);
    await c.waitFor('acme-de');
    await c.press('e');
    await c.waitFor('Edit site acme-de');
    await c.focusField('brand name');
    await c.press(KEY.end);
    await c.type('!');
    await waitForDraft(dir, 'site:acme-de', (d) => d.fields.brandName === 'ACME!');
    await c.press(KEY.backspace);
    await c.waitFor('unchanged');
    await waitForDraftGone(dir, 'site:acme-de', c.drafts);
  });

  it('a failed save keeps the draft; the successful save after it removes it', async () => {
    const services = rc.services;
    const c = open(services);
    await c.waitFor('acme-de');
    await c.press('e');
    await c.waitFor('Edit site acme-de');
    await c.focusField('brand name');
    await c.press(KEY.end);
    await c.type(' GmbH');
    services.fail.set('sites.update', Object.assign(new Error('the connection to the database was lost'), { code: 'db-down' }));
    await c.press(KEY.ctrlS, 'y');
    await c.waitFor('not saved: the database is unreachable · your edit is kept');
    await waitForDraft(dir, 'site:acme-de', (d) => d.fields.brandName === 'ACME GmbH');
    services.fail.delete('sites.update');
    await c.press('y');
    await c.waitFor('saved acme-de: brand name');
    expect(await rc.siteRow('acme-de')).toMatchObject({ brand_name: 'ACME GmbH', version: 2 });
    await waitForDraftGone(dir, 'site:acme-de', c.drafts);
  });

  it('Esc, then y, discards the edit and its draft', async () => {
    const c = open(rc.services);
    await c.waitFor('acme-de');
    await c.press('e');
    await c.waitFor('Edit site acme-de');
    await c.focusField('brand name');
    await c.press(KEY.end);
    await c.type(' GmbH');
    await waitForDraft(dir, 'site:acme-de', (d) => d.fields.brandName === 'ACME GmbH');
    await c.press(KEY.esc);
    await c.waitFor('Discard your changes');
    await c.press('y');
    await c.waitFor('Sites (1)');
    await waitForDraftGone(dir, 'site:acme-de', c.drafts);
    expect(new DraftStore({ dir }).list()).toEqual([]);
  });

  it('while $EDITOR runs its file is in the drafts directory and the draft points at it', async () => {
    const seen = path.join(stateHome, 'seen.json');
    // The "editor" copies the draft as it is on disk while it runs, then writes a new prompt.
    process.env.VISUAL = `sh -c 'cat "$(dirname "$1")"/site-acme-de-*.draft.json > ${seen}; printf "Aus dem Editor\\n" > "$1"' editor`;
    const c = open(rc.services);
    await c.waitFor('acme-de');
    await c.press('e');
    await c.waitFor('Edit site acme-de');
    await c.press(KEY.ctrlO);
    await c.waitFor('prompt taken from the editor');
    const during = JSON.parse(fs.readFileSync(seen, 'utf8')) as { editor?: { field: string; file: string }; recordId: string };
    expect(during.recordId).toBe('acme-de');
    expect(during.editor?.field).toBe('aiPrompt');
    expect(path.dirname(during.editor!.file)).toBe(dir);
    // The editor's file is detached from the draft once its text is taken.
    const after = await waitForDraft(dir, 'site:acme-de', (d) => d.editor === undefined);
    expect(after?.editor).toBeUndefined();
    expect(after?.fields.aiPrompt).toBe('Aus dem Editor');
    expect(fs.existsSync(during.editor!.file)).toBe(false);
  });
});

describe('recovering drafts on the next start', () => {
  it('offers drafts from an earlier session first, with a diff against the current row', async () => {
    await rc.services.sites.create(BETA);
    await leaveDraft('acme-de', { brandName: 'ACME GmbH', aiPrompt: 'Hallo.\nWie geht es?\nNeue Zeile.' });
    const c = open(rc.services);
    const frame = await c.waitFor('Unsaved drafts from an earlier session (1)');
    expect(frame).toMatch(/site acme-de {2}saved \d{4}-\d\d-\d\d \d\d:\d\d {2}2 fields changed · the site is as the draft left it/);
    expect(frame).toMatch(/now\s+ACME$/m);
    expect(frame).toMatch(/draft\s+ACME GmbH$/m);
    expect(frame).toContain('--- prompt (current)');
    expect(frame).toContain('+++ prompt (draft)');
    expect(frame).toContain('+Neue Zeile.');
    expect(frame).toContain('Enter recover · d discard · Esc keep all for later');
  });

  it('recover opens the form with the draft, and saving it removes the draft', async () => {
    await leaveDraft('acme-de', { brandName: 'ACME GmbH' });
    const services = rc.services;
    const c = open(services);
    await c.waitFor('Unsaved drafts');
    await c.press(KEY.enter);
    const form = await c.waitFor('Edit site acme-de');
    expect(form).toContain('ACME GmbH');
    expect(form).toContain('resumed your unsaved draft from');
    await c.press(KEY.ctrlS, 'y');
    await c.waitFor('saved acme-de: brand name');
    expect(services.callsTo('sites.update')[0]?.args).toEqual(['acme-de', { brandName: 'ACME GmbH' }, { expectedVersion: 1 }]);
    expect(await rc.siteRow('acme-de')).toMatchObject({ brand_name: 'ACME GmbH', version: 2 });
    await waitForDraftGone(dir, 'site:acme-de', c.drafts);
    expect(new DraftStore({ dir }).list()).toEqual([]);
    // Back on the (now empty) recovery screen.
    await c.waitFor('No unsaved drafts left');
  });

  it('a draft of a site changed since in the same field opens on base / theirs / mine, and nothing is applied until a choice', async () => {
    await leaveDraft('acme-de', { brandName: 'ACME GmbH' });
    const services = rc.services;
    await rc.psql(`update sites set language = 'en', brand_name = 'ACME AG' where site_id = 'acme-de'`);
    const c = open(services);
    const list = await c.waitFor('the site changed since (v1 → v2)');
    expect(list).toMatch(/brand name {2}\(also changed underneath\)/);
    expect(list).toMatch(/base\s+ACME$/m);
    expect(list).toMatch(/now\s+ACME AG$/m);
    await c.press(KEY.enter);
    const conflict = await c.waitFor('Your edit is based on an older version: acme-de changed underneath (version 1 → 2)');
    expect(conflict).toMatch(/brand name {2}\(changed on both sides\)/);
    expect(conflict).toMatch(/theirs\s+ACME AG/);
    expect(conflict).toMatch(/mine\s+ACME GmbH/);
    expect(conflict).not.toContain('yours kept');
    await c.press('r');
    const review = await c.waitFor('Review changes to acme-de');
    expect(review).toContain('ACME AG');
    await c.press('y');
    await c.waitFor('saved acme-de');
    expect(services.callsTo('sites.update')[0]?.args).toEqual(['acme-de', { brandName: 'ACME GmbH' }, { expectedVersion: 2 }]);
    expect(await rc.siteRow('acme-de')).toMatchObject({ language: 'en', brand_name: 'ACME GmbH', version: 3 });
  });

  it('a draft of a site changed since in other fields only is moved onto the row now, their changes kept and named', async () => {
    await leaveDraft('acme-de', { brandName: 'ACME GmbH' });
    const services = rc.services;
    await rc.psql(`update sites set language = 'en' where site_id = 'acme-de'`);
    const c = open(services);
    await c.waitFor('the site changed since (v1 → v2)');
    await c.press(KEY.enter);
    const form = await c.waitFor(/resumed your unsaved draft from .* onto v2 \(was v1\); their changes kept: language/);
    expect(form).toMatch(/language\s+en/);
    await c.press(KEY.ctrlS, 'y');
    await c.waitFor('saved acme-de');
    expect(services.callsTo('sites.update')[0]?.args).toEqual(['acme-de', { brandName: 'ACME GmbH' }, { expectedVersion: 2 }]);
    expect(await rc.siteRow('acme-de')).toMatchObject({ language: 'en', brand_name: 'ACME GmbH', version: 3 });
  });

  it('a draft of a site deleted since opens on the re-create / discard choice', async () => {
    await leaveDraft('acme-de', { brandName: 'ACME GmbH' });
    const services = rc.services;
    await rc.as('bob').sites.delete('acme-de');
    const c = open(services);
    await c.waitFor('the site was deleted since');
    await c.press(KEY.enter);
    const frame = await c.waitFor('was deleted while you were editing it');
    expect(frame).toContain('deleted by bob');
    await c.press('c');
    await c.waitFor('re-created site acme-de with your values');
    expect(await rc.siteRow('acme-de')).toMatchObject({ brand_name: 'ACME GmbH', domain: 'acme.de', ai_prompt: 'Hallo.\nWie geht es?' });
  });

  it('d asks, then discards the draft', async () => {
    await leaveDraft('acme-de', { brandName: 'ACME GmbH' });
    const c = open(rc.services);
    await c.waitFor('Unsaved drafts');
    await c.press('d');
    await c.waitFor('Discard this draft of acme-de? Its changes are lost.');
    await c.press('n');
    await c.waitFor('Enter recover');
    expect(new DraftStore({ dir }).list()).toHaveLength(1);
    await c.press('d', 'y');
    await c.waitFor('No unsaved drafts left');
    expect(new DraftStore({ dir }).list()).toEqual([]);
  });

  it('Esc keeps every draft for later: nothing is deleted and the next start offers them again', async () => {
    await rc.services.sites.create(BETA);
    await leaveDraft('acme-de', { brandName: 'ACME GmbH' });
    await leaveDraft('beta-fr', { language: 'de' });
    const c = open(rc.services);
    await c.waitFor('Unsaved drafts from an earlier session (2)');
    await c.press(KEY.esc);
    await c.waitFor('kept 2 drafts for later');
    await c.waitFor('Sites (2)');
    c.unmount();
    expect(new DraftStore({ dir }).list()).toHaveLength(2);
    const again = open(rc.services);
    await again.waitFor('Unsaved drafts from an earlier session (2)');
  });

  it('editing a site that has a kept draft resumes the draft instead of overwriting it', async () => {
    await leaveDraft('acme-de', { brandName: 'ACME GmbH' });
    const c = open(rc.services);
    await c.waitFor('Unsaved drafts');
    await c.press(KEY.esc);
    await c.waitFor('Sites (1)');
    await c.press('e');
    const form = await c.waitFor('Edit site acme-de');
    expect(form).toContain('ACME GmbH');
    expect(form).toContain('resumed your unsaved draft');
  });

  it('hostile text in a draft and in the row is shown escaped on the recovery screen', async () => {
    const evil = 'E\u001b[2J\u001b]0;t\u0007\u009b1m\u202e\u200b\u007f';
    // psql writes what cabinet would refuse.
    await rc.psql(`update sites set brand_name = $1 where site_id = 'acme-de'`, [`row ${evil}`]);
    await leaveDraft('acme-de', { brandName: `mine ${evil}` });
    const c = open(rc.services);
    const frame = await c.waitFor('Unsaved drafts');
    expect(frame).toContain('row E\\x1b[2J\\x1b]0;t\\x07\\x9b1m\\u202e\\u200b\\x7f');
    expect(frame).toContain('mine E\\x1b[2J');
    for (const raw of ['\u001b[2J', '\u0007', '\u009b', '\u202e', '\u200b', '\u007f']) expect(frame).not.toContain(raw);
  });
});

describe('the new-site wizard keeps a draft', () => {
  it('as it is typed; opening the wizard again resumes it at the step it was left on', async () => {
    const services = rc.services;
    let c = open(services);
    await c.waitFor('acme-de');
    await c.press('n');
    await c.waitFor('New site  step 1 of 9: domain');
    await c.type('shop.example');
    await c.press(KEY.enter, KEY.enter);
    await c.waitFor('step 3 of 9: brand name');
    await c.type('Shop GmbH');
    const stored = await waitForDraft(dir, 'site-new', (d) => d.fields.brandName === 'Shop GmbH');
    expect(stored?.recordId).toBeNull();
    expect(stored?.fields).toMatchObject({ domain: 'shop.example', siteId: 'shop-example', brandName: 'Shop GmbH', language: 'en', aiPrompt: '' });
    // The session ends without a word (a dropped link): the next console resumes the wizard.
    c.unmount();
    c = open(services);
    await c.waitFor('Unsaved drafts from an earlier session (1)');
    const list = await c.waitFor('new site shop-example');
    expect(list).toContain('not created yet');
    expect(list).toMatch(/brand name\s+Shop GmbH/);
    await c.press(KEY.enter);
    const frame = await c.waitFor('step 3 of 9: brand name');
    expect(frame).toContain('resumed your unsaved new site from');
    expect(frame).toMatch(/› brand name\s+Shop GmbH/);
    expect(frame).toMatch(/domain\s+shop\.example/);
  });

  it('is removed once the site is created', async () => {
    const store = new DraftStore({ dir });
    store.save({ id: 'site-new', entity: 'site', recordId: null, baseVersion: null, base: {}, fields: { domain: 'new.example', siteId: 'new-example', brandName: 'New', language: 'en', aiScriptId: '', hubspotPipeline: '', hubspotStage: '', aiPrompt: 'Hallo.' }, ui: { step: 7, siteIdTouched: false } });
    store.flushSync();
    const services = rc.services;
    const c = open(services);
    await c.waitFor('Unsaved drafts');
    await c.press(KEY.enter);
    await c.waitFor('step 8 of 9: prompt');
    await c.waitFor('Hallo.');
    await c.press(KEY.tab);
    await c.waitFor('step 9 of 9: summary');
    await c.press('y');
    await c.waitFor('created site new-example');
    expect(services.callsTo('sites.create')[0]?.args[0]).toMatchObject({ siteId: 'new-example', domain: 'new.example', brandName: 'New', aiPrompt: 'Hallo.' });
    expect(await rc.siteRow('new-example')).toMatchObject({ domain: 'new.example', brand_name: 'New', ai_prompt: 'Hallo.', version: 1 });
    await waitForDraftGone(dir, 'site-new', c.drafts);
    expect(new DraftStore({ dir }).list()).toEqual([]);
  });

  it('Esc on the first step asks before throwing typed text away; nothing typed leaves at once', async () => {
    const services = rc.services;
    const c = open(services);
    await c.waitFor('acme-de');
    await c.press('n');
    await c.waitFor('step 1 of 9: domain');
    await c.press(KEY.esc);
    await c.waitFor('Sites (1)');
    await c.press('n');
    await c.waitFor('step 1 of 9: domain');
    await c.type('typo.example');
    await waitForDraft(dir, 'site-new', (d) => d.fields.domain === 'typo.example');
    await c.press(KEY.esc);
    await c.waitFor('Discard this new site? What you typed is lost. y discard · n keep editing');
    await c.press('n');
    await c.waitFor('Enter next · Shift-Tab back · Esc cancel');
    await c.press(KEY.esc, 'y');
    await c.waitFor('Sites (1)');
    await waitForDraftGone(dir, 'site-new', c.drafts);
  });
});
