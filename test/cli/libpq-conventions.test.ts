import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cluster, createMigratedDatabase, type TestDatabase } from '../helpers/db.ts';
import { oneLine, scratchCli } from './support.ts';

/**
 * libpq's conventions, through the real binary on the real test server: which settings name the
 * database (a .env never overrides the shell), the URL forms psql accepts, and errors that read like psql's.
 */
let db: TestDatabase & { close(): Promise<void> };
const cli = scratchCli('libpq');

beforeAll(async () => {
  db = await createMigratedDatabase('libpq');
  await db.query(`insert into sites (site_id, domain, brand_name, language, ai_prompt) values ('real-site', 'real.example', 'Real', 'en', 'p')`);
});
afterAll(async () => {
  await db.close();
  await cli.cleanup();
});

/** The shell's way of naming the test database with libpq's variables. */
const libpqEnv = () => {
  const c = cluster();
  return { PGHOST: c.socket, PGPORT: String(c.port), PGUSER: c.user, PGDATABASE: db.name };
};
/** A URL that names a database that does not exist: a command that used it would fail. */
const decoy = () => {
  const c = cluster();
  return `postgres://${c.user}@/decoy_not_there?host=${encodeURIComponent(c.socket)}&port=${c.port}`;
};

describe('a .env never changes which database the environment named', () => {
  function inDirWithEnv(content: string): string {
    const dir = path.join(cli.scratch, `env-${Math.random().toString(36).slice(2)}`);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, '.env'), content);
    return dir;
  }

  it("the shell's PGHOST/PGDATABASE beat a .env DATABASE_URL, and stderr says the file was not used", async () => {
    const cwd = inDirWithEnv(`DATABASE_URL=${decoy()}\n`);
    const r = await cli.run(['sites', 'list', '--json'], { env: libpqEnv(), cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).map((s: Record<string, string>) => s.site_id ?? s.siteId)).toEqual(['real-site']);
    expect(oneLine(r.stderr)).toBe(`cabinet: ${path.join(cwd, '.env')} is not used for the connection (DATABASE_URL): PGHOST already names the database`);
  });

  it("the shell's DATABASE_URL beats a .env CABINET_DATABASE_URL", async () => {
    const cwd = inDirWithEnv(`CABINET_DATABASE_URL=${decoy()}\n`);
    const r = await cli.run(['sites', 'list', '--json'], { url: db.url, cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('real-site');
    expect(r.stderr).toMatch(/is not used for the connection \(CABINET_DATABASE_URL\): DATABASE_URL already names the database/);
  });

  it('--database-url beats a .env too', async () => {
    const cwd = inDirWithEnv(`DATABASE_URL=${decoy()}\nPGDATABASE=decoy_not_there\n`);
    const r = await cli.run(['sites', 'list', '--json', '--database-url', db.url], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/not used for the connection \(DATABASE_URL, PGDATABASE\): --database-url already names the database/);
  });

  it('with nothing in the environment the .env is used, and says so once; doctor shows it', async () => {
    const cwd = inDirWithEnv(`# the staging box\nDATABASE_URL=${db.url}\n`);
    const r = await cli.run(['sites', 'list', '--json'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('real-site');
    expect(oneLine(r.stderr)).toBe(`cabinet: using DATABASE_URL from ${path.join(cwd, '.env')}`);
    const doctor = await cli.run(['doctor'], { cwd });
    expect(doctor.stdout).toMatch(new RegExp(`^✓ \\.env\\s+using DATABASE_URL from ${path.join(cwd, '.env').replace(/[.]/g, '\\.')}$`, 'm'));
  });

  it('doctor warns about a .env that the environment overrides', async () => {
    const cwd = inDirWithEnv(`DATABASE_URL=${decoy()}\n`);
    const doctor = await cli.run(['doctor'], { url: db.url, cwd });
    expect(doctor.stdout).toMatch(/^! \.env\s+.*is not used for the connection \(DATABASE_URL\): DATABASE_URL already names the database$/m);
    expect(doctor.stdout).toMatch(/hint: remove DATABASE_URL from .*\.env, or unset the environment's setting/);
  });
});

describe('authentication errors read like psql', () => {
  const tcpUrl = () => `postgres://${cluster().user}@127.0.0.1:${cluster().tcpPort}/${db.name}`;

  it('no password where the server wants one: one line naming the ways to give it, exit 1, at once', async () => {
    const started = Date.now();
    const r = await cli.run(['sites', 'list'], { url: tcpUrl(), env: { HOME: cli.scratch } });
    expect(r.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(oneLine(r.stderr)).toMatch(/^cabinet: no password supplied for \S+@127\.0\.0\.1:\d+\/libpq_\w+: the server asks for one \(set PGPASSWORD, add a line to ~\/\.pgpass \(mode 0600\), or put it in the URL/);
    expect(r.stderr).not.toMatch(/SASL|SCRAM|must be a string/);
  });

  it('a .pgpass that others can read: one warning (not a second from the driver), then the same clear error', async () => {
    const file = cli.file('pgpass-open', `127.0.0.1:*:*:*:${cluster().password}\n`);
    fs.chmodSync(file, 0o644);
    const r = await cli.run(['sites', 'list'], { url: tcpUrl(), env: { PGPASSFILE: file } });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual([
      `cabinet: warning: password file ${file} is ignored: group or others can read it (chmod 600 ${file})`,
      expect.stringMatching(/^cabinet: no password supplied for /),
    ]);
    fs.chmodSync(file, 0o600);
    const ok = await cli.run(['sites', 'list', '--json'], { url: tcpUrl(), env: { PGPASSFILE: file } });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toContain('real-site');
  });

  it('a wrong password is a wrong password', async () => {
    const c = cluster();
    const r = await cli.run(['sites', 'list'], { url: `postgres://${c.user}:not-it@127.0.0.1:${c.tcpPort}/${db.name}` });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/^cabinet: password authentication failed for /);
    expect(r.stderr).not.toContain('not-it');
  });
});
