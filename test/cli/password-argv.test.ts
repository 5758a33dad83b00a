import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { binCabinet } from '../helpers/cli.ts';
import { oneLine, scratchCli } from './support.ts';

/**
 * A password given with --database-url must not be readable from any process's arguments (`ps`,
 * /proc/PID/cmdline: every user on the host can read them) while cabinet runs. The server here is a
 * loopback stand-in that speaks just enough of the PostgreSQL protocol to ask for a cleartext password,
 * slowly, so cabinet is caught mid-connection, and to show which password actually arrived.
 */
const cli = scratchCli('argv');
afterAll(() => cli.cleanup());

interface SlowServer {
  port: number;
  /** Resolves with the password the client sent, once it has. */
  password: Promise<string>;
  /** Resolves when a client has connected (cabinet is running its driver). */
  connected: Promise<void>;
  close(): void;
}

function slowPasswordServer(delayMs: number): Promise<SlowServer> {
  let gotPassword!: (p: string) => void;
  let gotConnection!: () => void;
  const password = new Promise<string>((resolve) => (gotPassword = resolve));
  const connected = new Promise<void>((resolve) => (gotConnection = resolve));
  const server = net.createServer((socket) => {
    gotConnection();
    let buffered = Buffer.alloc(0);
    let started = false;
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (!started && buffered.length >= 8 && buffered.length >= buffered.readInt32BE(0)) {
        started = true;
        buffered = buffered.subarray(buffered.readInt32BE(0));
        // AuthenticationCleartextPassword, after a pause: the client waits with its arguments on show.
        setTimeout(() => socket.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3])), delayMs);
      }
      if (started && buffered.length >= 5 && buffered[0] === 0x70 && buffered.length >= 1 + buffered.readInt32BE(1)) {
        gotPassword(buffered.subarray(5, 1 + buffered.readInt32BE(1) - 1).toString('utf8'));
        const fields = Buffer.from('SFATAL\0C28P01\0Mpassword authentication failed for user "admin"\0\0');
        const error = Buffer.alloc(5);
        error[0] = 0x45;
        error.writeInt32BE(4 + fields.length, 1);
        socket.end(Buffer.concat([error, fields]));
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as net.AddressInfo).port, password, connected, close: () => server.close() })),
  );
}

interface Sighting {
  pid: number;
  cmdline: string;
}

/** Reads every process's arguments, over and over, until `done`; returns each sighting of any of `secrets`. */
async function watchAllArguments(secrets: string[], done: Promise<unknown>): Promise<{ sightings: Sighting[]; sweeps: number }> {
  const sightings: Sighting[] = [];
  let finished = false;
  void done.finally(() => (finished = true));
  let sweeps = 0;
  while (!finished) {
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let cmdline: string;
      try {
        cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'latin1');
      } catch {
        continue; // ended meanwhile
      }
      if (secrets.some((secret) => cmdline.includes(secret))) sightings.push({ pid: Number(entry), cmdline: cmdline.replaceAll('\0', ' ') });
    }
    sweeps++;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return { sightings, sweeps };
}

describe('a password in --database-url stays out of every process argument list', () => {
  it.each([
    ['--database-url URL', (url: string) => ['sites', 'list', '--database-url', url]],
    ['--database-url=URL', (url: string) => ['--database-url=' + url, 'migrate', 'status']],
  ])('%s: no process shows it while cabinet connects, and the server still gets it', async (_form, argsFor) => {
    const server = await slowPasswordServer(1500);
    // Characters a URL must encode, to show the value arrives intact through the environment.
    const secret = `Pw-${crypto.randomBytes(6).toString('hex')}:@/ %&`;
    const url = `postgres://admin:${encodeURIComponent(secret)}@127.0.0.1:${server.port}/cabinet?connect_timeout=5`;
    const child = spawn(binCabinet, argsFor(url), { env: cli.env(), cwd: cli.scratch, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // What ps shows for cabinet itself while it waits for the server (node, after the launcher's exec).
    const whileConnected = server.connected.then(() => ({
      exe: fs.readlinkSync(`/proc/${child.pid}/exe`),
      cmdline: fs.readFileSync(`/proc/${child.pid}/cmdline`, 'latin1').replaceAll('\0', ' '),
    }));
    const encoded = encodeURIComponent(secret);
    const watched = await watchAllArguments([secret, encoded], exited);
    const code = await exited;
    server.close();

    expect(await server.password).toBe(secret);
    expect(code).toBe(1);
    expect(oneLine(stderr)).toMatch(/password authentication failed/);
    expect(oneLine(stderr)).not.toContain(encoded);
    const shown = await whileConnected;
    expect(shown.exe).toMatch(/\/node$/);
    expect(shown.cmdline).not.toContain('--database-url');
    expect(shown.cmdline).not.toContain(encoded);
    expect(watched.sweeps).toBeGreaterThan(20); // the watch covered the whole run (~1.5 s)
    // The only process that may ever hold it is the launcher itself, in the instant between the kernel
    // starting it with the typed arguments and its first exec; node never does.
    const beyondLauncher = watched.sightings.filter((s) => !(s.pid === child.pid && s.cmdline.startsWith(`/bin/sh ${binCabinet} `)));
    expect(beyondLauncher).toEqual([]);
  });

  it('--database-url twice is a usage error from the launcher, as from the CLI', async () => {
    const r = await cli.run(['sites', 'list', '--database-url', 'postgres://a@127.0.0.1/x', '--database-url=postgres://b@127.0.0.1/y']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe('cabinet: option --database-url can only be set once (see cabinet --help)');
  });

  it('a URL from the launcher is used as --database-url is: an empty one, a bad one, its place among the options', async () => {
    expect(oneLine((await cli.run(['sites', 'list', '--database-url', ''])).stderr)).toMatch(/--database-url is empty/);
    const bad = await cli.run(['--database-url', 'mysql://x', 'sites', 'list']);
    expect(bad.code).toBe(2);
    expect(oneLine(bad.stderr)).toMatch(/--database-url is not a PostgreSQL URL/);
    const missing = await cli.run(['sites', 'list', '--database-url']);
    expect(missing.code).toBe(2);
    // After `--` an argument is not an option, and the launcher leaves it alone: DATABASE_URL is used.
    const after = await cli.run(['sites', 'show', '--', '--database-url'], { url: 'postgres://a@127.0.0.1:1/x' });
    expect(after.code).toBe(1);
    expect(oneLine(after.stderr)).toMatch(/127\.0\.0\.1:1/);
  });

  it('--help names PGPASSWORD and ~/.pgpass as the safe ways to give a password', async () => {
    const r = await cli.run(['--help']);
    expect(r.stdout).toMatch(/A password\s+is safest in PGPASSWORD or ~\/\.pgpass/);
  });
});
