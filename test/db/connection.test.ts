import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeTarget, shortTarget, resolveConnection, type ConnectionTarget } from '../../src/db/connection.ts';
import { loadDotEnv } from '../../src/db/dot-env.ts';
import { fillPasswordFromPgpass } from '../../src/db/pgpass.ts';
import { CabinetError } from '../../src/lib/errors.ts';
import { scratchDir } from '../helpers/scratch.ts';

let dir: string;
/** A working directory with no .env, so the checkout's own files cannot leak into a test. */
let emptyCwd: string;

beforeAll(() => {
  dir = scratchDir('conn');
  emptyCwd = path.join(dir, 'empty');
  fs.mkdirSync(emptyCwd);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function resolveIn(env: NodeJS.ProcessEnv, databaseUrl?: string, cwd = emptyCwd) {
  return resolveConnection({ env, cwd, ...(databaseUrl === undefined ? {} : { databaseUrl }) });
}

function target(value: ReturnType<typeof resolveConnection>): ConnectionTarget {
  if (!('host' in value)) throw new Error(`expected a configured target, got ${value.source}`);
  return value;
}

describe('resolveConnection: which database', () => {
  const all = {
    CABINET_DATABASE_URL: 'postgres://c@cab.example.ts.net/cabdb',
    DATABASE_URL: 'postgres://d@db.example.ts.net/dbdb',
    PGHOST: 'pg.example.ts.net',
    PGDATABASE: 'pgdb',
    PGUSER: 'pguser',
  };

  it('--database-url wins over everything', () => {
    const t = target(resolveIn({ ...all }, 'postgres://flag@flag.example.ts.net:6543/flagdb'));
    expect(t).toMatchObject({ source: '--database-url', host: 'flag.example.ts.net', port: 6543, user: 'flag', database: 'flagdb' });
  });

  it('then CABINET_DATABASE_URL', () => {
    expect(target(resolveIn({ ...all }))).toMatchObject({ source: 'CABINET_DATABASE_URL', database: 'cabdb', user: 'c' });
  });

  it('then DATABASE_URL', () => {
    const { CABINET_DATABASE_URL: _, ...env } = all;
    expect(target(resolveIn(env))).toMatchObject({ source: 'DATABASE_URL', database: 'dbdb', user: 'd' });
  });

  it("then libpq's PG* variables", () => {
    const t = target(resolveIn({ PGHOST: 'pg.example.ts.net', PGPORT: '6000', PGUSER: 'pguser', PGDATABASE: 'pgdb', PGPASSWORD: 'pw', PGSSLMODE: 'require', PGCONNECT_TIMEOUT: '3' }));
    expect(t).toEqual({
      source: 'libpq environment',
      host: 'pg.example.ts.net',
      port: 6000,
      user: 'pguser',
      database: 'pgdb',
      password: 'pw',
      sslmode: 'require',
      connectTimeoutSeconds: 3,
    });
  });

  it('with none of them: the embedded server', () => {
    expect(resolveIn({ HOME: '/nowhere', PATH: '/usr/bin' })).toEqual({ source: 'embedded' });
  });

  it('an empty DATABASE_URL counts as unset', () => {
    expect(resolveIn({ DATABASE_URL: '' })).toEqual({ source: 'embedded' });
  });

  it('fills what a URL leaves out from PG* variables, as libpq does', () => {
    const t = target(resolveIn({ DATABASE_URL: 'postgres:///appdb', PGHOST: '/run/pg', PGPORT: '5433', PGUSER: 'admin' }));
    expect(t).toMatchObject({ host: '/run/pg', port: 5433, user: 'admin', database: 'appdb' });
  });

  it('understands the socket form postgres://user@/db?host=/dir&port=N', () => {
    const t = target(resolveIn({ DATABASE_URL: 'postgres://cab:pw@/cabinet?host=%2Frun%2Fcabinet&port=6001&sslmode=disable' }));
    expect(t).toMatchObject({ host: '/run/cabinet', port: 6001, user: 'cab', password: 'pw', database: 'cabinet', sslmode: 'disable' });
  });

  it('bounds the connect timeout: connect_timeout from the URL, 0 or nonsense mean the default', () => {
    expect(target(resolveIn({ DATABASE_URL: 'postgres://u@h.ts.net/d?connect_timeout=4' })).connectTimeoutSeconds).toBe(4);
    expect(target(resolveIn({ DATABASE_URL: 'postgres://u@h.ts.net/d?connect_timeout=0' })).connectTimeoutSeconds).toBe(10);
    expect(target(resolveIn({ DATABASE_URL: 'postgres://u@h.ts.net/d', PGCONNECT_TIMEOUT: 'soon' })).connectTimeoutSeconds).toBe(10);
  });

  it('refuses PGSERVICE alone (cabinet does not read pg_service.conf) rather than guessing', () => {
    expect(() => resolveIn({ PGSERVICE: 'prod' })).toThrow(/PGSERVICE/);
  });
});

describe("resolveConnection: libpq's URL forms, as psql reads them", () => {
  it('a host list with target_session_attrs (Patroni, managed services)', () => {
    const t = target(resolveIn({}, 'postgres://admin@db1.example.ts.net:5432,db2.example.ts.net:6432/cabinet?target_session_attrs=read-write'));
    expect(t).toMatchObject({
      host: 'db1.example.ts.net',
      port: 5432,
      hosts: [
        { host: 'db1.example.ts.net', port: 5432 },
        { host: 'db2.example.ts.net', port: 6432 },
      ],
      targetSessionAttrs: 'read-write',
      user: 'admin',
      database: 'cabinet',
    });
  });

  it('hosts and ports as query lists, one port for all, [v6] hosts, PGPORT for a host without one', () => {
    expect(target(resolveIn({}, 'postgres:///d?host=a.ts.net,b.ts.net&port=7000,7001')).hosts).toEqual([
      { host: 'a.ts.net', port: 7000 },
      { host: 'b.ts.net', port: 7001 },
    ]);
    expect(target(resolveIn({}, 'postgres:///d?host=a.ts.net,b.ts.net&port=7000')).hosts).toEqual([
      { host: 'a.ts.net', port: 7000 },
      { host: 'b.ts.net', port: 7000 },
    ]);
    expect(target(resolveIn({ PGPORT: '6000' }, 'postgres://u@[fd7a:115c:a1e0::1]:5433,[::ffff:100.100.1.1]/d')).hosts).toEqual([
      { host: 'fd7a:115c:a1e0::1', port: 5433 },
      { host: '::ffff:100.100.1.1', port: 6000 },
    ]);
  });

  it('an empty host with ?host= (postgres://user@:PORT/db?host=/socket/dir)', () => {
    const t = target(resolveIn({}, 'postgres://bob@:5433/appdb?host=/run/pg'));
    expect(t).toMatchObject({ host: '/run/pg', port: 5433, user: 'bob', database: 'appdb' });
    expect(t.hosts).toBeUndefined();
  });

  it("no host at all is libpq's socket directory, not TCP to localhost", () => {
    expect(target(resolveIn({}, 'postgres:///appdb')).host).toBe('/var/run/postgresql');
  });

  it('PGHOST and PGPORT may be lists too; PGTARGETSESSIONATTRS is read', () => {
    const t = target(resolveIn({ PGHOST: 'a.ts.net,b.ts.net', PGPORT: '1,2', PGTARGETSESSIONATTRS: 'primary', PGDATABASE: 'd' }));
    expect(t.hosts).toEqual([
      { host: 'a.ts.net', port: 1 },
      { host: 'b.ts.net', port: 2 },
    ]);
    expect(t.targetSessionAttrs).toBe('primary');
  });

  it('percent-encoding everywhere, credentials kept whole', () => {
    const t = target(resolveIn({}, 'postgresql://us%40er:p%3Ass%2Fw@%2Frun%2Fpg:6001/my%20db?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem'));
    expect(t).toMatchObject({ user: 'us@er', password: 'p:ss/w', host: '/run/pg', port: 6001, database: 'my db', sslmode: 'verify-full', sslRootCert: '/etc/ca.pem' });
  });

  it.each([
    ['postgres://u:hunter2@a.ts.net,b.ts.net/d?port=1,2,3', /could not match 3 port numbers to 2 hosts/],
    ['postgres://u:hunter2@a.ts.net/d?target_session_attrs=sometimes', /invalid target_session_attrs value: "sometimes"/],
    ['postgres://u:hunter2@a.ts.net/d?sslmode=maybe', /invalid sslmode value: "maybe"/],
    ['postgres://u:hunter2@a.ts.net/d?schema=public', /invalid URI query parameter: "schema"/],
    ['postgres://u:hunter2@a.ts.net/d?hostaddr=100.64.0.1', /does not support hostaddr/],
    ['postgres://u:hunter2@[fd7a::1/d', /missing "\]"/],
    ['postgres://u:hunter2@a.ts.net/d%zz', /invalid percent-encoded token/],
  ])('%s is refused like psql refuses it, without the password', (url, message) => {
    let error: unknown;
    try {
      resolveIn({}, url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CabinetError);
    expect((error as CabinetError).exitCode).toBe(2);
    expect((error as CabinetError).line).toMatch(message);
    expect((error as CabinetError).line).not.toContain('hunter2');
  });
});

describe('resolveConnection: bad URLs are usage errors (exit 2) that never echo the password', () => {
  it.each([
    ['mysql://u:hunter2@db/x', /not a PostgreSQL URL/],
    ['postgres://u:hunter2@db:99999/x', /not a valid PostgreSQL URL/],
    ['postgres://u:hunter2@db:port/x', /not a valid PostgreSQL URL/],
    ['db.example.ts.net', /not a PostgreSQL URL/],
  ])('%s', (url, message) => {
    for (const attempt of [() => resolveIn({}, url), () => resolveIn({ DATABASE_URL: url })]) {
      let error: unknown;
      try {
        attempt();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CabinetError);
      const e = error as CabinetError;
      expect(e.exitCode).toBe(2);
      expect(e.line).toMatch(message);
      expect(e.line).not.toContain('hunter2');
    }
  });

  it('an empty --database-url is a usage error too', () => {
    expect(() => resolveIn({}, '  ')).toThrow(expect.objectContaining({ exitCode: 2 }));
  });
});

describe('.env in the working directory', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = path.join(dir, 'with-env');
    fs.mkdirSync(cwd);
    fs.writeFileSync(path.join(cwd, '.env'), 'DATABASE_URL=postgres://fromfile@file.example.ts.net/filedb\nPGCONNECT_TIMEOUT=7\n# a comment\nCABINET_THING="quoted value"\n');
  });

  it('is read when the shell does not set the variable', () => {
    const env: NodeJS.ProcessEnv = {};
    const t = target(resolveIn(env, undefined, cwd));
    expect(t).toMatchObject({ source: 'DATABASE_URL', user: 'fromfile', database: 'filedb', connectTimeoutSeconds: 7 });
    expect(env.CABINET_THING).toBe('quoted value');
  });

  it('never overrides the real environment', () => {
    const env: NodeJS.ProcessEnv = { DATABASE_URL: 'postgres://fromshell@shell.example.ts.net/shelldb', PGCONNECT_TIMEOUT: '2' };
    const t = target(resolveIn(env, undefined, cwd));
    expect(t).toMatchObject({ user: 'fromshell', database: 'shelldb', connectTimeoutSeconds: 2 });
    expect(env.DATABASE_URL).toBe('postgres://fromshell@shell.example.ts.net/shelldb');
  });

  it("supplies no connection setting when the shell's environment names a database (libpq never reads it)", () => {
    const env: NodeJS.ProcessEnv = { PGHOST: '/run/shell', PGDATABASE: 'shelldb' };
    const r = resolveIn(env, undefined, cwd);
    expect(target(r)).toMatchObject({ source: 'libpq environment', host: '/run/shell', database: 'shelldb', connectTimeoutSeconds: 10 });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PGCONNECT_TIMEOUT).toBeUndefined();
    expect(env.CABINET_THING).toBe('quoted value');
    expect(r.dotEnv).toMatchObject({ used: false, names: ['DATABASE_URL', 'PGCONNECT_TIMEOUT'] });
  });

  it('does not beat --database-url', () => {
    expect(target(resolveIn({}, 'postgres://flag@flag.example.ts.net/flagdb', cwd)).database).toBe('flagdb');
  });

  it('is simply absent when there is no file', () => {
    const env: NodeJS.ProcessEnv = {};
    loadDotEnv(emptyCwd, env);
    expect(env).toEqual({});
  });
});

