import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityManager } from '@mikro-orm/postgresql';
import { OrmRevisionService } from '../../src/services/revision-service.ts';
import { OrmSiteService } from '../../src/services/site-service.ts';
import { OrmUserService } from '../../src/services/user-service.ts';
import { toWriteError } from '../../src/services/write-errors.ts';
import { PROMPT_MAX_CHARS } from '../../src/schema/limits.ts';
import type { SiteInput, UserInput } from '../../src/services/types.ts';
import { createMigratedDatabase } from '../helpers/db.ts';

let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
let sites: OrmSiteService;
let users: OrmUserService;
let revisions: OrmRevisionService;

const ESC = '\u001b';
const NUL = '\u0000';
const LONE = '\ud800';

beforeAll(async () => {
  db = await createMigratedDatabase('hostile');
  const em = db.orm.em as unknown as EntityManager;
  sites = new OrmSiteService(em, { actor: 'tester' });
  users = new OrmUserService(em);
  revisions = new OrmRevisionService(em, sites);
  await sites.create({ siteId: 'acme', domain: 'acme.de', brandName: 'ACME' });
  await users.create({ userId: '100', email: 'o\'brien@example.com' });
  await users.create({ userId: 'back\\slash', email: 'b@example.com' });
  await users.create({ userId: '102', email: 'under_score@example.com' });
  await users.create({ userId: '103', email: 'percent%sign@example.com' });
});
afterAll(async () => db.close());

async function caught(promise: Promise<unknown>): Promise<{ code?: string; message: string; fields?: Record<string, string> }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message: string; fields?: Record<string, string> };
  }
  throw new Error('expected the call to fail');
}

const site: SiteInput = { siteId: 'evil', domain: 'evil.de', brandName: 'Evil', aiPrompt: 'p', aiScriptId: 's1', language: 'en', hubspotPipeline: 'p1', hubspotStage: 's1' };
const siteFields = ['siteId', 'domain', 'aiScriptId', 'aiPrompt', 'brandName', 'language', 'hubspotPipeline', 'hubspotStage'] as const;
const userFields = ['userId', 'email', 'firstSeen', 'lastSeen'] as const;

describe('hostile input never reaches PostgreSQL', () => {
  for (const [name, bad, said] of [
    ['a NUL byte', NUL, 'contains a NUL byte'],
    ['a lone surrogate', LONE, 'contains an unpaired surrogate'],
  ] as const) {
    for (const field of siteFields) {
      it(`refuses a site whose ${field} holds ${name}, saying so, and writes nothing`, async () => {
        const error = await caught(sites.create({ ...site, [field]: `a${bad}b` }));
        expect(error.code).toBe('validation');
        expect(error.fields![field]).toContain(said);
        expect(await sites.get('evil')).toBeNull();
        if (field !== 'siteId') {
          const patch = await caught(sites.update('acme', { [field]: `a${bad}b` }));
          expect(patch.fields![field]).toContain(said);
        }
      });
    }
    for (const field of userFields) {
      it(`refuses a user whose ${field} holds ${name}, saying so`, async () => {
        const input: UserInput = { userId: '900', email: 'x@example.com', firstSeen: '2026-01-01T00:00:00Z', lastSeen: '2026-01-02T00:00:00Z', [field]: `2026${bad}` };
        const error = await caught(users.create(input));
        expect(error.code).toBe('validation');
        expect(error.fields![field]).toContain(said);
        expect(await users.get('900')).toBeNull();
      });
    }
    it(`refuses a revision note or actor holding ${name}`, async () => {
      expect((await caught(sites.update('acme', { brandName: 'X' }, { note: `n${bad}` }))).code).toBe('validation');
      expect((await caught(sites.update('acme', { brandName: 'X' }, { actor: `a${bad}` }))).code).toBe('validation');
      expect((await sites.get('acme'))!.brandName).toBe('ACME');
    });
    it(`answers lookups and searches holding ${name} with nothing found instead of a server error`, async () => {
      expect(await sites.get(`acme${bad}`)).toBeNull();
      expect(await users.get(`100${bad}`)).toBeNull();
      expect((await caught(sites.update(`acme${bad}`, { brandName: 'X' }))).code).toBe('not-found');
      expect((await caught(sites.delete(`acme${bad}`))).code).toBe('not-found');
      expect((await caught(users.delete(`100${bad}`))).code).toBe('not-found');
      expect((await caught(revisions.history(`acme${bad}`))).code).toBe('not-found');
      expect((await sites.list({ filter: `ac${bad}` })).rows).toEqual([]);
      expect((await users.list({ filter: `o${bad}` })).rows).toEqual([]);
    });
  }

  it(`refuses a prompt over ${PROMPT_MAX_CHARS} characters in the app, and a 50 MB paste at once`, async () => {
    const over = await caught(sites.update('acme', { aiPrompt: 'x'.repeat(PROMPT_MAX_CHARS + 1) }));
    expect(over.fields!.aiPrompt).toMatch(/longer than 100,000 characters/);
    const huge = 'y'.repeat(50 * 1024 * 1024);
    const started = performance.now();
    const error = await caught(sites.update('acme', { aiPrompt: huge }));
    expect(performance.now() - started).toBeLessThan(500);
    expect(error.code).toBe('validation');
    // Exactly the limit is fine, counted in characters (not UTF-16 units): 100,000 emoji are 200,000 units.
    await sites.update('acme', { aiPrompt: '👋'.repeat(PROMPT_MAX_CHARS) });
  });

  it('refuses ESC/CSI/OSC, bidi overrides and zero-width characters in one-line fields', async () => {
    for (const brandName of [`A${ESC}[2J`, `A${ESC}]0;title\u0007`, `A${ESC}]52;c;cHduZWQ=\u0007`, 'A\u202eevil', 'A\u200bB', 'A\u009b31m']) {
      expect((await caught(sites.update('acme', { brandName }))).code).toBe('validation');
    }
  });
});

