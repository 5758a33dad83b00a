import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureEmbeddedServer, stopEmbeddedServer, type EmbeddedServer } from '../../src/db/embedded.ts';
import { cleanEnv, runCabinet } from '../helpers/cli.ts';
import { cluster, createMigratedDatabase, type TestDatabase } from '../helpers/db.ts';
import { privateNetworkAvailable, startPrivateNetwork, type PrivateNetwork } from '../helpers/netns.ts';
import { ensureBuilt } from '../helpers/tmux.ts';

/**
 * libpq's multi-host URLs, target_session_attrs and sslmode through the real binary, against two real
 * servers on this machine: the suite's cluster (read-write, no TLS) and a second one started here that is
 * read-only (default_transaction_read_only, as a hot standby answers) and speaks TLS with a certificate
 * made for another name by a private CA.
 */
let db: TestDatabase & { close(): Promise<void> };
let second: EmbeddedServer;
let scratch: string;
let pgpass: string;
let ca: string;
const rw = () => cluster().tcpPort;
const ro = () => second.tcpPort!;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A CA and a server certificate for "db.elsewhere.example" (not 127.0.0.1) signed by it. */
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=cabinet test CA', '-keyout', 'ca.key', '-out', 'ca.crt');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=db.elsewhere.example', '-keyout', 'server.key', '-out', 'server.csr');
  fs.writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=DNS:db.elsewhere.example\n');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'san.ext', '-out', 'server.crt');
  return { ca: path.join(dir, 'ca.crt'), cert: path.join(dir, 'server.crt'), key: path.join(dir, 'server.key') };
}

beforeAll(async () => {
  ensureBuilt();
  db = await createMigratedDatabase('hosts');
  await db.query(`insert into sites (site_id, domain, brand_name, language, ai_prompt) values ('on-primary', 'p.example', 'P', 'en', 'p')`);

  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cabinet-hosts-'));
  fs.chmodSync(scratch, 0o755);
  second = await ensureEmbeddedServer({ root: path.join(scratch, 'second'), tcpPort: await freePort() });
  const owner = fs.statSync(second.dataDir);
  const certs = makeCertificates(scratch);
  ca = certs.ca;
  for (const [from, name] of [[certs.cert, 'server.crt'], [certs.key, 'server.key']] as const) {
    const to = path.join(second.dataDir, name);
    fs.copyFileSync(from, to);
    fs.chownSync(to, owner.uid, owner.gid);
    fs.chmodSync(to, 0o600);
  }
  const admin = new pg.Client({ host: second.socketDir, port: second.port, user: second.user, database: 'postgres' });
  await admin.connect();
  await admin.query(`create database ${admin.escapeIdentifier(db.name)}`);
  await admin.query(`alter system set ssl = on`);
  await admin.query(`select pg_reload_conf()`);
  await admin.end();
  const migrate = await runCabinet(['migrate'], { env: cleanEnv({ DATABASE_URL: `postgres://${second.user}@/${db.name}?host=${encodeURIComponent(second.socketDir)}&port=${second.port}` }) });
  expect(migrate.code, migrate.stderr).toBe(0);
  const onSecond = new pg.Client({ host: second.socketDir, port: second.port, user: second.user, database: db.name });
  await onSecond.connect();
  await onSecond.query(`insert into sites (site_id, domain, brand_name, language, ai_prompt) values ('on-standby', 's.example', 'S', 'en', 's')`);
  await onSecond.query(`alter system set default_transaction_read_only = on`);
  await onSecond.query(`select pg_reload_conf()`);
  await onSecond.end();

  // One password file, one line per server, as an admin of an HA pair has it.
  pgpass = path.join(scratch, 'pgpass');
  fs.writeFileSync(pgpass, `127.0.0.1:${rw()}:*:*:${cluster().password}\n127.0.0.1:${ro()}:*:*:${second.password}\n`, { mode: 0o600 });
});

afterAll(async () => {
  await db?.close();
  if (second) await stopEmbeddedServer(second.root).catch(() => {});
  fs.rmSync(scratch, { recursive: true, force: true });
});

const list = (url: string, extra: Record<string, string> = {}) =>
  runCabinet(['sites', 'list', '--json'], { env: cleanEnv({ DATABASE_URL: url, PGPASSFILE: pgpass, HOME: scratch, ...extra }) });
const siteIds = (stdout: string) => (JSON.parse(stdout) as Record<string, string>[]).map((s) => s.site_id ?? s.siteId);
const hostsUrl = (query: string, first = ro(), then = rw()) => `postgres://${cluster().user}@127.0.0.1:${first},127.0.0.1:${then}/${db.name}${query}`;

