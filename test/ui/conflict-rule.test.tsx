import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DraftStore } from '../../src/lib/drafts.ts';
import { OrmRevisionService } from '../../src/services/revision-service.ts';
import { OrmSiteService } from '../../src/services/site-service.ts';
import type { Services, SiteRecord } from '../../src/services/types.ts';
import { OrmUserService } from '../../src/services/user-service.ts';
import { formValuesOf } from '../../src/ui/screens/sites/site-changes.ts';
import { siteDraft } from '../../src/ui/screens/sites/use-site-draft.ts';
import pg from 'pg';
import { initORM } from '../../src/db/orm.ts';
import { cluster, createMigratedDatabase } from '../helpers/db.ts';
import { KEY, renderConsole } from './render-console.tsx';

/**
 * The one conflict rule on the console's paths, on the real services and a real PostgreSQL: another
 * writer (psql here) changes a row while an edit of it is open in $EDITOR or kept in a draft.
 */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
let services: Services;
let current: { unmount(): void } | undefined;
let stateHome: string;
let dir: string;
const savedEnv = { ...process.env };

const PROMPT = 'Line 1\nLine 2\nLine 3\nLine 4\nLine 5\nLine 6\nLine 7\nLine 8';

beforeAll(async () => {
  db = await createMigratedDatabase('ui_rule');
  const em = db.orm.em as unknown as EntityManager;
  const sites = new OrmSiteService(em, { actor: 'alice' });
  services = {
    sites,
    users: new OrmUserService(em),
    revisions: new OrmRevisionService(em, sites),
    connection: { label: 'test', embedded: false, role: 'cabinet', readOnly: false, pendingMigrations: 0 },
  };
});
afterAll(async () => db?.close());
beforeEach(() => {
  stateHome = fs.mkdtempSync(path.join(os.tmpdir(), 'cabinet-ui-rule-'));
  process.env.XDG_STATE_HOME = stateHome;
  dir = path.join(stateHome, 'cabinet', 'drafts');
});
afterEach(() => {
  current?.unmount();
  current = undefined;
  process.env = { ...savedEnv };
  fs.rmSync(stateHome, { recursive: true, force: true });
});

async function freshSite(siteId: string, prompt = PROMPT): Promise<SiteRecord> {
  return services.sites.create({ siteId, domain: `${siteId}.example`, brandName: 'ACME', language: 'de', aiPrompt: prompt });
}

interface Row {
  ai_prompt: string;
  brand_name: string;
  hubspot_stage: string | null;
  version: number;
}

async function row(siteId: string): Promise<Row> {
  return (await db.query<Row>('select ai_prompt, brand_name, hubspot_stage, version from sites where site_id = $1', [siteId])).rows[0]!;
}

function open() {
  const c = renderConsole(services, { columns: 110, rows: 50, drafts: new DraftStore({ dir, debounceMs: 50 }) });
  current = c;
  return c;
}