describe('search input is data, never SQL (users)', () => {
  it('matches %, _, quotes and backslashes literally in a user search', async () => {
    const ids = async (filter: string) => (await users.list({ filter })).rows.map((u) => u.userId).sort();
    expect(await ids('%')).toEqual(['103']);
    expect(await ids('_')).toEqual(['102']);
    expect(await ids("'")).toEqual(['100']);
    expect(await ids('\\')).toEqual(['back\\slash']);
    expect(await ids("'; drop table users; --")).toEqual([]);
    expect(await ids('%sign')).toEqual(['103']);
    expect((await db.query(`select count(*)::int as n from users`)).rows[0]!.n).toBe(4);
  });

  it('treats the same strings as data in a site lookup and history', async () => {
    expect(await sites.get("acme' or '1'='1")).toBeNull();
    expect((await caught(revisions.history("x'; delete from site_revisions; --"))).code).toBe('not-found');
    expect((await db.query(`select count(*)::int as n from site_revisions`)).rows[0]!.n).toBeGreaterThan(0);
  });
});

describe('error messages that echo values cannot carry terminal escapes', () => {
  it('escapes a hostile value PostgreSQL echoes in its error message', async () => {
    let raw: unknown;
    try {
      await db.orm.em.getConnection().execute(`select 'x${ESC}]0;pwned\u0007${ESC}[2J'::int`);
    } catch (error) {
      raw = error;
    }
    expect(String((raw as Error).message)).toContain(ESC);
    const error = toWriteError(raw, {});
    expect(error.message).toMatch(/invalid input syntax for type integer/);
    expect(error.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(error.message).toContain('\\x1b]0;pwned\\x07');
  });

  it('escapes hostile ids and a hostile actor from the database in service messages', async () => {
    expect((await caught(sites.update(`no${ESC}[2J`, { brandName: 'X' }))).message).toBe('no site with id no\\x1b[2J');
    expect((await caught(users.update(`no${ESC}[2J`, { email: 'a@b.de' }))).message).toBe('no user with id no\\x1b[2J');
    const opened = (await sites.get('acme'))!;
    // A revision forged with psql carries an escape in its actor; the stale message names it escaped.
    await db.query(`update sites set brand_name = 'psql' where site_id = 'acme'`);
    const current = (await sites.get('acme'))!;
    await db.query(
      `insert into site_revisions (site_id, rev, version, action, changed_fields, old_values, new_values, actor)
       select 'acme', max(rev) + 1, $1, 'update', '{}', null, $2::jsonb, $3 from site_revisions where site_id = 'acme'`,
      [current.version, JSON.stringify({ site_id: 'acme', version: current.version, created_at: current.createdAt.toISOString() }), `mallory${ESC}]0;x\u0007`],
    );
    const error = await caught(sites.update('acme', { brandName: 'mine' }, { expectedVersion: opened.version }));
    expect(error.code).toBe('stale');
    expect(error.message).toContain('changed by mallory\\x1b]0;x\\x07');
    expect(error.message).not.toMatch(/[\u0000-\u001f]/);
  });
});
