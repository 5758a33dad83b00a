import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCabinet, type RunResult } from '../helpers/cli.ts';
import { cluster, createMigratedDatabase, type TestDatabase } from '../helpers/db.ts';

/**
 * lc_messages: a server that speaks German. The embedded binaries carry no translations, so this starts
 * Debian's PostgreSQL (with its message catalogues; .ci/run installs it and locales-all) with
 * lc_messages = de_DE.UTF-8, and runs the same failures there and on the suite's English server: cabinet
 * must tell them apart by SQLSTATE, so what it says before the server's own words is the same.
 */
const bindir = ['17', '16', '15', '14'].map((v) => `/usr/lib/postgresql/${v}/bin`).find((d) => fs.existsSync(path.join(d, 'postgres')));
const asRoot = process.getuid?.() === 0;

let dir: string;
let english: TestDatabase & { close(): Promise<void> };
const DB = 'lc_messages_de';

function asPostgres(command: string, args: string[]): void {
  const full = asRoot ? ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', command, ...args]] as const : [command, args] as const;
  execFileSync(full[0], [...full[1]], { stdio: 'pipe', cwd: dir });
}

beforeAll(async () => {
  if (!bindir) throw new Error("Debian's PostgreSQL server is missing: apt-get install postgresql-15 locales-all (.ci/run does)");
  english = await createMigratedDatabase('lcmsg');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cabinet-lc-'));
  fs.chmodSync(dir, 0o755);
  if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
  asPostgres(path.join(bindir, 'initdb'), ['-D', path.join(dir, 'data'), '-U', 'cabinet', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--lc-messages=de_DE.UTF-8']);
  asPostgres(path.join(bindir, 'pg_ctl'), ['-D', path.join(dir, 'data'), '-w', '-l', path.join(dir, 'log'), '-o', `-k ${dir} -c listen_addresses='' -c port=5432`, 'start']);
  const admin = new pg.Client({ host: dir, port: 5432, user: 'cabinet', database: 'postgres' });
  await admin.connect();
  await admin.query(`create database ${DB}`);
  await admin.end();
  const migrate = await runCabinet(['migrate'], { env: cleanEnv({ DATABASE_URL: url() }) });
  expect(migrate.code, migrate.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await english?.close();
  if (bindir && dir) spawnSync(asRoot ? 'setpriv' : path.join(bindir, 'pg_ctl'), asRoot ? ['--reuid=postgres', '--regid=postgres', '--init-groups', path.join(bindir, 'pg_ctl'), '-D', path.join(dir, 'data'), '-m', 'immediate', 'stop'] : ['-D', path.join(dir, 'data'), '-m', 'immediate', 'stop']);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const url = (database = DB, user = 'cabinet') => `postgres://${user}@/${database}?host=${encodeURIComponent(dir)}&port=5432`;

/** Runs a failure on both servers; returns each stderr with the server's own words and names cut away. */
async function both(
  args: string[],
  prepare: (client: pg.Client) => Promise<(() => Promise<void>) | void>,
  target: (which: 'de' | 'en') => string,
  env: Record<string, string> = {},
): Promise<{ de: RunResult; en: RunResult }> {
  const out = {} as { de: RunResult; en: RunResult };
  for (const which of ['de', 'en'] as const) {
    const c =
      which === 'de'
        ? new pg.Client({ host: dir, port: 5432, user: 'cabinet', database: DB })
        : new pg.Client({ host: cluster().socket, port: cluster().port, user: cluster().user, database: english.name });
    await c.connect();
    const undo = await prepare(c);
    try {
      out[which] = await runCabinet(args, { env: cleanEnv({ DATABASE_URL: target(which), ...env }) });
    } finally {
      await undo?.();
      await c.end();
    }
  }
  return out;
}

describe('a server whose lc_messages is German', () => {
  it('really answers in German (the test would prove nothing otherwise)', async () => {
    const client = new pg.Client({ host: dir, port: 5432, user: 'cabinet', database: DB });
    await client.connect();
    const error = await client.query('select 1/0').then(() => undefined, (e: Error) => e);
    await client.end();
    expect(error?.message).toMatch(/Division durch Null/);
  });

  it('a save blocked by a row lock: "locked by another session" either way', async () => {
    const r = await both(
      ['sites', 'set', 'locked-site', '--brand-name', 'Neu'],
      async (c) => {
        await c.query(`insert into sites (site_id, domain, brand_name, language, ai_prompt) values ('locked-site', 'l.example', 'L', 'de', 'p') on conflict do nothing`);
        await c.query('begin');
        await c.query(`select * from sites where site_id = 'locked-site' for update`);
        return async () => void (await c.query('rollback'));
      },
      (w) => (w === 'de' ? url() : english.url),
      { CABINET_STATEMENT_TIMEOUT: '1s' },
    );
    for (const x of [r.de, r.en]) {
      expect(x.code).toBe(1);
      expect(x.stderr).toMatch(/locked by another session/);
      expect(x.stderr).not.toMatch(/unreachable/);
    }
  });

  it('a database that does not exist, a duplicate id and a missing right read the same', async () => {
    const missing = await both(['sites', 'list'], async () => {}, (w) => (w === 'de' ? url('nope_db') : english.url.replace(english.name, 'nope_db')));
    for (const x of [missing.de, missing.en]) expect(x.stderr).toMatch(/^cabinet: database "nope_db" does not exist on /);

    const create = ['sites', 'create', 'dup-site', '--domain', 'dup.example', '--brand-name', 'D', '--language', 'de'];
    const dup = await both(create, async (c) => void (await c.query(`insert into sites (site_id, domain, brand_name, language, ai_prompt) values ('dup-site', 'd.example', 'D', 'de', 'p') on conflict do nothing`)), (w) => (w === 'de' ? url() : english.url));
    expect(dup.de.stderr).toBe(dup.en.stderr);
    expect(dup.de.stderr).toMatch(/a site with id dup-site already exists/);

    const role = `lc_noright_${process.pid}`;
    const denied = await both(
      ['sites', 'list'],
      async (c) => {
        await c.query(`create role ${role} login`);
        return async () => void (await c.query(`drop role ${role}`));
      },
      (w) => (w === 'de' ? url(DB, role) : english.url.replace(`${english.target.user}@`, `${role}@`)),
    );
    for (const x of [denied.de, denied.en]) {
      expect(x.code).toBe(1);
      expect(x.stderr).toMatch(new RegExp(`^cabinet: permission denied on ${role}@`));
    }
  });
});