describe('~/.pgpass and PGPASSFILE', () => {
  function writePgpass(file: string, mode: number): void {
    fs.writeFileSync(
      file,
      ['# host:port:database:user:password', 'other.ts.net:5432:*:admin:wrong', 'db.example.ts.net:5432:cabinet:admin:s3cret\\:with-colon', '*:*:*:*:fallback', ''].join('\n'),
      { mode },
    );
    fs.chmodSync(file, mode);
  }

  const base = (): ConnectionTarget => ({ source: 'DATABASE_URL', host: 'db.example.ts.net', port: 5432, user: 'admin', database: 'cabinet', connectTimeoutSeconds: 10 });

  it('PGPASSFILE (mode 0600) supplies the password of the matching line', async () => {
    const file = path.join(dir, 'pgpass-600');
    writePgpass(file, 0o600);
    const t = base();
    await fillPasswordFromPgpass(t, { PGPASSFILE: file });
    expect(t.password).toBe('s3cret:with-colon');
    const other = { ...base(), host: 'elsewhere.ts.net' };
    await fillPasswordFromPgpass(other, { PGPASSFILE: file });
    expect(other.password).toBe('fallback');
  });

  it('~/.pgpass is used when PGPASSFILE is not set', async () => {
    const home = path.join(dir, 'home');
    fs.mkdirSync(home, { recursive: true });
    writePgpass(path.join(home, '.pgpass'), 0o600);
    const t = base();
    await fillPasswordFromPgpass(t, { HOME: home });
    expect(t.password).toBe('s3cret:with-colon');
  });

  it('a password given in the URL is kept', async () => {
    const file = path.join(dir, 'pgpass-600b');
    writePgpass(file, 0o600);
    const t = { ...base(), password: 'from-url' };
    await fillPasswordFromPgpass(t, { PGPASSFILE: file });
    expect(t.password).toBe('from-url');
  });

  it('a group- or world-readable file is ignored, as libpq does', async () => {
    const file = path.join(dir, 'pgpass-644');
    writePgpass(file, 0o644);
    const t = base();
    const warnings: string[] = [];
    await fillPasswordFromPgpass(t, { PGPASSFILE: file }, (line) => warnings.push(line));
    expect(t.password).toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/ignored: group or others can read it \(chmod 600 /)]);
    expect(warnings.join('')).not.toContain('s3cret');
  });
});

