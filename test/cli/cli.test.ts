import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopEmbeddedServer } from '../../src/db/embedded.ts';
import { discoverMigrationFiles } from '../../src/services/migration-files.ts';
import { cleanEnv, repoRoot, runCabinet, type RunResult } from '../helpers/cli.ts';
import { cluster, createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { scratchDir } from '../helpers/scratch.ts';

/**
 * The real `bin/cabinet`, as a shell user runs it: stdin is a pipe (not a terminal), the working directory
 * has no .env, and an embedded server (which no test here should start) would live under .tmp.
 */
let scratch: string;
let env: (extra?: Record<string, string>) => NodeJS.ProcessEnv;
let cabinet: (args: string[], extra?: Record<string, string>) => Promise<RunResult>;

beforeAll(() => {
  scratch = scratchDir('cli');
  fs.chmodSync(scratch, 0o755);
  env = (extra = {}) => cleanEnv({ CABINET_EMBEDDED_DIR: path.join(scratch, 'embedded'), ...extra });
  cabinet = (args, extra) => runCabinet(args, { env: env(extra), cwd: scratch });
});
afterAll(async () => {
  await stopEmbeddedServer(path.join(scratch, 'embedded')).catch(() => {});
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** The migrations this cabinet ships, in order. */
const shipped = () => discoverMigrationFiles(path.join(repoRoot, 'migrations')).map((f) => f.name);
const n = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
const lines = (names: string[]) => names.map((name) => `  ${name}\n`).join('');

function oneLine(text: string): string {
  const lines = text.split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe('cabinet: help, version and usage errors', () => {
  it('--help shows Usage, Commands, Options and Examples and exits 0', async () => {
    const r = await cabinet(['--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const heading of ['Usage', 'Commands', 'Options', 'Examples']) expect(r.stdout).toMatch(new RegExp(`^\\s*${heading}$`, 'm'));
    expect(r.stdout).toMatch(/^\s*migrate\s+\S/m);
    expect(r.stdout).toMatch(/--allow-non-tailnet/);
  });

  it('migrate --help shows the migrate commands and exits 0', async () => {
    const r = await cabinet(['migrate', '--help']);
    expect(r.code).toBe(0);
    for (const sub of ['cabinet migrate status', 'cabinet migrate down', 'cabinet migrate check', 'cabinet migrate create']) expect(r.stdout).toContain(sub);
    expect(r.stdout).toMatch(/Examples/);
  });

  it("--version prints package.json's version", async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const r = await cabinet(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${version}\n`);
  });

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['--frobnicate'], /unknown option --frobnicate/],
    [['migrate', '--frobnicate'], /unknown option --frobnicate/],
    [['migrate', 'sideways'], /unknown migrate action "sideways"/],
    [['migrate', 'create'], /migrate create needs a NAME/],
  ])('%j: one line on stderr, exit 2', async (args, message) => {
    const r = await cabinet(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(oneLine(r.stderr)).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('with no command and no terminal: exit 2, pointing to the commands for scripts', async () => {
    const r = await cabinet([]);
    expect(r.code).toBe(2);
    const line = oneLine(r.stderr);
    expect(line).toMatch(/needs a terminal/);
    expect(line).toMatch(/cabinet migrate/);
    expect(line).toMatch(/cabinet --help/);
    // Nothing was started on the way to that answer.
    expect(fs.existsSync(path.join(scratch, 'embedded'))).toBe(false);
  });
});

describe('cabinet migrate on a fresh database', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('cli');
  });
  afterAll(async () => {
    await db.drop();
  });

  const tables = async () =>
    (await db.query<{ t: string }>(`select table_name as t from information_schema.tables where table_schema = 'public' and table_name in ('sites', 'users') order by 1`)).rows.map((r) => r.t);

  it('status lists pending (exit 1), migrate applies (exit 0), then status and check are clean (exit 0)', async () => {
    const url = { DATABASE_URL: db.url };
    const names = shipped();
    expect(names.length).toBeGreaterThan(0);
    const before = await cabinet(['migrate', 'status'], url);
    expect(before.code).toBe(1);
    for (const name of names) expect(before.stdout).toMatch(new RegExp(`^\\s+pending\\s+${name}$`, 'm'));
    expect(before.stdout).toContain(`${n(names.length, 'migration')} pending: run cabinet migrate`);
    expect(before.stdout).toContain(db.name);

    const up = await cabinet(['migrate'], url);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(new RegExp(`^Applied ${n(names.length, 'migration')} on .*${db.name}:\n`));
    expect(up.stdout).toContain(lines(names));
    expect(await tables()).toEqual(['sites', 'users']);

    const again = await cabinet(['migrate'], url);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Nothing to migrate/);

    const after = await cabinet(['migrate', 'status'], url);
    expect(after.code).toBe(0);
    for (const name of names) expect(after.stdout).toMatch(new RegExp(`^\\s+applied\\s+${name}\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$`, 'm'));
    expect(after.stdout).not.toMatch(/pending/);
    expect(after.stdout).toMatch(/Up to date\./);

    const json = await cabinet(['migrate', 'status', '--json'], url);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ pending: [], unknown: [], edited: [] });

    const check = await cabinet(['migrate', 'check'], url);
    expect(check.stdout).toMatch(/agree/);
    expect(check.code).toBe(0);
  });

  it('migrate check exits 1 when the live schema was changed behind the migrations', async () => {
    await db.query('alter table users add column nickname text');
    try {
      const r = await cabinet(['migrate', 'check'], { DATABASE_URL: db.url });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/live schema differs: .*nickname/);
    } finally {
      await db.query('alter table users drop column nickname');
    }
  });

  it('migrate down without --yes and without a terminal refuses (exit 2) and reverts nothing; with --yes it reverts', async () => {
    const url = { DATABASE_URL: db.url };
    const names = shipped();
    const applied = async () => (await db.query<{ name: string }>('select name from mikro_orm_migrations order by id')).rows.map((r) => r.name);
    expect(await applied()).toEqual(names);

    for (const args of [['migrate', 'down'], ['migrate', 'down', '--to', '0']]) {
      const refused = await cabinet(args, url);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/refusing without --yes because stdin is not a terminal/);
      expect(refused.stdout).not.toMatch(/Reverted/);
      expect(await applied()).toEqual(names);
    }

    const bad = await cabinet(['migrate', 'down', '--to', 'NoSuchMigration', '--yes'], url);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no applied migration named NoSuchMigration/);
    expect(await applied()).toEqual(names);

    const last = await cabinet(['migrate', 'down', '--yes'], url);
    expect(last.code).toBe(0);
    expect(last.stdout).toBe(`Reverted 1 migration:\n${lines(names.slice(-1))}`);
    expect(await applied()).toEqual(names.slice(0, -1));

    const rest = await cabinet(['migrate', 'down', '--to', '0', '--yes'], url);
    expect(rest.code).toBe(0);
    expect(await applied()).toEqual([]);
    expect(await tables()).toEqual([]);

    const status = await cabinet(['migrate', 'status'], url);
    expect(status.code).toBe(1);
    expect(status.stdout).toContain(`${n(names.length, 'migration')} pending`);
  });
});

describe('cabinet keeps passwords out of its output', () => {
  it('refuses a non-tailnet DATABASE_URL before connecting (exit 1), naming --allow-non-tailnet', async () => {
    for (const args of [['migrate', 'status'], ['migrate', 'status', '--debug']]) {
      const r = await cabinet(args, { DATABASE_URL: 'postgres://admin:hunter2@8.8.8.8/cabinet' });
      expect(r.code).toBe(1);
      const line = oneLine(r.stderr);
      expect(line).toMatch(/refusing to connect: 8\.8\.8\.8 is not a Tailscale address/);
      expect(line).toMatch(/--allow-non-tailnet/);
      expect(r.stdout + r.stderr).not.toContain('hunter2');
    }
  });

  it('the same for --database-url', async () => {
    const r = await cabinet(['migrate', 'status', '--database-url', 'postgres://admin:hunter2@192.168.1.1:5432/cabinet']);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/192\.168\.1\.1 .*--allow-non-tailnet/);
    expect(r.stdout + r.stderr).not.toContain('hunter2');
  });

  it('a malformed URL is a usage error (exit 2) that does not echo it', async () => {
    const r = await cabinet(['migrate', 'status'], { DATABASE_URL: 'postgres://admin:hunter2@db.example.ts.net:notaport/cabinet' });
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/DATABASE_URL is not a valid PostgreSQL URL/);
    expect(r.stdout + r.stderr).not.toContain('hunter2');
  });

  it('wrong password over TCP: exit 1, one line, without the password (even with --debug)', async () => {
    const c = cluster();
    const db = await createTestDatabase('clipw');
    try {
      const url = `postgres://${c.user}:hunter2@127.0.0.1:${c.tcpPort}/${db.name}`;
      const r = await cabinet(['migrate', 'status'], { DATABASE_URL: url });
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toMatch(new RegExp(`password authentication failed for ${c.user}@127\\.0\\.0\\.1:${c.tcpPort}/${db.name}`));
      expect(r.stdout + r.stderr).not.toContain('hunter2');

      const debug = await cabinet(['migrate', 'status', '--debug'], { DATABASE_URL: url });
      expect(debug.code).toBe(1);
      expect(debug.stdout + debug.stderr).not.toContain('hunter2');

      // The right password over the same port works: the failure above was the password.
      const ok = await cabinet(['migrate', 'status'], { DATABASE_URL: `postgres://${c.user}:${encodeURIComponent(c.password)}@127.0.0.1:${c.tcpPort}/${db.name}` });
      expect(ok.stderr).toBe('');
      expect(ok.code).toBe(1); // pending migrations
      expect(ok.stdout).toMatch(/pending/);
      expect(ok.stdout + ok.stderr).not.toContain(c.password);
    } finally {
      await db.drop();
    }
  });

  it('a password from PGPASSWORD is used and not shown', async () => {
    const c = cluster();
    const db = await createTestDatabase('clipg');
    try {
      const r = await cabinet(['migrate'], { PGHOST: '127.0.0.1', PGPORT: String(c.tcpPort), PGUSER: c.user, PGDATABASE: db.name, PGPASSWORD: c.password });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`Applied ${n(shipped().length, 'migration')} on ${c.user}@127\\.0\\.0\\.1:${c.tcpPort}/${db.name}`));
      expect(r.stdout + r.stderr).not.toContain(c.password);
    } finally {
      await db.drop();
    }
  });

  it('a database that does not exist: exit 1, one line', async () => {
    const r = await cabinet(['migrate', 'status'], { DATABASE_URL: `postgres://${cluster().user}:hunter2@/no_such_db?host=${encodeURIComponent(cluster().socket)}&port=${cluster().port}` });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/database "no_such_db" does not exist/);
    expect(r.stdout + r.stderr).not.toContain('hunter2');
  });
});
