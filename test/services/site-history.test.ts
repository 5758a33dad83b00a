import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityManager } from '@mikro-orm/postgresql';
import { OrmRevisionService } from '../../src/services/revision-service.ts';
import { OrmSiteService } from '../../src/services/site-service.ts';
import type { HistoryEntry, OutsideChangeEntry, RevisionEntry } from '../../src/services/types.ts';
import { createMigratedDatabase } from '../helpers/db.ts';

let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
let sites: OrmSiteService;
let history: OrmRevisionService;

beforeAll(async () => {
  db = await createMigratedDatabase('hist');
  const em = db.orm.em as unknown as EntityManager;
  sites = new OrmSiteService(em, { actor: 'alice from 100.64.0.7' });
  history = new OrmRevisionService(em, sites);
});
afterAll(async () => db.close());

const summary = (e: HistoryEntry) => (e.kind === 'revision' ? `${e.rev}:${e.action}` : `outside:${e.action}`);

async function caught(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected the call to fail');
}

describe('site history on real PostgreSQL', () => {
  it('records create and update in site_revisions with actor, note, changed fields and whole old/new rows', async () => {
    await sites.create({ siteId: 'acme', domain: 'acme.de', brandName: 'ACME', aiPrompt: 'line 1\nline 2\nline 3' }, { note: 'new customer' });
    const change = await sites.update('acme', { aiPrompt: 'line 1\nline two\nline 3', language: 'de' }, { expectedVersion: 1, note: 'fix prompt' });
    expect(change.rev).toBe(2);
    const rows = await db.query(
      `select rev, version, action, changed_fields, actor, note, old_values->>'ai_prompt' as old_prompt, new_values->>'ai_prompt' as new_prompt,
              new_values->>'brand_name' as brand from site_revisions where site_id = 'acme' order by rev`,
    );
    expect(rows.rows).toEqual([
      {
        rev: 1,
        version: 1,
        action: 'create',
        changed_fields: ['domain', 'brand_name', 'language', 'ai_prompt'],
        actor: 'alice from 100.64.0.7',
        note: 'new customer',
        old_prompt: null,
        new_prompt: 'line 1\nline 2\nline 3',
        brand: 'ACME',
      },
      {
        rev: 2,
        version: 2,
        action: 'update',
        changed_fields: ['language', 'ai_prompt'],
        actor: 'alice from 100.64.0.7',
        note: 'fix prompt',
        old_prompt: 'line 1\nline 2\nline 3',
        new_prompt: 'line 1\nline two\nline 3',
        brand: 'ACME',
      },
    ]);
  });

  it('records nothing for a save that changes nothing, and nothing for a failed save (same transaction)', async () => {
    const change = await sites.update('acme', { language: 'de' });
    expect(change.changed).toEqual([]);
    expect(change.rev).toBeUndefined();
    await sites.create({ siteId: 'other', domain: 'other.de', brandName: 'Other' });
    await expect(sites.update('acme', { domain: 'other.de' })).rejects.toThrow('domain other.de is already used by another site');
    const n = await db.query(`select count(*)::int as n from site_revisions where site_id = 'acme'`);
    expect(n.rows[0]!.n).toBe(2);
  });

  it('lists history newest first, showing psql changes as an outside-cabinet gap at the trigger updated_at', async () => {
    await db.query(`update sites set brand_name = 'ACME (psql)' where site_id = 'acme'`);
    await db.query(`update sites set hubspot_stage = 'won' where site_id = 'acme'`);
    const updatedAt = (await db.query<{ updated_at: Date }>(`select updated_at from sites where site_id = 'acme'`)).rows[0]!.updated_at;
    await sites.update('acme', { aiPrompt: 'line 1' }, { expectedVersion: 4 });
    await db.query(`update sites set language = 'fr' where site_id = 'acme'`);

    const entries = await history.history('acme');
    expect(entries.map(summary)).toEqual(['outside:update', '3:update', 'outside:update', '2:update', '1:create']);
    const gap = entries[2] as OutsideChangeEntry;
    expect(gap).toMatchObject({ fromVersion: 2, toVersion: 4, writes: 2, changed: ['brandName', 'hubspotStage'] });
    expect(gap.at).toEqual(updatedAt);
    const top = entries[0] as OutsideChangeEntry;
    expect(top).toMatchObject({ fromVersion: 5, toVersion: 6, writes: 1, changed: ['language'] });
    expect(top.after!.language).toBe('fr');
    expect((entries[1] as RevisionEntry).actor).toBe('alice from 100.64.0.7');
  });

  it('shows a site created by psql as created outside cabinet', async () => {
    await db.query(`insert into sites (site_id, domain, brand_name) values ('from-n8n', 'n8n.de', 'N')`);
    await db.query(`update sites set brand_name = 'N2' where site_id = 'from-n8n'`);
    const entries = await history.history('from-n8n');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ kind: 'outside', action: 'create', toVersion: 2, writes: 2 });
    await sites.update('from-n8n', { brandName: 'N3' });
    expect((await history.history('from-n8n')).map(summary)).toEqual(['1:update', 'outside:create']);
  });

  it('diffs two revisions field by field with a unified diff of the prompt', async () => {
    const d = await history.diff('acme', 1, 2);
    expect(d.fields.map((f) => f.field)).toEqual(['language', 'aiPrompt']);
    expect(d.fields[0]).toEqual({ field: 'language', before: 'en', after: 'de' });
    expect(d.promptPatch).toContain('--- prompt (rev 1)');
    expect(d.promptPatch).toContain('+++ prompt (rev 2)');
    expect(d.promptPatch).toContain('-line 2');
    expect(d.promptPatch).toContain('+line two');
    const same = await history.diff('acme', 2, 2);
    expect(same.fields).toEqual([]);
    expect(same.promptPatch).toBe('');
    const toNow = await history.diff('acme', 3, 'current');
    expect(toNow.fields.map((f) => f.field)).toEqual(['language']);
    expect((await caught(history.diff('acme', 99, 'current'))).code).toBe('not-found');
  });

  it('restores an old revision as a new revision (action restore), refusing a stale restore', async () => {
    const current = (await sites.get('acme'))!;
    expect((await caught(history.restore('acme', 1, { expectedVersion: current.version - 1 }))).code).toBe('stale');
    const change = await history.restore('acme', 1, { expectedVersion: current.version, note: 'undo' });
    expect(change.changed).toEqual(expect.arrayContaining(['aiPrompt', 'brandName', 'language']));
    expect(change.after).toMatchObject({ aiPrompt: 'line 1\nline 2\nline 3', brandName: 'ACME', language: 'en', hubspotStage: null });
    const entries = await history.history('acme');
    expect(entries[0]).toMatchObject({ kind: 'revision', action: 'restore', note: 'restored rev 1: undo' });
    // Restoring what is already there changes and records nothing.
    const again = await history.restore('acme', 1);
    expect(again.changed).toEqual([]);
    expect((await history.history('acme'))[0]).toMatchObject({ action: 'restore', rev: (entries[0] as RevisionEntry).rev });
  });

  it('keeps the history of a deleted site and restores the site from its delete revision', async () => {
    const site = (await sites.get('acme'))!;
    await sites.delete('acme', { expectedVersion: site.version, note: 'customer left' });
    expect(await sites.get('acme')).toBeNull();
    const entries = await history.history('acme');
    const deleted = entries[0] as RevisionEntry;
    expect(deleted).toMatchObject({ kind: 'revision', action: 'delete', note: 'customer left', after: null });
    expect(deleted.before!.brandName).toBe('ACME');
    const change = await history.restore('acme', deleted.rev);
    expect(change.before).toBeNull();
    expect(change.after).toMatchObject({ siteId: 'acme', brandName: 'ACME', version: 1 });
    expect((await history.history('acme')).map(summary).slice(0, 2)).toEqual([`${deleted.rev + 1}:restore`, `${deleted.rev}:delete`]);
  });

  it('shows a delete made outside cabinet, and refuses history of a site that never existed', async () => {
    await db.query(`delete from sites where site_id = 'other'`);
    expect((await history.history('other')).map(summary)).toEqual(['outside:delete', '1:create']);
    expect((await caught(history.history('never'))).code).toBe('not-found');
  });

  it('pages: older pages follow on with nothing lost or doubled, outside changes at the page edges included', async () => {
    await sites.create({ siteId: 'paged', domain: 'paged.de', brandName: 'Paged' });
    let version = 1;
    for (let i = 2; i <= 9; i++) {
      await sites.update('paged', { brandName: `Paged ${i}` }, { expectedVersion: version });
      version++;
      // psql changes between revisions 3 and 4, and 6 and 7: exactly where pages of 3 meet
      if (i === 3 || i === 6) {
        await db.query(`update sites set language = $1 where site_id = 'paged'`, [`l${i}`]);
        version++;
      }
    }
    const whole = (await history.history('paged', { limit: 1000 })).map(summary);
    expect(whole).toEqual(['9:update', '8:update', '7:update', 'outside:update', '6:update', '5:update', '4:update', 'outside:update', '3:update', '2:update', '1:create']);
    const pages: string[][] = [];
    let before: number | undefined;
    for (;;) {
      const page = await history.history('paged', { limit: 3, ...(before === undefined ? {} : { before }) });
      if (page.length === 0) break;
      pages.push(page.map(summary));
      const revs = page.filter((e): e is RevisionEntry => e.kind === 'revision').map((e) => e.rev);
      before = Math.min(...revs);
      if (before === 1) break;
    }
    expect(pages).toEqual([['9:update', '8:update', '7:update'], ['outside:update', '6:update', '5:update', '4:update'], ['outside:update', '3:update', '2:update', '1:create']]);
    expect(pages.flat()).toEqual(whole);
    expect(await history.history('paged', { before: 1 })).toEqual([]);
    expect((await caught(history.history('paged', { before: 0 }))).code).toBe('usage');
  });

  it('refuses a note with control characters before writing anything', async () => {
    const error = await caught(sites.update('acme', { brandName: 'X' }, { note: 'ok\u001b]0;pwned\u0007' }));
    expect(error.code).toBe('validation');
    expect((await sites.get('acme'))!.brandName).toBe('ACME');
  });
});
