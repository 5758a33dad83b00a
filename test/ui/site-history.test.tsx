import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { openRealConsole, type RealServices } from './real-console.ts';
import { KEY, renderConsole, selectedRow } from './render-console.tsx';

/**
 * A site's history in the console on the real services and a real database: the revisions are what
 * site_revisions holds (rev 1 is the create), gaps are what the real history finds, restores write rows.
 */
const ACME = { siteId: 'acme-de', domain: 'acme.de', brandName: 'ACME', language: 'de', aiPrompt: 'Hallo.\nWie geht es?' };

let rc: Awaited<ReturnType<typeof openRealConsole>>;
let current: { unmount(): void } | undefined;
beforeAll(async () => {
  rc = await openRealConsole('ui_site_history');
});
afterAll(async () => rc?.close());
beforeEach(async () => {
  await rc.reset({ sites: [ACME] });
});
afterEach(() => {
  current?.unmount();
  current = undefined;
});

/** acme-de made through cabinet: rev 1 the create, rev 2 the brand (with a note), rev 3 the prompt. */
async function withHistory(): Promise<RealServices> {
  const services = rc.services;
  await services.sites.update('acme-de', { brandName: 'ACME GmbH' }, { expectedVersion: 1, note: 'rebrand' });
  await services.sites.update('acme-de', { aiPrompt: 'Hallo!\nWie geht es?\nTschüss.' }, { expectedVersion: 2 });
  services.calls.length = 0;
  return services;
}

const stored = async () => (await rc.siteRow('acme-de'))!;

