import { spawn, spawnSync } from 'node:child_process';
import { domainToASCII } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binCabinet } from '../helpers/cli.ts';
import { createMigratedDatabase } from '../helpers/db.ts';
import { scratchCli } from './support.ts';

/** cabinet seed --demo and the seed site walk-through, on real PostgreSQL. */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
const cli = scratchCli('seed');
const run = (args: string[], input?: string) => cli.run(args, { url: db.url, ...(input === undefined ? {} : { input }) });

async function snapshot(): Promise<string> {
  const sites = await db.query(`select to_jsonb(s)::text as row from sites s order by site_id collate "C"`);
  const users = await db.query(`select to_jsonb(u)::text as row from users u order by user_id collate "C"`);
  const revisions = await db.query(`select count(*)::int as n from site_revisions`);
  return JSON.stringify([sites.rows, users.rows, revisions.rows]);
}

beforeAll(async () => {
  db = await createMigratedDatabase('seed');
});
afterAll(async () => {
  await db.close();
  await cli.cleanup();
});

describe('cabinet seed --demo', () => {
  it('fills an empty database with realistic sites in en/de/ru and a few hundred users', async () => {
    const r = await run(['seed', '--demo']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Sites: Created 6 sites, changed 0, left 0 alone.');
    expect(r.stderr).toContain('Users: Created 300 users, changed 0, left 0 alone.');
    const langs = await db.query(`select language, count(*)::int as n from sites group by 1 order by 1`);
    expect(langs.rows).toEqual([
      { language: 'de', n: 2 },
      { language: 'en', n: 2 },
      { language: 'ru', n: 2 },
    ]);
    const sites = await db.query(`select ai_prompt, hubspot_pipeline, hubspot_stage from sites`);
    for (const s of sites.rows) {
      expect(s.ai_prompt.split('\n\n').length).toBeGreaterThanOrEqual(3); // several paragraphs
      expect(s.hubspot_pipeline).toMatch(/^(default|\d+)$/);
      expect(s.hubspot_stage).toMatch(/^[a-z]+$|^\d+$/);
    }
    const users = await db.query(`select count(*)::int as n, bool_and(first_seen <= last_seen) as ordered, count(distinct email)::int as emails,
                                         min(first_seen) > now() - interval '3 years' as recent from users`);
    expect(users.rows[0]).toEqual({ n: 300, ordered: true, emails: 300, recent: true });
    // n8n's query finds a demo site.
    const n8n = await db.query('SELECT ai_prompt, language, brand_name FROM sites WHERE site_id = $1', ['uyut-mebel']);
    expect(n8n.rows[0]).toMatchObject({ language: 'ru', brand_name: 'Уют Мебель' });
  });

  it('is idempotent: a second run changes nothing at all (versions, history included)', async () => {
    const before = await snapshot();
    const r = await run(['seed', '--demo']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/The demo data is already in place on .*; nothing to do\./);
    expect(await snapshot()).toBe(before);
  });

  it('an edited demo row is reset only with --yes (it overwrites); --dry-run shows the diff', async () => {
    await db.query(`update sites set brand_name = 'Edited' where site_id = 'hotel-alpenblick'`);
    const dry = await run(['seed', '--demo', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toContain('-brand_name: Edited\n+brand_name: Hotel Alpenblick');
    const refused = await run(['seed', '--demo']);
    expect(refused.code).toBe(2);
    expect((await db.query(`select brand_name from sites where site_id = 'hotel-alpenblick'`)).rows[0]!.brand_name).toBe('Edited');
    const reset = await run(['seed', '--demo', '--yes']);
    expect(reset.code, reset.stderr).toBe(0);
    expect((await db.query(`select brand_name from sites where site_id = 'hotel-alpenblick'`)).rows[0]!.brand_name).toBe('Hotel Alpenblick');
  });

  it('refuses to add demo data to a database with non-demo data unless --force', async () => {
    await db.query(`insert into sites (site_id, domain, brand_name) values ('real-customer', 'real-customer.de', 'Real')`);
    // One demo row gone: seeding would add it next to the real site.
    await db.query(`delete from users where user_id = (select min(user_id) from users)`);
    const before = await snapshot();
    const r = await run(['seed', '--demo']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^cabinet: refusing to seed demo data: .* already holds 1 site and 0 users that are not demo data \(seed an empty database, or pass --force/);
    expect(await snapshot()).toBe(before);
    const forced = await run(['seed', '--demo', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toMatch(/warning: --force: adding demo data next to 1 site and 0 users/);
  });

  it('with the demo data in place next to real data, a second run is a no-op (exit 0, says so), not a refusal', async () => {
    const before = await snapshot();
    const r = await run(['seed', '--demo']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/The demo data is already in place on .*; nothing to do\./);
    expect(r.stderr).not.toMatch(/refusing|--force/);
    expect(await snapshot()).toBe(before);
  });
});

const hasScript = spawnSync('script', ['--version']).status === 0;

/** Runs a command in a pseudo-terminal (util-linux `script`) and answers its questions. */
function inTerminal(command: string[], env: NodeJS.ProcessEnv) {
  const quoted = command.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qefc', quoted, '/dev/null'], { env: { ...env, TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    exit,
    output: () => output,
    async answer(prompt: string, text: string) {
      const deadline = Date.now() + 20_000;
      const from = output.length;
      while (!output.slice(Math.max(0, from - 200)).includes(prompt)) {
        if (Date.now() > deadline) throw new Error(`no "${prompt}" in:\n${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      child.stdin.write(text);
      await new Promise((r) => setTimeout(r, 100));
    },
    end: () => child.stdin.end(),
  };
}

describe.skipIf(!hasScript)('cabinet seed site, in a terminal', () => {
  it('asks field by field, re-asks on an invalid or taken value, suggests the id, and creates the site after a yes', async () => {
    const t = inTerminal([binCabinet, 'seed', 'site'], cli.env({ DATABASE_URL: db.url }));
    await t.answer('Domain: ', 'https://bad.example\r');
    await t.answer('without a scheme', 'real-customer.de\r');
    await t.answer('already used by site real-customer', 'www.Bäckerei-Schmidt.example\r');
    await t.answer('Site id [xn-bckerei-schmidt-', 'baeckerei-schmidt\r');
    await t.answer('Brand name: ', '\r');
    await t.answer('brand name is required', 'Bäckerei Schmidt\r');
    await t.answer('Language (BCP 47: en, de, ru, pt-BR) [en]: ', 'de-at\r');
    await t.answer('AI script id (Enter to skip): ', '\r');
    await t.answer('HubSpot pipeline id (Enter to skip): ', '12345\r');
    await t.answer('HubSpot stage id (Enter to skip): ', 'not valid!\r');
    await t.answer('letters, digits, _ and - only', '\r');
    await t.answer('Prompt file (Enter to type it): ', '\r');
    await t.answer('> ', 'Du bist die Assistenz der Bäckerei 🥨\r');
    await t.answer('> ', '\r');
    await t.answer('> ', 'Zweiter Absatz.\r');
    await t.answer('> ', '.\r');
    await t.answer('Create this site? [y/N] ', 'y\r');
    const code = await t.exit;
    expect(code, t.output()).toBe(0);
    expect(t.output()).toContain('Created site baeckerei-schmidt');
    const row = await db.query(`select domain, brand_name, language, hubspot_pipeline, hubspot_stage, ai_prompt from sites where site_id = 'baeckerei-schmidt'`);
    expect(row.rows[0]).toEqual({
      domain: domainToASCII('www.bäckerei-schmidt.example'),
      brand_name: 'Bäckerei Schmidt',
      language: 'de-AT',
      hubspot_pipeline: '12345',
      hubspot_stage: null,
      ai_prompt: 'Du bist die Assistenz der Bäckerei 🥨\n\nZweiter Absatz.',
    });
  });

  it('creates nothing when the answer to the last question is no', async () => {
    const t = inTerminal([binCabinet, 'seed', 'site'], cli.env({ DATABASE_URL: db.url }));
    await t.answer('Domain: ', 'no-thanks.example\r');
    await t.answer('Site id [no-thanks-example]: ', '\r');
    await t.answer('Brand name: ', 'No\r');
    for (const q of ['[en]: ', 'AI script id', 'HubSpot pipeline id', 'HubSpot stage id']) await t.answer(q, '\r');
    await t.answer('Prompt file (Enter to type it): ', '\r');
    await t.answer('> ', '.\r');
    await t.answer('Create this site? [y/N] ', '\r');
    expect(await t.exit).toBe(1);
    expect(t.output()).toContain('Nothing was created.');
    expect((await db.query(`select count(*)::int as n from sites where site_id = 'no-thanks-example'`)).rows[0]!.n).toBe(0);
  });
});
