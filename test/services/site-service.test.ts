import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityManager } from '@mikro-orm/postgresql';
import { OrmSiteService } from '../../src/services/site-service.ts';
import { OrmUserService } from '../../src/services/user-service.ts';
import { createMigratedDatabase } from '../helpers/db.ts';

let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
let sites: OrmSiteService;
let users: OrmUserService;

beforeAll(async () => {
  db = await createMigratedDatabase('svc');
  sites = new OrmSiteService(db.orm.em as unknown as EntityManager);
  users = new OrmUserService(db.orm.em as unknown as EntityManager);
});
afterAll(async () => db.close());

describe('site service on real PostgreSQL', () => {
  it('creates a site with normalised fields that n8n can read back', async () => {
    const created = await sites.create({ siteId: 'muenchen', domain: 'München.de', brandName: 'München', language: 'de-de', aiPrompt: 'Привет 👋\r\nzweite Zeile' });
    expect(created.domain).toBe('xn--mnchen-3ya.de');
    expect(created.language).toBe('de-DE');
    expect(created.createdAt).toBeInstanceOf(Date);
    const row = await db.query('SELECT ai_prompt, language, brand_name FROM sites WHERE site_id = $1', ['muenchen']);
    expect(row.rows[0]).toEqual({ ai_prompt: 'Привет 👋\nzweite Zeile', language: 'de-DE', brand_name: 'München' });
  });

  it('refuses a duplicate id or domain with a clear message', async () => {
    await sites.create({ siteId: 'acme-de', domain: 'acme.de', brandName: 'ACME' });
    await expect(sites.create({ siteId: 'acme-de', domain: 'other.de', brandName: 'X' })).rejects.toThrow('a site with id acme-de already exists');
    await expect(sites.create({ siteId: 'acme-2', domain: 'ACME.de', brandName: 'X' })).rejects.toThrow('domain acme.de is already used by another site');
  });

  it('updates only changed fields and reports them', async () => {
    const change = await sites.update('acme-de', { brandName: 'ACME GmbH', language: 'en', aiPrompt: 'New prompt' });
    expect(change.changed.sort()).toEqual(['aiPrompt', 'brandName']);
    expect(change.before?.brandName).toBe('ACME');
    expect(change.after?.brandName).toBe('ACME GmbH');
    expect((await sites.get('acme-de'))?.aiPrompt).toBe('New prompt');
    await expect(sites.update('nope', { brandName: 'x' })).rejects.toThrow('no site with id nope');
    await expect(sites.update('acme-de', { domain: 'https://x.de' })).rejects.toThrow(/without a scheme/);
  });

  it('filters as plain text: wildcards and quotes are data, not SQL', async () => {
    await sites.create({ siteId: 'pct-site', domain: 'percent.de', brandName: '100% Saft' });
    expect((await sites.list({ filter: '%' })).rows.map((r) => r.siteId)).toEqual(['pct-site']);
    expect((await sites.list({ filter: '_' })).rows).toEqual([]);
    expect((await sites.list({ filter: "'; drop table sites; --" })).rows).toEqual([]);
    expect((await sites.list({ filter: '\\' })).rows).toEqual([]);
    // Brand "München" matches in Unicode; the stored A-label domain matches its ASCII fragment.
    expect((await sites.list({ filter: 'münchen' })).rows.map((r) => r.siteId)).toEqual(['muenchen']);
    expect((await sites.list({ filter: '3ya' })).rows.map((r) => r.siteId)).toEqual(['muenchen']);
    expect((await sites.list({})).total).toBe(3);
  });

  it('deletes a site', async () => {
    await sites.delete('pct-site');
    expect(await sites.get('pct-site')).toBeNull();
    await expect(sites.delete('pct-site')).rejects.toThrow('no site with id pct-site');
  });
});

describe('user service on real PostgreSQL', () => {
  it('creates, lists by last seen, filters by email, updates and deletes users', async () => {
    await users.create({ userId: '1001', email: 'anna@example.com', lastSeen: '2026-11-01T00:00:00Z', firstSeen: '2026-10-01T00:00:00Z' });
    await users.create({ userId: '1002', email: 'bob_x@example.org', lastSeen: '2026-11-20T00:00:00Z', firstSeen: '2026-10-01T00:00:00Z' });
    await expect(users.create({ userId: '1001', email: 'x@y.de' })).rejects.toThrow('a user with id 1001 already exists');
    expect((await users.list()).rows.map((u) => u.userId)).toEqual(['1002', '1001']);
    expect((await users.list({ filter: 'ANNA' })).rows.map((u) => u.userId)).toEqual(['1001']);
    expect((await users.list({ filter: '_' })).rows.map((u) => u.userId)).toEqual(['1002']);
    const change = await users.update('1001', { email: 'anna@new.example' });
    expect(change.changed).toEqual(['email']);
    await expect(users.update('1001', { email: 'not-an-email' })).rejects.toThrow(/not a valid address/);
    await users.delete('1001');
    expect(await users.get('1001')).toBeNull();
  });
});

describe('user paging on real PostgreSQL', () => {
  it('pages through users by keyset without skipping or repeating anyone, newest first', async () => {
    await db.query(
      `insert into users (user_id, email, first_seen, last_seen)
       select 'p' || g, 'page' || g || '@example.com', now() - interval '30 days', timestamp '2026-11-01' + (g % 7) * interval '1 hour'
         from generate_series(1, 53) g`,
    );
    const seen: string[] = [];
    let after: string | undefined;
    for (let i = 0; i < 20; i++) {
      const page = await users.list({ filter: 'page', limit: 10, ...(after ? { after } : {}) });
      seen.push(...page.rows.map((u) => u.userId));
      if (!page.hasMore) break;
      after = page.nextCursor;
    }
    expect(seen).toHaveLength(53);
    expect(new Set(seen).size).toBe(53);
    const direct = await db.query<{ user_id: string }>(`select user_id from users where email like 'page%' order by last_seen desc, user_id desc`);
    expect(seen).toEqual(direct.rows.map((r) => r.user_id));
  });

  it('uses the trigram index for a "contains" search and the keyset index for paging', async () => {
    await db.query('set enable_seqscan = off');
    const contains = await db.query(`explain select user_id from users where email ilike '%age1%' or user_id ilike '%age1%'`);
    expect(contains.rows.map((r) => Object.values(r)[0]).join('\n')).toMatch(/users_email_trgm_idx/);
    const keyset = await db.query(`explain select user_id from users where (last_seen, user_id) < (now(), 'x') order by last_seen desc, user_id desc limit 10`);
    expect(keyset.rows.map((r) => Object.values(r)[0]).join('\n')).toMatch(/users_last_seen_user_id_idx/);
    await db.query('reset enable_seqscan');
  });

  it('cancels a superseded search', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(users.list({ filter: 'page', signal: controller.signal })).rejects.toThrow(/superseded/);
  });
});
