import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HistoryEntry, SiteRecord } from '../../src/services/types.ts';
import { fakeServices, site, type FakeServices } from './fake-services.ts';
import { KEY, renderConsole, selectedRow } from './render-console.tsx';

const ACME = site({ siteId: 'acme-de', domain: 'acme.de', brandName: 'ACME', language: 'de', aiPrompt: 'Hallo.\nWie geht es?' });

let current: { unmount(): void } | undefined;
afterEach(() => {
  current?.unmount();
  current = undefined;
});

/** acme-de with two revisions made through cabinet: rev 1 the brand (with a note), rev 2 the prompt. */
async function withHistory(options: Parameters<typeof fakeServices>[0] = {}): Promise<FakeServices> {
  const services = fakeServices({ sites: [ACME], ...options });
  await services.sites.update('acme-de', { brandName: 'ACME GmbH' }, { expectedVersion: 1, note: 'rebrand' });
  await services.sites.update('acme-de', { aiPrompt: 'Hallo!\nWie geht es?\nTschüss.' }, { expectedVersion: 2 });
  services.calls.length = 0;
  return services;
}

async function openHistory(services: FakeServices) {
  const c = renderConsole(services, { columns: 110, rows: 30 });
  current = c;
  await c.waitFor('acme-de');
  await c.press('h');
  await c.waitFor('History of acme-de');
  await c.waitFor('rev 1');
  return c;
}

