import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureEmbeddedServer, stopEmbeddedServer } from '../../src/db/embedded.ts';
import { initORM } from '../../src/db/orm.ts';
import { DraftStore } from '../../src/lib/drafts.ts';
import { MigrationService } from '../../src/services/migration-service.ts';
import { createMigratedDatabase } from '../helpers/db.ts';
import { scratchDir } from '../helpers/scratch.ts';
import { binCabinet, ensureBuilt, startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';
import { focusField, tmuxForm } from '../helpers/focus-field.ts';

/**
 * Drafts belong to one database (issue 11, item 7). Two databases on one machine, the same site on both at
 * the same version: a draft left on staging is offered on production only as "from another database", is
 * never applied to production's edit on its own, and is recovered there only after its own confirmation,
 * and then only the fields it changed go onto production's row. A draft written before cabinet recorded its
 * database is treated as foreign too.
 */

type Db = Awaited<ReturnType<typeof createMigratedDatabase>>;
let staging: Db;
let production: Db;
const sessions: TmuxSession[] = [];

beforeAll(async () => {
  ensureBuilt();
  [staging, production] = await Promise.all([createMigratedDatabase('e2e_staging'), createMigratedDatabase('e2e_prod')]);
  for (const [db, brand] of [
    [staging, 'Shop Staging'],
    [production, 'Shop'],
  ] as const) {
    await db.query(`insert into sites (site_id, domain, brand_name, language, ai_prompt) values ('shop', 'shop.example', $1, 'de', 'Hallo.')`, [brand]);
  }
  await production.query(`insert into sites (site_id, domain, brand_name, language, ai_prompt) values ('legacy', 'legacy.example', 'Legacy', 'de', 'Alt.')`);
});
afterAll(async () => {
  await Promise.all([staging?.close(), production?.close()]);
});
afterEach(() => {
  for (const s of sessions.splice(0)) s.kill();
});

function open(db: Db, state: string): TmuxSession {
  const t = startTmux([binCabinet], { env: terminalEnv({ DATABASE_URL: db.url, XDG_STATE_HOME: state }), width: 160, height: 40 });
  sessions.push(t);
  return t;
}

async function openEdit(t: TmuxSession, siteId: string): Promise<string> {
  await t.waitFor(/Sites \(\d+\)/);
  t.type('/');
  t.type(siteId);
  await t.waitFor((s) => s.includes('Sites (1)') && s.includes(siteId));
  t.keys('Enter');
  t.type('e');
  return t.waitFor(`Edit site ${siteId}`);
}

async function row(db: Db, siteId: string) {
  const { rows } = await db.query<{ brand_name: string; ai_prompt: string; version: number }>('select brand_name, ai_prompt, version from sites where site_id = $1', [siteId]);
  return rows[0];
}

describe('drafts belong to the database they were made on', () => {
  it('a staging draft is offered on production only as "from another database", never applied silently, and recovered there only after y, onto production\'s row', async () => {
    const state = scratchDir('state');

    // On staging: an edit of the prompt, and the link drops.
    const s1 = open(staging, state);
    await openEdit(s1, 'shop');
    await focusField(tmuxForm(s1), 'Prompt');
    s1.keys('End');
    s1.type(' Aus Staging.');
    await s1.waitFor('draft kept');
    process.kill(s1.pid(), 'SIGHUP');
    expect(await s1.waitForExit()).toBe(129);

    // On production: offered loudly as another database's, without comparing it with production's row.
    const p1 = open(production, state);
    let screen = await p1.waitFor('Unsaved drafts from an earlier session (1)');
    expect(screen).toContain(`⚠ from another database: `);
    expect(screen).toContain(staging.name);
    expect(screen).not.toContain('the site is as the draft left it');
    expect(screen.replace(/\s+/g, ' ')).toContain('It is not compared with this database');
    expect(screen).toContain('+Hallo. Aus Staging.');
    // Enter asks first; n leaves it, Esc keeps it for later.
    p1.keys('Enter');
    screen = await p1.waitFor('Recover it here, on a database it was not made on? y recover here · n leave it');
    expect(screen).toMatch(new RegExp(`⚠ this draft: .*${staging.name} · this database: .*${production.name}`));
    p1.type('n');
    await p1.waitFor('Enter recover · d discard · Esc keep all for later');
    p1.keys('Escape');
    // Editing the site on production does not pick the staging draft up.
    screen = await openEdit(p1, 'shop');
    expect(screen).toContain('unchanged');
    expect(screen).not.toContain('Aus Staging');
    expect(screen).not.toContain('resumed');
    p1.keys('Escape');
    await p1.waitFor('Sites (1)');
    p1.type('q');
    await p1.waitForExit();
    expect(await row(production, 'shop')).toEqual({ brand_name: 'Shop', ai_prompt: 'Hallo.', version: 1 });

    // Back on staging it is that database's own draft again.
    const s2 = open(staging, state);
    screen = await s2.waitFor('Unsaved drafts from an earlier session (1)');
    expect(screen).toContain('the site is as the draft left it');
    expect(screen).not.toContain('from another database');
    s2.keys('Escape');
    await s2.waitFor(/Sites \(\d+\)/);
    s2.type('q');
    await s2.waitForExit();

    // On production, with y: only the prompt it changed goes onto production's row (its brand stays production's).
    const p2 = open(production, state);
    await p2.waitFor('from another database');
    p2.keys('Enter');
    await p2.waitFor('Recover it here, on a database it was not made on?');
    p2.type('y');
    screen = await p2.waitFor('Edit site shop');
    expect(screen).toContain('Hallo. Aus Staging.');
    expect(screen).toMatch(/brand name\s+Shop\s/);
    p2.keys('C-s');
    screen = await p2.waitFor('Save these changes?');
    expect(screen).toContain('Changed: prompt');
    p2.type('y');
    await p2.waitFor('saved shop: prompt');
    expect(await row(production, 'shop')).toMatchObject({ brand_name: 'Shop', ai_prompt: 'Hallo. Aus Staging.', version: 2 });
    expect(await row(staging, 'shop')).toEqual({ brand_name: 'Shop Staging', ai_prompt: 'Hallo.', version: 1 });
  });

  it('a draft written before cabinet recorded its database is not applied: it is offered as from an unknown database', async () => {
    const state = scratchDir('state');
    const dir = path.join(state, 'cabinet', 'drafts');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    // As the previous version of cabinet wrote it (no database in it, file named by the id alone).
    const base = { siteId: 'legacy', domain: 'legacy.example', aiScriptId: null, aiPrompt: 'Alt.', brandName: 'Legacy', language: 'de', hubspotPipeline: null, hubspotStage: null };
    const old = { format: 1, savedAt: new Date().toISOString(), host: 'old-host', pid: 1, id: 'site:legacy', entity: 'site', recordId: 'legacy', baseVersion: 1, base, fields: { ...base, aiScriptId: '', hubspotPipeline: '', hubspotStage: '', aiPrompt: 'Alt. Von irgendwo.' } };
    fs.writeFileSync(path.join(dir, 'site-legacy-0123456789ab.draft.json'), JSON.stringify(old), { mode: 0o600 });

    const t = open(production, state);
    let screen = await t.waitFor('Unsaved drafts from an earlier session (1)');
    expect(screen).toContain('⚠ from an unknown database (saved before cabinet recorded which)');
    expect(screen).not.toContain('the site is as the draft left it');
    t.keys('Escape');
    screen = await openEdit(t, 'legacy');
    expect(screen).toContain('unchanged');
    expect(screen).not.toContain('Von irgendwo');
    t.keys('Escape');
    await t.waitFor('Sites (1)');
    t.type('q');
    await t.waitForExit();
    // The next start offers it again; recovering it takes the y.
    const t2 = open(production, state);
    await t2.waitFor('from an unknown database');
    t2.keys('Enter');
    await t2.waitFor('Recover it here, on a database it was not made on?');
    t2.type('y');
    screen = await t2.waitFor('Edit site legacy');
    expect(screen).toContain('Alt. Von irgendwo.');
    expect(await row(production, 'legacy')).toMatchObject({ ai_prompt: 'Alt.', version: 1 });
  });

  it('two clusters with a database of the same name, the second used by a role that may not run pg_control_system(): its draft is keyed by its address, and is another database\'s on the first cluster', async () => {
    const root = path.join(scratchDir('pg2', 0o755), 'c');
    const server = await ensureEmbeddedServer({ root });
    try {
      const connect = async (database: string) => {
        const client = new pg.Client({ host: server.socketDir, port: server.port, user: server.user, database });
        await client.connect();
        return client;
      };
      const admin = await connect(server.database);
      await admin.query(`create database "${production.name}"`);
      // A least-privilege role, on a database where an administrator revoked pg_control_system() (PostgreSQL grants it to everyone).
      await admin.query('create role least_priv login');
      await admin.end();
      const target = { source: 'DATABASE_URL' as const, host: server.socketDir, port: server.port, user: server.user, database: production.name, connectTimeoutSeconds: 5 };
      const orm = await initORM(target, { statementTimeoutMs: 0 });
      await new MigrationService(orm, target).up();
      await orm.close(true);
      const other = await connect(production.name);
      // pg_proc is per database: revoked here, where the role connects.
      await other.query('revoke execute on function pg_control_system() from public');
      await other.query(`insert into sites (site_id, domain, brand_name, language, ai_prompt) values ('shop', 'shop.example', 'Shop Zwei', 'de', 'Hallo.')`);
      await other.query('grant select, insert, update, delete on all tables in schema public to least_priv');
      await other.query('grant usage, select on all sequences in schema public to least_priv');
      await other.end();

      const state = scratchDir('state');
      const url = `postgres://least_priv@/${production.name}?host=${encodeURIComponent(server.socketDir)}&port=${server.port}`;
      const t = startTmux([binCabinet], { env: terminalEnv({ DATABASE_URL: url, XDG_STATE_HOME: state }), width: 160, height: 40 });
      sessions.push(t);
      await openEdit(t, 'shop');
      await focusField(tmuxForm(t), 'Prompt');
      t.keys('End');
      t.type(' Zweiter Cluster.');
      await t.waitFor('draft kept');
      process.kill(t.pid(), 'SIGHUP');
      expect(await t.waitForExit()).toBe(129);
      const [draft] = new DraftStore({ dir: path.join(state, 'cabinet', 'drafts') }).list();
      expect(draft?.database?.key).toBe(`at:${server.socketDir}:${server.port}/${production.name}`);
      expect(draft?.database?.label).toContain('least_priv@');

      // The first cluster's database of the same name does not take it for its own.
      const p = open(production, state);
      const screen = await p.waitFor('Unsaved drafts from an earlier session (1)');
      expect(screen).toContain('⚠ from another database: least_priv@');
      expect(screen).not.toContain('the site is as the draft left it');
      p.keys('Escape');
      const edit = await openEdit(p, 'shop');
      expect(edit).not.toContain('Zweiter Cluster');
    } finally {
      await stopEmbeddedServer(root);
    }
  });
});