describe('a host list with target_session_attrs, as libpq tries it', () => {
  it('read-write skips the read-only server and lands on the one that accepts writes', async () => {
    const r = await list(hostsUrl('?target_session_attrs=read-write'));
    expect(r.code, r.stderr).toBe(0);
    expect(siteIds(r.stdout)).toEqual(['on-primary']);
  });

  it('read-only and the default (any) take the first that fits: the read-only server', async () => {
    for (const query of ['?target_session_attrs=read-only', '', '?target_session_attrs=any']) {
      const r = await list(hostsUrl(query));
      expect(r.code, r.stderr).toBe(0);
      expect(siteIds(r.stdout)).toEqual(['on-standby']);
    }
    const reversed = await list(hostsUrl('?target_session_attrs=read-only', rw(), ro()));
    expect(siteIds(reversed.stdout)).toEqual(['on-standby']);
  });

  it('a host that refuses the connection is passed over', async () => {
    const closed = await freePort();
    const r = await list(`postgres://${cluster().user}@127.0.0.1:${closed},127.0.0.1:${rw()}/${db.name}`);
    expect(r.code, r.stderr).toBe(0);
    expect(siteIds(r.stdout)).toEqual(['on-primary']);
  });

  it('no host fits: one line naming each host and why, exit 1', async () => {
    const r = await list(hostsUrl('?target_session_attrs=standby'));
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^cabinet: no host of .* is a standby \\(target_session_attrs=standby\\): 127\\.0\\.0\\.1:${ro()} \\(read-only\\); 127\\.0\\.0\\.1:${rw()} \\(a primary`));
  });

  it('prefer-standby falls back to the first that answers when none is a standby', async () => {
    const r = await list(hostsUrl('?target_session_attrs=prefer-standby', rw(), ro()));
    expect(r.code, r.stderr).toBe(0);
    expect(siteIds(r.stdout)).toEqual(['on-primary']);
  });

  it('writes go to the host chosen for them', async () => {
    const r = await runCabinet(['sites', 'set', 'on-primary', '--brand-name', 'Written'], {
      env: cleanEnv({ DATABASE_URL: hostsUrl('?target_session_attrs=read-write'), PGPASSFILE: pgpass, HOME: scratch }),
    });
    expect(r.code, r.stderr).toBe(0);
    expect((await db.query(`select brand_name from sites where site_id = 'on-primary'`)).rows[0]!.brand_name).toBe('Written');
  });
});

describe.skipIf(!privateNetworkAvailable)('each host of the list goes through the tailnet guard', () => {
  let privateNet: PrivateNetwork;
  beforeAll(async () => {
    privateNet = await startPrivateNetwork();
  });
  afterAll(() => privateNet?.close());

  it('a public address in the list is never connected to; the next host (a Unix socket) is used', async () => {
    const c = cluster();
    const url = `postgres://${c.user}@/${db.name}?host=8.8.8.8,${encodeURIComponent(c.socket)}&port=5432,${c.port}`;
    const r = await privateNet.cabinet(['sites', 'list', '--json'], cleanEnv({ DATABASE_URL: url }));
    expect(r.code, r.stderr).toBe(0);
    expect(siteIds(r.stdout)).toEqual(['on-primary']);
    expect(r.connects.filter((x) => x.address === '8.8.8.8')).toEqual([]);
  });

  it('with only refused hosts: the guard reasons, nothing connected', async () => {
    const url = `postgres://u@8.8.8.8:5432,[::ffff:8.8.4.4]:5432/${db.name}`;
    const r = await privateNet.cabinet(['sites', 'list'], cleanEnv({ DATABASE_URL: url }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no host of .* accepts a connection: 8\.8\.8\.8:5432 \(refusing to connect: 8\.8\.8\.8 is not a Tailscale address/);
    expect(r.connects.filter((x) => x.port === 5432)).toEqual([]);
  });
});

describe("sslmode with libpq's meaning, and no warning from the driver", () => {
  const tls = (mode: string, extra = '') => `postgres://${cluster().user}@127.0.0.1:${ro()}/${db.name}?sslmode=${mode}${extra}`;

  it('require: encrypted, the certificate not checked (it names another host and no root certificate is given)', async () => {
    const r = await runCabinet(['doctor'], { env: cleanEnv({ DATABASE_URL: tls('require'), PGPASSFILE: pgpass, HOME: scratch }) });
    expect(r.stdout).toMatch(/^✓ ssl\s+ssl = on; this connection: TLS/m);
    expect(r.stderr).not.toMatch(/SECURITY WARNING|verify-full/);
  });

  it('verify-ca: the chain is checked against sslrootcert, the name is not', async () => {
    const r = await list(tls('verify-ca', `&sslrootcert=${encodeURIComponent(ca)}`));
    expect(r.code, r.stderr).toBe(0);
    expect(siteIds(r.stdout)).toEqual(['on-standby']);
    expect(r.stderr).toBe('');
  });

  it('verify-full: the name is checked too, and 127.0.0.1 is not the certificate\'s name', async () => {
    const r = await list(tls('verify-full', `&sslrootcert=${encodeURIComponent(ca)}`));
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^cabinet: the server's certificate does not name 127\.0\.0\.1 \(sslmode=verify-full checks the name\)/);
  });

  it('verify-ca without a root certificate: libpq\'s refusal, before any connection', async () => {
    const r = await list(tls('verify-ca'));
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      `cabinet: root certificate file "${path.join(scratch, '.postgresql', 'root.crt')}" does not exist; sslmode=verify-ca needs it to check the server's certificate (provide the file (sslrootcert=PATH), use the system roots with sslrootcert=system, or use sslmode=require)`,
    );
  });

  it('require with ~/.postgresql/root.crt present checks the chain (libpq: like verify-ca)', async () => {
    const home = fs.mkdtempSync(path.join(scratch, 'home-'));
    fs.mkdirSync(path.join(home, '.postgresql'));
    // A root that did not sign the server's certificate: the chain check must fail.
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=other CA', '-keyout', path.join(home, 'other.key'), '-out', path.join(home, '.postgresql', 'root.crt')], { stdio: 'pipe' });
    const r = await list(tls('require'), { HOME: home });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^cabinet: the server's certificate on .* is not signed by the root certificate \(sslmode=require\)/);
  });

  it('require against a server without TLS says so in one line', async () => {
    const r = await list(`postgres://${cluster().user}@127.0.0.1:${rw()}/${db.name}?sslmode=require`);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^cabinet: the server at .* does not support SSL, but sslmode=require asks for it/);
  });
});