async function openHistory(services: RealServices) {
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
    const rev3 = lines.findIndex((l) => l.includes('rev 3'));
    const rev2 = lines.findIndex((l) => l.includes('rev 2'));
    const rev1 = lines.findIndex((l) => l.includes('rev 1'));
    expect(now).toBeGreaterThan(0);
    expect(rev3).toBeGreaterThan(now);
    expect(rev2).toBeGreaterThan(rev3);
    expect(rev1).toBeGreaterThan(rev2);
    expect(lines[now]).toContain('v3');
    expect(lines[rev3]).toMatch(/update\s+prompt\s+by tester/);
    expect(lines[rev2]).toMatch(/update\s+brand name\s+by tester\s+“rebrand”/);
    expect(lines[rev1]).toMatch(/create\s+by tester/);
    expect(c.frame()).toContain('3 revisions');
  });

  it('a long history loads older pages as the cursor nears the end: every revision down to rev 1, each fetched once', async () => {
    const services = rc.services;
    for (let v = 1; v <= 449; v++) await services.sites.update('acme-de', { brandName: `ACME ${v}` }, { expectedVersion: v });
    services.calls.length = 0;
    const c = renderConsole(services, { columns: 110, rows: 30 });
    current = c;
    await c.waitFor('acme-de');
    await c.press('h');
    // Revisions are numbered from 1: the newest one is their count, before the older pages are loaded.
    await c.waitFor('450 revisions');
    expect(c.frame()).not.toContain('+ revisions');
    const pages = (n: number) => vi.waitFor(() => expect(services.callsTo('revisions.history')).toHaveLength(n), { timeout: 5000 });
    // G goes to the last row loaded; a real page takes a moment, so G again until that page's last row is selected.
    const toLastOfPage = async (rev: number) => {
      for (let tries = 0; ; tries++) {
        await c.press('G');
        try {
          return await c.waitFor((f) => new RegExp(`rev ${rev}\\s`).test(selectedRow(f) ?? ''), 300);
        } catch (error) {
          if (tries === 20) throw error;
        }
      }
    };
    await pages(1);
    await toLastOfPage(251);
    await pages(2);
    await toLastOfPage(51);
    await pages(3);
    await toLastOfPage(1);
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
    await c.waitFor('h history');
    await c.press('h');
    await c.waitFor('History of acme-de');
    expect(services.callsTo('revisions.history')[0]?.args[0]).toBe('acme-de');
  });

  it('changes made outside cabinet show as a gap with the trigger’s time and the fields they changed', async () => {
    const services = await withHistory();
    // psql changes the language: the trigger moves the version on, no revision is written.
    await rc.psql(`update sites set language = 'en' where site_id = 'acme-de'`);
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
    expect(selectedRow(c.frame())).toContain('rev 3');
    await c.press(KEY.enter);
    const frame = await c.waitFor('Revision 3: update');
    expect(frame).toContain('by tester at');
    expect(frame).toContain('--- prompt (before rev 3)');
    expect(frame).toContain('+++ prompt (rev 3)');
    expect(frame).toContain('-Hallo.');
    expect(frame).toContain('+Hallo!');
    expect(frame).toContain('+Tschüss.');
    await c.press(KEY.esc);
    await c.press('j', KEY.enter);
    const rev1 = await c.waitFor('Revision 2: update');
    expect(rev1).toMatch(/brand name\s+ACME → ACME GmbH/);
    expect(rev1).toContain('note: rebrand');
  });

  it('space marks two rows and c compares them through the service, older to newer', async () => {
    const services = await withHistory();
    const c = await openHistory(services);
    await c.press('j', 'j', ' ');
    await c.waitFor('marked: rev 2');
    await c.press('k', 'k', ' ');
    await c.waitFor('marked: rev 2, now');
    await c.press('c');
    const frame = await c.waitFor('Compare rev 2 → current');
    expect(services.callsTo('revisions.diff')[0]?.args).toEqual(['acme-de', 2, 'current']);
    expect(frame).toContain('--- prompt (rev 2)');
    expect(frame).toContain('+++ prompt (current)');
    expect(frame).toContain('+Tschüss.');
  });

  it('c with one mark compares it with the row under the cursor', async () => {
    const services = await withHistory();
    const c = await openHistory(services);
    await c.press('j', ' ', 'j');
    await c.press('c');
    await c.waitFor('Compare rev 2 → rev 3');
    expect(services.callsTo('revisions.diff')[0]?.args).toEqual(['acme-de', 2, 3]);
  });

  it('R restores a revision after a confirmation showing the diff, passing the version it saw', async () => {
    const services = await withHistory();
    const c = await openHistory(services);
    await c.press('j', 'j');
    expect(selectedRow(c.frame())).toContain('rev 2');
    await c.press('R');
    const confirm = await c.waitFor('Restore acme-de to revision 2? It changes:');
    expect(confirm).toContain('--- prompt (current)');
    expect(confirm).toContain('+++ prompt (rev 2)');
    expect(confirm).toContain('-Tschüss.');
    expect(services.callsTo('revisions.restore')).toHaveLength(0);
    await c.press('y');
    await c.waitFor('restored acme-de to revision 2 (recorded as revision 4)');
    expect(services.callsTo('revisions.restore')[0]?.args).toEqual(['acme-de', 2, { expectedVersion: 3 }]);
    expect(await stored()).toMatchObject({ ai_prompt: 'Hallo.\nWie geht es?', brand_name: 'ACME GmbH', version: 4 });
    expect((await rc.siteRevisions('acme-de')).at(-1)).toMatchObject({ rev: 4, action: 'restore', actor: 'tester' });
    // The history reloads with the restore on top.
    await c.waitFor((f) => /rev 4\s+v4 .*restore/.test(f));
  });

  it('n on the restore confirmation restores nothing', async () => {
    const services = await withHistory();
    const c = await openHistory(services);
    await c.press('j', 'j', 'R');
    await c.waitFor('Restore acme-de to revision 2?');
    await c.press('n');
    await c.waitFor('History of acme-de');
    expect(services.callsTo('revisions.restore')).toHaveLength(0);
    expect(await stored()).toMatchObject({ ai_prompt: 'Hallo!\nWie geht es?\nTschüss.', version: 3 });
  });

  it('a restore over a site changed meanwhile is refused as stale and the history reloads', async () => {
    const services = await withHistory();
    const c = await openHistory(services);
    await c.press('j', 'j', 'R');
    await c.waitFor('Restore acme-de to revision 2?');
    await rc.psql(`update sites set language = 'fr' where site_id = 'acme-de'`);
    await c.press('y');
    await c.waitFor('not restored: site acme-de was changed outside cabinet');
    expect(await stored()).toMatchObject({ language: 'fr', ai_prompt: 'Hallo!\nWie geht es?\nTschüss.', version: 4 });
    await c.waitFor((f) => / now\s+v4/.test(f));
  });

  it('R is disabled on a read-only connection and says why; the history itself stays readable', async () => {
    const writable = await withHistory();
    const services = { ...writable, connection: { ...writable.connection, readOnly: true, readOnlyReason: 'read-only mode (--read-only)' } };
    const c = await openHistory(services);
    await c.press('j', 'R');
    await c.waitFor('restore this revision: not available, read-only mode (--read-only)');
    await c.press(KEY.enter);
    await c.waitFor('Revision 3: update');
    expect(services.callsTo('revisions.restore')).toHaveLength(0);
  });

  it('hostile text in the actor, the note and the values is shown escaped in the list and the diffs', async () => {
    const evil = 'X\u001b[2J\u001b]0;title\u0007\u001b]52;c;cHduZWQ=\u0007\u009b31m\u202eRTL\u200bZW\u007f';
    const services = rc.services;
    // Text cabinet would refuse to write, put into the row and its history by psql (the version stays in step: no gap).
    await rc.psql(`update sites set brand_name = 'Evil brand' where site_id = 'acme-de'`);
    await rc.psql(
      `insert into site_revisions (site_id, rev, version, action, changed_fields, old_values, new_values, actor, note)
       select site_id, 2, 2, 'update', array['brand_name'], new_values,
              new_values || jsonb_build_object('brand_name', 'Evil brand', 'version', 2, 'ai_prompt', $3::text, 'hubspot_stage', $4::text), $1, $2
         from site_revisions where site_id = 'acme-de' and rev = 1`,
      [`actor ${evil}`, `note ${evil}`, `prompt ${evil}`, `stage ${evil}`],
    );
    const c = await openHistory(services);
    const escaped = 'X\\x1b[2J\\x1b]0;title\\x07\\x1b]52;c;cHduZWQ=\\x07\\x9b31m\\u202eRTL\\u200bZW\\x7f';
    let frame = c.frame();
    expect(frame).toContain(`by actor ${escaped}`.slice(0, 40));
    await c.press('j', KEY.enter);
    frame = await c.waitFor('Revision 2: update');
    expect(frame).toContain(`note: note ${escaped}`.slice(0, 60));
    expect(frame).toContain(`+prompt ${escaped}`);
    expect(frame).toContain(`stage ${escaped}`.slice(0, 40));
    for (const raw of ['\u001b[2J', '\u001b]0;', '\u001b]52;', '\u0007', '\u009b', '\u202e', '\u200b', '\u007f']) expect(frame).not.toContain(raw);
  });
});
