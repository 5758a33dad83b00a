import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv } from '../helpers/cli.ts';
import { connectsIn, privateNetworkAvailable, startPrivateNetwork, type Connect, type PrivateNetwork } from '../helpers/netns.ts';
import { ensureBuilt, startTmux, terminalEnv } from '../helpers/tmux.ts';

/**
 * The tailnet guard against hostile DNS and odd address spellings, through the real binary, inside a
 * private network namespace whose only DNS server answers a name's first question one way (SERVFAIL,
 * silence, or loopback) and every later question with 8.8.8.8 / 2001:4860:4860::8888. strace records
 * every connect(): the database connection must never go anywhere the guard did not approve, and a name
 * is asked about exactly once.
 */
let net: PrivateNetwork;
beforeAll(async () => {
  ensureBuilt();
  // Root only (unshare -n); as an unprivileged user these are skipped, not failed.
  if (privateNetworkAvailable) net = await startPrivateNetwork();
});
afterAll(() => net?.close());

const PUBLIC = ['8.8.8.8', '2001:4860:4860::8888', '::ffff:8.8.8.8'];
const toPublic = (connects: Connect[]) => connects.filter((c) => PUBLIC.includes(c.address));
/** Connections to the database port (the resolver's own connect() to 127.0.0.1:53 is not one). */
const toDatabase = (connects: Connect[]) => connects.filter((c) => c.port === 5432);
const url = (host: string) => `postgres://admin:hunter2@${host}:5432/cabinet`;
const envFor = (host: string) => cleanEnv({ DATABASE_URL: url(host) });

/** Each record type of `name` was asked about once; nothing asked again (the guard's lookup is the only one). */
function askedOnce(name: string): void {
  const asked = net.queries().filter((q) => q.startsWith(`${name} `));
  expect(asked.length).toBeGreaterThan(0);
  expect(asked.filter((q) => q.endsWith(' public'))).toEqual([]);
}

describe.skipIf(!privateNetworkAvailable)('a failed lookup refuses: no second DNS answer, ever', () => {
  // The commands cover the light read pool (sites list, migrate status) and the ORM's pool (migrate, doctor).
  const commands: [string, string[]][] = [
    ['sites list', ['sites', 'list']],
    ['migrate status', ['migrate', 'status']],
    ['migrate', ['migrate']],
    ['doctor', ['doctor']],
  ];

  it.each(commands)('SERVFAIL first, 8.8.8.8 next: %s refuses with one line and never connects to 8.8.8.8', async (label, args) => {
    const name = `servfail-${label.replace(/\W+/g, '-')}.tail1234.ts.net`;
    const r = await net.cabinet(args, envFor(name));
    const output = label === 'doctor' ? r.stdout : r.stderr;
    expect(output).toMatch(new RegExp(`cannot resolve ${name.replace(/\./g, '\\.')}: the DNS server failed or did not answer \\(EAI_AGAIN\\)`));
    if (label !== 'doctor') {
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^cabinet: refusing to connect: /);
    }
    expect(r.code).toBe(1);
    expect(toPublic(r.connects)).toEqual([]);
    expect(toDatabase(r.connects)).toEqual([]);
    askedOnce(name);
  });

  it('a lookup that times out refuses the same way, and the next answer (8.8.8.8) is never asked for', async () => {
    const name = 'timeout-sites.tail1234.ts.net';
    const r = await net.cabinet(['sites', 'list'], envFor(name));
    expect(r.stderr).toMatch(/^cabinet: refusing to connect: cannot resolve timeout-sites\.tail1234\.ts\.net: the DNS server failed or did not answer \(EAI_AGAIN\)/);
    expect(r.code).toBe(1);
    expect(toPublic(r.connects)).toEqual([]);
    expect(toDatabase(r.connects)).toEqual([]);
    askedOnce(name);
  });

  it('--allow-non-tailnet does not turn a failed lookup into a second one', async () => {
    const name = 'servfail-override.tail1234.ts.net';
    const r = await net.cabinet(['sites', 'list', '--allow-non-tailnet'], envFor(name));
    expect(r.stderr).toMatch(/refusing to connect: cannot resolve servfail-override/);
    expect(r.code).toBe(1);
    expect(toDatabase(r.connects)).toEqual([]);
    askedOnce(name);
  });

  it('a name answered with loopback first and 8.8.8.8 next: the connection goes to the first answer only (read pool and ORM)', async () => {
    for (const args of [['sites', 'list'], ['doctor']]) {
      const name = `rebind-${args[0]}.tail1234.ts.net`;
      const r = await net.cabinet(args, envFor(name));
      expect(r.code).toBe(1);
      expect(toPublic(r.connects)).toEqual([]);
      const database = toDatabase(r.connects);
      expect(database.length).toBeGreaterThan(0);
      expect(database.every((c) => c.address === '127.0.0.2')).toBe(true);
      expect(`${r.stdout}${r.stderr}`).toMatch(/refused|cannot connect/i);
      askedOnce(name);
    }
  });

  it('the console shows the refusal and never connects to 8.8.8.8', async () => {
    const name = 'servfail-console.tail1234.ts.net';
    const trace = net.traceFile();
    const { binCabinet } = await import('../helpers/cli.ts');
    const tmux = startTmux(net.enter(trace, [binCabinet]), { env: terminalEnv({ DATABASE_URL: url(name) }) });
    try {
      await tmux.waitFor(/cannot resolve servfail-console\.tail1234\.ts\.net/, 15_000);
      tmux.keys('q');
      await tmux.waitForExit();
    } finally {
      tmux.kill();
    }
    const connects = connectsIn(trace);
    expect(connects.length).toBeGreaterThan(0); // the resolver's question was traced
    expect(toPublic(connects)).toEqual([]);
    expect(toDatabase(connects)).toEqual([]);
    askedOnce(name);
  });
});