const waitForFile = async (file: string, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${file}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('E ($EDITOR) while another writer changes the prompt', () => {
  it('opens base / theirs / mine with the line merge offered; nothing is written until a key chooses it', async () => {
    await freshSite('ed-merge');
    const editing = path.join(stateHome, 'editing');
    const go = path.join(stateHome, 'go');
    // The editor writes its text, says it is editing, and waits while the test changes the row underneath.
    process.env.VISUAL = `sh -c 'sed -i "s/^Line 8$/Line 8 (mine)/" "$1"; touch ${editing}; while [ ! -e ${go} ]; do sleep 0.05; done' editor`;
    const c = open();
    await c.waitFor('ed-merge');
    await c.press('E');
    await waitForFile(editing);
    await db.query(`update sites set ai_prompt = replace(ai_prompt, 'Line 1', 'Line 1 (theirs)') where site_id = 'ed-merge'`);
    fs.writeFileSync(go, '');
    const frame = await c.waitFor('Your edit is based on an older version: ed-merge changed underneath (version 1 → 2)');
    expect(frame).toContain('prompt  (changed on both sides)');
    expect(frame).toContain('+Line 1 (theirs)');
    expect(frame).toContain('+Line 8 (mine)');
    expect(frame).toContain('g takes this text');
    expect(frame).not.toContain('yours kept');
    // Nothing written yet: the other writer's prompt is what the database holds.
    expect((await row('ed-merge')).ai_prompt).toContain('Line 1 (theirs)');
    await c.press('g');
    const review = await c.waitFor('Review changes to ed-merge');
    expect(review).toContain('+Line 8 (mine)');
    expect(review).not.toContain('-Line 1 (theirs)');
    await c.press('y');
    await c.waitFor('saved ed-merge: prompt');
    expect((await row('ed-merge')).ai_prompt).toBe(PROMPT.replace('Line 1', 'Line 1 (theirs)').replace('Line 8', 'Line 8 (mine)'));
  });

  it('overlapping edits: no merge offered; r keeps mine only after the view showed theirs, and the review shows their line going', async () => {
    await freshSite('ed-clash');
    const editing = path.join(stateHome, 'editing');
    const go = path.join(stateHome, 'go');
    process.env.VISUAL = `sh -c 'sed -i "s/^Line 4$/Line 4 (mine)/" "$1"; touch ${editing}; while [ ! -e ${go} ]; do sleep 0.05; done' editor`;
    const c = open();
    await c.waitFor('ed-clash');
    await c.press('E');
    await waitForFile(editing);
    await db.query(`update sites set ai_prompt = replace(ai_prompt, 'Line 4', 'Line 4 (theirs)') where site_id = 'ed-clash'`);
    fs.writeFileSync(go, '');
    const frame = await c.waitFor('changed underneath (version 1 → 2)');
    expect(frame).not.toContain('g merged prompt');
    expect(frame).toContain('r mine where both changed · t theirs there');
    await c.press('r');
    const review = await c.waitFor('Review changes to ed-clash');
    expect(review).toContain('-Line 4 (theirs)');
    expect(review).toContain('+Line 4 (mine)');
    await c.press(KEY.esc);
    await c.waitFor('Edit site ed-clash');
    // Backing out writes nothing.
    expect((await row('ed-clash')).ai_prompt).toContain('Line 4 (theirs)');
  });
});

describe('a recovered draft whose field someone else changed since', () => {
  it('opens on the conflict instead of keeping mine silently; t takes theirs there and keeps my other change', async () => {
    const base = await freshSite('draft-clash');
    const store = new DraftStore({ dir });
    store.save(siteDraft(base, { ...formValuesOf(base), brandName: 'ACME GmbH', aiPrompt: PROMPT.replace('Line 2', 'Line 2 (mine)') }));
    store.flushSync();
    await db.query(`update sites set ai_prompt = replace(ai_prompt, 'Line 2', 'Line 2 (theirs)') where site_id = 'draft-clash'`);
    const c = open();
    await c.waitFor('Unsaved drafts');
    await c.press(KEY.enter);
    const frame = await c.waitFor('Your edit is based on an older version: draft-clash changed underneath (version 1 → 2)');
    expect(frame).toContain('prompt  (changed on both sides)');
    expect(frame).toContain('+Line 2 (theirs)');
    expect(frame).toContain('+Line 2 (mine)');
    expect((await row('draft-clash')).brand_name).toBe('ACME');
    await c.press('t');
    const review = await c.waitFor('Review changes to draft-clash');
    expect(review).toContain('Changed: brand name');
    expect(review).not.toContain('--- prompt');
    await c.press('y');
    await c.waitFor('saved draft-clash: brand name');
    expect(await row('draft-clash')).toMatchObject({ brand_name: 'ACME GmbH', ai_prompt: PROMPT.replace('Line 2', 'Line 2 (theirs)') });
  });
});

describe('an edit leaves alone what it did not touch', () => {
  it('a CRLF prompt and a stage today\'s rules refuse (both written by psql) are unchanged, warned about, and kept by a brand-only edit', async () => {
    await db.query(
      `insert into sites (site_id, domain, brand_name, language, hubspot_stage, ai_prompt) values ('crlf', 'crlf.example', 'Old', 'de', 'closed won', E'Zeile 1\\r\\nZeile 2\\r\\n')`,
    );
    const c = open();
    await c.waitFor('crlf');
    // The list starts at the first site; go to this one by filtering.
    await c.press('/');
    await c.type('crlf');
    await c.waitFor('Sites (1)');
    await c.press(KEY.enter);
    await c.press('e');
    let frame = await c.waitFor('Edit site crlf');
    expect(frame).toContain('unchanged');
    expect(frame).not.toMatch(/● \d+ change/);
    expect(frame).toMatch(/HubSpot stage\s+closed won\s+! as stored; today's rules say/);
    await c.focusField('brand name');
    await c.press(KEY.end);
    await c.type(' New');
    frame = await c.waitFor('● 1 change');
    await c.press(KEY.ctrlS);
    const review = await c.waitFor('Review changes to crlf');
    expect(review).toContain('Changed: brand name');
    await c.press('y');
    await c.waitFor('saved crlf: brand name');
    expect(await row('crlf')).toMatchObject({ brand_name: 'Old New', hubspot_stage: 'closed won', ai_prompt: 'Zeile 1\r\nZeile 2\r\n' });
  });
});

describe('a save waiting for a row another session holds locked', () => {
  it('says the row is locked and by whom, not that the database is unreachable, and keeps the edit', async () => {
    await freshSite('lock-ui');
    // The console's own services, with a short statement timeout (the real one is 30 s).
    const orm = await initORM(db.target, { statementTimeoutMs: 600 });
    const em = orm.em as unknown as EntityManager;
    const sites = new OrmSiteService(em, { actor: 'alice' });
    const short: Services = { ...services, sites, revisions: new OrmRevisionService(em, sites) };
    const c = renderConsole(short, { columns: 140, rows: 40, drafts: new DraftStore({ dir, debounceMs: 50 }) });
    current = c;
    const k = cluster();
    const psql = new pg.Client({ host: k.socket, port: k.port, user: k.user, database: db.name, application_name: 'psql' });
    await psql.connect();
    try {
      await c.waitFor('lock-ui');
      await c.press('/');
      await c.type('lock-ui');
      await c.waitFor('Sites (1)');
      await c.press(KEY.enter);
      await c.press('e');
      await c.waitFor('Edit site lock-ui');
      await c.focusField('brand name');
      await c.press(KEY.end);
      await c.type(' X');
      await psql.query('begin');
      await psql.query(`select * from sites where site_id = 'lock-ui' for update`);
      const pid = (await psql.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
      await c.press(KEY.ctrlS);
      await c.waitFor('Review changes to lock-ui');
      await c.press('y');
      const frame = await c.waitFor(`not saved: site lock-ui is locked by another session (pid ${pid}, application psql`);
      expect(frame).not.toContain('unreachable');
      await psql.query('rollback');
      // Kept: y again saves once the other session is done.
      await c.press('y');
      await c.waitFor('saved lock-ui: brand name');
      expect((await row('lock-ui')).brand_name).toBe('ACME X');
    } finally {
      await psql.end();
      await orm.close(true);
    }
  });
});

describe('user edits follow the same rule (real PostgreSQL)', () => {
  async function editEmail(userId: string) {
    await db.query(`insert into users (user_id, email) values ($1, $2)`, [userId, `${userId}@example.de`]);
    const c = renderConsole(services, { columns: 110, route: { name: 'user', userId }, drafts: new DraftStore({ dir, debounceMs: 30 }) });
    current = c;
    await c.waitFor('e edit email');
    await c.press('e');
    await c.waitFor(`Edit user ${userId}`);
    for (let i = 0; i < 'example.de'.length; i++) await c.press(KEY.backspace);
    await c.type('example.com');
    return c;
  }
  const email = async (userId: string) => (await db.query<{ email: string }>('select email from users where user_id = $1', [userId])).rows[0]!.email;

  it('a sign-in (last_seen by n8n) meanwhile: only theirs moved there, so the email goes onto their row', async () => {
    const c = await editEmail('u-signin');
    await db.query(`update users set last_seen = now() where user_id = 'u-signin'`);
    await c.press(KEY.ctrlS);
    await c.waitFor('Save this change to user u-signin?');
    await c.press('y');
    await c.waitFor('saved user u-signin: email');
    expect(await email('u-signin')).toBe('u-signin@example.com');
  });

  it('the email changed by psql meanwhile: base / theirs / mine, and nothing written until a choice', async () => {
    const c = await editEmail('u-clash');
    await db.query(`update users set email = 'psql@example.org' where user_id = 'u-clash'`);
    await c.press(KEY.ctrlS);
    await c.waitFor('Save this change to user u-clash?');
    await c.press('y');
    await c.waitFor("Someone changed this user's email since you began (v1 → v2)");
    expect(await email('u-clash')).toBe('psql@example.org');
    await c.press('t');
    await c.waitFor("kept u-clash's email as it is now");
    expect(await email('u-clash')).toBe('psql@example.org');
  });
});

describe('the new-site wizard meets a site created meanwhile', () => {
  it('psql creates the same id while the wizard is open: the create is refused and their row stays as it is', async () => {
    const c = open();
    await c.waitFor('Sites');
    await c.press('n');
    await c.waitFor('New site  step 1 of 9: domain');
    await c.type('wiz.example');
    await c.press(KEY.enter);
    await c.waitFor(/› site id\s+wiz-example/);
    await c.press(KEY.enter);
    await c.waitFor('step 3 of 9: brand name');
    await c.type('Wizard');
    await c.press(KEY.enter);
    await c.waitFor('step 4 of 9: language');
    await c.press(KEY.enter, KEY.enter, KEY.enter, KEY.enter);
    await c.waitFor('step 8 of 9: prompt');
    await c.type('Mine.');
    await c.press(KEY.tab);
    await c.waitFor('step 9 of 9: summary');
    await db.query(`insert into sites (site_id, domain, brand_name, ai_prompt) values ('wiz-example', 'wiz-psql.example', 'From psql', 'Theirs.')`);
    await c.press('y');
    await c.waitFor('a site with id wiz-example already exists');
    expect(await row('wiz-example')).toMatchObject({ brand_name: 'From psql', ai_prompt: 'Theirs.' });
  });
});
