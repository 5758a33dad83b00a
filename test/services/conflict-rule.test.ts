import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaleEditError } from '../../src/services/edit-errors.ts';
import { OrmSiteService } from '../../src/services/site-service.ts';
import { OrmRevisionService } from '../../src/services/revision-service.ts';
import { mergeLines, threeWay } from '../../src/services/three-way.ts';
import type { SiteRecord } from '../../src/services/types.ts';
import { createMigratedDatabase } from '../helpers/db.ts';

const FIELDS = ['brand', 'language', 'prompt', 'stage'] as const;

describe('the rule: base, theirs, mine', () => {
  it('sorts every field into mine only, theirs only, agreed, and conflicts', () => {
    const base = { brand: 'A', language: 'de', prompt: 'p', stage: null };
    const theirs = { brand: 'A (theirs)', language: 'en', prompt: 'p', stage: 'won' };
    const mine = { brand: 'A (mine)', language: 'en', prompt: 'p2' };
    expect(threeWay(FIELDS, base, theirs, mine)).toEqual({ mine: ['prompt'], theirs: ['stage'], agreed: ['language'], conflicts: ['brand'] });
  });

  it('a field the edit leaves out is never mine, whatever its value', () => {
    expect(threeWay(FIELDS, { brand: 'A', language: 'de' }, { brand: 'B', language: 'de' }, {})).toEqual({ mine: [], theirs: ['brand'], agreed: [], conflicts: [] });
  });

  it('with no base (a version no history saw) every field I set that differs from theirs is a conflict', () => {
    expect(threeWay(FIELDS, null, { brand: 'B', language: 'de' }, { brand: 'C', language: 'de' }).conflicts).toEqual(['brand']);
  });

  it('compares dates by instant', () => {
    const t = '2026-11-30T10:00:00Z';
    expect(threeWay(['seen'] as const, { seen: new Date(t) }, { seen: new Date(t) }, { seen: new Date(t) })).toEqual({ mine: [], theirs: [], agreed: [], conflicts: [] });
  });

  it('merges two edits of different lines and refuses overlapping ones', () => {
    const base = 'a\nb\nc\nd\ne';
    expect(mergeLines(base, 'a (theirs)\nb\nc\nd\ne', 'a\nb\nc\nd\ne (mine)')).toBe('a (theirs)\nb\nc\nd\ne (mine)');
    expect(mergeLines(base, 'a\nb\nc (theirs)\nd\ne', 'a\nb\nc (mine)\nd\ne')).toBeNull();
  });
});

describe('a refused write names the conflicting fields, who and when (real PostgreSQL)', () => {
  let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
  let alice: OrmSiteService;
  let bob: OrmSiteService;
  beforeAll(async () => {
    db = await createMigratedDatabase('rule_svc');
    const em = db.orm.em as unknown as EntityManager;
    alice = new OrmSiteService(em, { actor: 'alice' });
    bob = new OrmSiteService(em, { actor: 'bob' });
  });
  afterAll(async () => db?.close());

  async function caught(p: Promise<unknown>): Promise<StaleEditError<SiteRecord>> {
    try {
      await p;
    } catch (error) {
      return error as StaleEditError<SiteRecord>;
    }
    throw new Error('expected a refusal');
  }

  it('both changed the prompt: refused, naming the prompt and bob; nothing written', async () => {
    const opened = await alice.create({ siteId: 'rule', domain: 'rule.example', brandName: 'R', aiPrompt: 'one\ntwo' });
    await bob.update('rule', { aiPrompt: 'one\ntwo (bob)', language: 'fr' });
    const error = await caught(alice.update('rule', { aiPrompt: 'one (alice)\ntwo', brandName: 'R2' }, { expectedVersion: opened.version }));
    expect(error).toBeInstanceOf(StaleEditError);
    expect(error.message).toMatch(/^site rule was changed by bob at \S+ since your edit began \(version 1, now 2\); changed on both sides: prompt; nothing was saved$/);
    expect(error.details.conflicts).toEqual(['aiPrompt']);
    expect((await alice.get('rule'))).toMatchObject({ aiPrompt: 'one\ntwo (bob)', brandName: 'R', version: 2 });
  });

  it('only other fields moved: still refused under --expect-version, saying what they changed and that none of mine is among them', async () => {
    const error = await caught(alice.update('rule', { brandName: 'R3' }, { expectedVersion: 1 }));
    expect(error.message).toContain('; they changed language, prompt, none of the fields you set; nothing was saved');
    expect(error.details.conflicts).toEqual([]);
  });

  it('a version no history saw (written by psql): every field I set that differs from theirs is named', async () => {
    await db.query(`update sites set brand_name = 'R (psql)' where site_id = 'rule'`);
    await db.query(`update sites set brand_name = 'R (psql again)' where site_id = 'rule'`);
    const error = await caught(alice.update('rule', { brandName: 'R4', language: 'fr' }, { expectedVersion: 3 }));
    expect(error.message).toContain('changed outside cabinet');
    expect(error.details.base).toBeNull();
    expect(error.details.conflicts).toEqual(['brandName']);
    expect(error.message).toContain('changed on both sides: brand name');
  });

  it('history restore over a row that moved since it was shown: refused, naming what both changed; nothing written', async () => {
    const revisions = new OrmRevisionService(db.orm.em as unknown as EntityManager, alice);
    const created = await alice.create({ siteId: 'restore', domain: 'restore.example', brandName: 'First', aiPrompt: 'p1' });
    const shown = await alice.update('restore', { brandName: 'Second' }, { expectedVersion: created.version });
    // The admin looks at the history (row at v2) and picks revision 1; bob changes the brand meanwhile.
    await bob.update('restore', { brandName: 'Bob' });
    const error = await caught(revisions.restore('restore', 1, { expectedVersion: shown.after!.version }));
    expect(error).toBeInstanceOf(StaleEditError);
    expect(error.message).toContain('was changed by bob');
    expect(error.message).toContain('changed on both sides: brand name');
    expect((await alice.get('restore'))?.brandName).toBe('Bob');
  });
});