describe('a site’s history', () => {
  it('h on the list shows the site now and its revisions newest first, with who, what and the note', async () => {
    const c = await openHistory(await withHistory());
    const lines = c.frame().split('\n');
    const now = lines.findIndex((l) => l.includes(' now '));
    const rev2 = lines.findIndex((l) => l.includes('rev 2'));
    const rev1 = lines.findIndex((l) => l.includes('rev 1'));
    expect(now).toBeGreaterThan(0);
    expect(rev2).toBeGreaterThan(now);
    expect(rev1).toBeGreaterThan(rev2);
    expect(lines[now]).toContain('v3');
    expect(lines[rev2]).toMatch(/update\s+prompt\s+by tester/);
    expect(lines[rev1]).toMatch(/update\s+brand name\s+by tester\s+“rebrand”/);
    expect(c.frame()).toContain('2 revisions');
  });

  it('a long history loads older pages as the cursor nears the end: every revision down to rev 1, each fetched once', async () => {
    const services = fakeServices({ sites: [ACME] });
    for (let v = 1; v <= 450; v++) await services.sites.update('acme-de', { brandName: `ACME ${v}` }, { expectedVersion: v });
    services.calls.length = 0;
    const c = renderConsole(services, { columns: 110, rows: 30 });
    current = c;
    await c.waitFor('acme-de');
    await c.press('h');
    // Revisions are numbered from 1: the newest one is their count, before the older pages are loaded.
    await c.waitFor('450 revisions');
    expect(c.frame()).not.toContain('+ revisions');
    const pages = (n: number) => vi.waitFor(() => expect(services.callsTo('revisions.history')).toHaveLength(n));
    await pages(1);
    await c.press('G');
    await pages(2);
    await c.press('G');
    await pages(3);
    await c.press('G');
    await c.waitFor('rev 1 ');
    expect(selectedRow(c.frame())).toMatch(/rev 1\s/);
    expect(services.callsTo('revisions.history').map((call) => call.args[1])).toEqual([{ limit: 200 }, { limit: 200, before: 251 }, { limit: 200, before: 51 }]);
  });

  it('h on the detail view opens the same history', async () => {
    const services = await withHistory();
    const c = renderConsole(services);
    current = c;
    await c.waitFor('acme-de');
    await c.press(KEY.enter);
    await c.waitFor('Site acme-de');
    await c.press('h');
    await c.waitFor('History of acme-de');
    expect(services.callsTo('revisions.history')[0]?.args[0]).toBe('acme-de');
  });

  it('changes made outside cabinet show as a gap with the trigger’s time and the fields they changed', async () => {
    const services = await withHistory();
    const [rev2, rev1] = (await services.revisions.history('acme-de')) as HistoryEntry[];
    const now = services.changeOutside('acme-de', { language: 'en' });
    const gap: HistoryEntry = {
      kind: 'outside',
      action: 'update',
      fromVersion: 3,
      toVersion: 4,
      writes: 1,
      changed: ['language'],
      before: (rev2 as { after: SiteRecord }).after,
      after: now,
      at: new Date('2026-03-04T05:06:00Z'),
    };
    services.historyById.set('acme-de', [gap, rev2!, rev1!]);
    const c = await openHistory(services);
    const frame = c.frame();
    expect(frame).toMatch(/v3→v4 .*changed outside cabinet \(1 write\): language/);
    // Enter on the gap: what changed, and that who is not known.
    await c.press('j', KEY.enter);
    const shown = await c.waitFor('Outside cabinet: update');
    expect(shown).toContain('who is not known');
    expect(shown).toMatch(/language\s+de → en/);
    // A gap has no revision to mark.
    await c.press(KEY.esc);
    await c.waitFor('History of acme-de');
    await c.press(' ');
    await c.waitFor('a change made outside cabinet has no revision to compare');
  });

  it('Enter shows what a revision changed: fields old → new, and the prompt as a unified diff', async () => {
    const c = await openHistory(await withHistory());
    await c.press('j');
    expect(selectedRow(c.frame())).toContain('rev 2');
    await c.press(KEY.enter);
    const frame = await c.waitFor('Revision 2: update');
    expect(frame).toContain('by tester at');
    expect(frame).toContain('--- prompt (before rev 2)');
    expect(frame).toContain('+++ prompt (rev 2)');
    expect(frame).toContain('-Hallo.');
    expect(frame).toContain('+Hallo!');
    expect(frame).toContain('+Tschüss.');
    await c.press(KEY.esc);
    await c.press('j', KEY.enter);
    const rev1 = await c.waitFor('Revision 1: update');
    expect(rev1).toMatch(/brand name\s+ACME → ACME GmbH/);
    expect(rev1).toContain('note: rebrand');
  });

  it('space marks two rows and c compares them through the service, older to newer', async () => {
    const services = await withHistory();
    const c = await openHistory(services);
    await c.press('j', 'j', ' ');
    await c.waitFor('marked: rev 1');
    await c.press('k', 'k', ' ');
    await c.waitFor('marked: rev 1, now');
    await c.press('c');
    const frame = await c.waitFor('Compare rev 1 → current');
    expect(services.callsTo('revisions.diff')[0]?.args).toEqual(['acme-de', 1, 'current']);
    expect(frame).toContain('--- prompt (rev 1)');
    expect(frame).toContain('+++ prompt (current)');
    expect(frame).toContain('+Tschüss.');
  });

  it('c with one mark compares it with the row under the cursor', async () => {
    const services = await withHistory();
    const c = await openHistory(services);
    await c.press('j', ' ', 'j');
    await c.press('c');
    await c.waitFor('Compare rev 1 → rev 2');
    expect(services.callsTo('revisions.diff')[0]?.args).toEqual(['acme-de', 1, 2]);
  });

  it('R restores a revision after a confirmation showing the diff, passing the version it saw', async () => {
    const services = await withHistory();
    const c = await openHistory(services);
    await c.press('j', 'j');
    expect(selectedRow(c.frame())).toContain('rev 1');
    await c.press('R');
    const confirm = await c.waitFor('Restore acme-de to revision 1? It changes:');
    expect(confirm).toContain('--- prompt (current)');
    expect(confirm).toContain('+++ prompt (rev 1)');
    expect(confirm).toContain('-Tschüss.');
    expect(services.callsTo('revisions.restore')).toHaveLength(0);
    await c.press('y');
    await c.waitFor('restored acme-de to revision 1 (recorded as revision 3)');
    expect(services.callsTo('revisions.restore')[0]?.args).toEqual(['acme-de', 1, { expectedVersion: 3 }]);
    expect(services.sitesById.get('acme-de')?.aiPrompt).toBe('Hallo.\nWie geht es?');
    // The history reloads with the restore on top.
    await c.waitFor((f) => /rev 3\s+v4 .*restore/.test(f));
  });

  it('n on the restore confirmation restores nothing', async () => {
    const services = await withHistory();
    const c = await openHistory(services);
    await c.press('j', 'j', 'R');
    await c.waitFor('Restore acme-de to revision 1?');
    await c.press('n');
    await c.waitFor('History of acme-de');
    expect(services.callsTo('revisions.restore')).toHaveLength(0);
  });

  it('a restore over a site changed meanwhile is refused as stale and the history reloads', async () => {
    const services = await withHistory();
    const c = await openHistory(services);
    await c.press('j', 'j', 'R');
    await c.waitFor('Restore acme-de to revision 1?');
    services.changeOutside('acme-de', { language: 'fr' });
    await c.press('y');
    await c.waitFor('not restored: site acme-de was changed outside cabinet');
    expect(services.sitesById.get('acme-de')?.language).toBe('fr');
    await c.waitFor((f) => / now\s+v4/.test(f));
  });

  it('R is disabled on a read-only connection and says why; the history itself stays readable', async () => {
    const services = await withHistory({ connection: { readOnly: true, readOnlyReason: 'read-only mode (--read-only)' } });
    const c = await openHistory(services);
    await c.press('j', 'R');
    await c.waitFor('restore this revision: not available, read-only mode (--read-only)');
    await c.press(KEY.enter);
    await c.waitFor('Revision 2: update');
    expect(services.callsTo('revisions.restore')).toHaveLength(0);
  });

  it('hostile text in the actor, the note and the values is shown escaped in the list and the diffs', async () => {
    const evil = 'X\u001b[2J\u001b]0;title\u0007\u001b]52;c;cHduZWQ=\u0007\u009b31m\u202eRTL\u200bZW\u007f';
    const services = fakeServices({ sites: [ACME] });
    await services.sites.update('acme-de', { brandName: 'Evil brand' }, { expectedVersion: 1, note: `note ${evil}`, actor: `actor ${evil}` });
    services.sitesById.set('acme-de', { ...services.sitesById.get('acme-de')!, aiPrompt: `prompt ${evil}` });
    const [rev1] = (await services.revisions.history('acme-de')) as [HistoryEntry & { after: SiteRecord }];
    rev1.after = { ...rev1.after, aiPrompt: `prompt ${evil}`, hubspotStage: `stage ${evil}` };
    const c = await openHistory(services);
    const escaped = 'X\\x1b[2J\\x1b]0;title\\x07\\x1b]52;c;cHduZWQ=\\x07\\x9b31m\\u202eRTL\\u200bZW\\x7f';
    let frame = c.frame();
    expect(frame).toContain(`by actor ${escaped}`.slice(0, 40));
    await c.press('j', KEY.enter);
    frame = await c.waitFor('Revision 1: update');
    expect(frame).toContain(`note: note ${escaped}`.slice(0, 60));
    expect(frame).toContain(`+prompt ${escaped}`);
    expect(frame).toContain(`stage ${escaped}`.slice(0, 40));
    for (const raw of ['\u001b[2J', '\u001b]0;', '\u001b]52;', '\u0007', '\u009b', '\u202e', '\u200b', '\u007f']) expect(frame).not.toContain(raw);
  });
});