describe.skipIf(!privateNetworkAvailable)('every spelling of an address is judged as the address it reaches', () => {
  it.each([
    ['[::ffff:100.100.1.1]', '100.100.1.1'],
    ['[0:0:0:0:0:ffff:6464:101]', '100.100.1.1'],
    ['0144.0144.1.1', '100.100.1.1'],
    ['1684275457', '100.100.1.1'],
  ])('%s is the tailnet address %s: allowed, and the connection goes there and only there', async (host, address) => {
    const r = await net.cabinet(['sites', 'list'], envFor(host));
    expect(r.stderr).not.toMatch(/refusing/);
    expect(r.code).toBe(1); // nothing listens in the namespace: the connection itself fails
    const database = toDatabase(r.connects);
    expect(database.length).toBeGreaterThan(0);
    expect(database.every((c) => c.address === address || c.address === `::ffff:${address}`)).toBe(true);
    expect(net.queries().filter((q) => q.startsWith(host))).toEqual([]); // no DNS for an address
  });

  it.each([
    ['[::ffff:8.8.8.8]', /::ffff:8\.8\.8\.8 \(8\.8\.8\.8\) is not a Tailscale address/], // the host as written, as libpq keeps it
    ['[0:0:0:0:0:ffff:808:808]', /\(8\.8\.8\.8\) is not a Tailscale address/],
    ['134744072', /134744072 \(8\.8\.8\.8\) is not a Tailscale address/],
    ['010.010.010.010', /010\.010\.010\.010 \(8\.8\.8\.8\) is not a Tailscale address/],
    ['[64:ff9b::100.100.1.1]', /NAT64 address for 100\.100\.1\.1/],
  ])('%s is refused, naming the address it spells, and nothing connects', async (host, message) => {
    const r = await net.cabinet(['sites', 'list'], envFor(host));
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^cabinet: refusing to connect: .*--allow-non-tailnet/);
    expect(r.code).toBe(1);
    expect(toDatabase(r.connects)).toEqual([]);
    expect(r.connects).toEqual([]);
  });

  it('PGHOST spelled as a mapped public address is refused the same way', async () => {
    const r = await net.cabinet(['sites', 'list'], cleanEnv({ PGHOST: '0:0:0:0:0:FFFF:0808:0808', PGUSER: 'admin', PGDATABASE: 'cabinet' }));
    expect(r.stderr).toMatch(/\(8\.8\.8\.8\) is not a Tailscale address/);
    expect(r.code).toBe(1);
    expect(r.connects).toEqual([]);
  });
});