describe('describeTarget never shows the password', () => {
  it.each([
    ['postgres://admin:hunter2@db.example.ts.net:5433/cabinet', 'admin@db.example.ts.net:5433/cabinet'],
    ['postgres://admin:hunter2@[fd7a:115c:a1e0::1]/cabinet', 'admin@[fd7a:115c:a1e0::1]:5432/cabinet'],
    ['postgres://admin:hunter2@/cabinet?host=%2Frun%2Fpg', 'admin@socket /run/pg/cabinet'],
  ])('%s', (url, shown) => {
    const t = target(resolveIn({}, url));
    expect(t.password).toBe('hunter2');
    expect(describeTarget(t)).toBe(shown);
    expect(describeTarget(t)).not.toContain('hunter2');
  });

  it('from PGPASSWORD neither', () => {
    const t = target(resolveIn({ PGHOST: '100.64.0.9', PGPASSWORD: 'hunter2', PGUSER: 'u', PGDATABASE: 'd' }));
    expect(describeTarget(t)).toBe('u@100.64.0.9:5432/d');
  });

  it('the embedded server is named as such', () => {
    const t: ConnectionTarget = { source: 'embedded', host: '/x/run', port: 5432, user: 'cabinet', database: 'cabinet', connectTimeoutSeconds: 10, embeddedRoot: '/x' };
    expect(describeTarget(t)).toBe('embedded PostgreSQL (/x) db cabinet');
  });

  it('the header’s short form says each thing once: embedded · db, user@host/db, a port only when not 5432 (#17.4)', () => {
    const embedded: ConnectionTarget = { source: 'embedded', host: '/x/run', port: 5432, user: 'postgres', database: 'cabinet', connectTimeoutSeconds: 10, embeddedRoot: '/x' };
    expect(shortTarget(embedded)).toBe('embedded · cabinet');
    expect(shortTarget(target(resolveIn({ PGHOST: '100.64.0.9', PGUSER: 'u', PGDATABASE: 'd' })))).toBe('u@100.64.0.9/d');
    expect(shortTarget(target(resolveIn({ PGHOST: 'db.tail1.ts.net', PGPORT: '6432', PGUSER: 'u', PGDATABASE: 'd' })))).toBe('u@db.tail1.ts.net:6432/d');
    expect(shortTarget(target(resolveIn({ PGHOST: '/run/postgresql', PGUSER: 'u', PGDATABASE: 'd' })))).toBe('u@socket/d');
  });
});
