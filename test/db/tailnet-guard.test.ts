import { describe, expect, it } from 'vitest';
import { CabinetError } from '../../src/lib/errors.ts';
import { decideTarget, guardTarget, type Resolver } from '../../src/db/tailnet-guard.ts';

/** A resolver from a table: no packet leaves the machine; an unknown name fails like a DNS miss. */
function fakeDns(table: Record<string, string[]>): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const resolver = (async (host: string) => {
    asked.push(host);
    const found = table[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found;
  }) as Resolver & { asked: string[] };
  resolver.asked = asked;
  return resolver;
}

const noDns: Resolver = async (host) => {
  throw new Error(`the guard must not resolve ${host}`);
};

describe('tailnet guard: literal targets', () => {
  it.each([
    ['/var/run/postgresql', 'socket'],
    ['/work/main/.tmp/pg/run', 'socket'],
    ['127.0.0.1', 'loopback'],
    ['127.1.2.3', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['100.64.0.1', 'tailnet'],
    ['100.127.255.254', 'tailnet'],
    ['fd7a:115c:a1e0::1', 'tailnet'],
    ['fd7a:115c:a1e0:ab12:4843:cd96:6258:b240', 'tailnet'],
    ['::ffff:100.100.1.1', 'tailnet'],
  ])('allows %s (%s) without a DNS lookup', async (host, kind) => {
    const d = await decideTarget(host, noDns);
    expect(d).toMatchObject({ allowed: true, kind, host });
  });

  it.each([
    // IPv4-mapped IPv6, as written and as the URL parser canonicalises it
    ['::ffff:100.100.1.1', '100.100.1.1', 'tailnet'],
    ['[::ffff:6464:101]', '100.100.1.1', 'tailnet'],
    ['::FFFF:6464:0101', '100.100.1.1', 'tailnet'],
    ['0:0:0:0:0:ffff:6464:101', '100.100.1.1', 'tailnet'],
    ['::ffff:7f00:1', '127.0.0.1', 'loopback'],
    // inet_aton spellings getaddrinfo accepts without DNS
    ['1681915905', '100.64.0.1', 'tailnet'],
    ['0144.0144.1.1', '100.100.1.1', 'tailnet'],
    ['0x64.0x64.1.1', '100.100.1.1', 'tailnet'],
    ['100.100.257', '100.100.1.1', 'tailnet'],
    ['2130706433', '127.0.0.1', 'loopback'],
    // IPv6 in another spelling
    ['FD7A:115C:A1E0:0:0:0:0:1', 'fd7a:115c:a1e0::1', 'tailnet'],
  ])('%s is the address %s (%s): judged and pinned as that one spelling', async (host, address, kind) => {
    const d = await decideTarget(host, noDns);
    expect(d).toMatchObject({ allowed: true, kind, host, addresses: [address] });
  });

  it.each([
    ['::ffff:8.8.8.8', '8.8.8.8'],
    ['[::ffff:808:808]', '8.8.8.8'],
    ['0:0:0:0:0:ffff:808:808', '8.8.8.8'],
    ['134744072', '8.8.8.8'],
    ['010.010.010.010', '8.8.8.8'],
    ['0x8.0x8.0x8.0x8', '8.8.8.8'],
    ['::6464:101', '::6464:101'], // IPv4-compatible (deprecated): an IPv6 address, not 100.100.1.1
    ['::ffff:0:6464:101', '::ffff:0:6464:101'], // SIIT, not mapped
  ])('refuses %s (%s) and names the address it spells', async (host, address) => {
    const d = await decideTarget(host, noDns);
    expect(d).toMatchObject({ allowed: false, kind: 'other', addresses: [address] });
    expect(d.reason).toContain(address);
    expect(d.reason).toMatch(/not a Tailscale address/);
  });

  it.each(['64:ff9b::6464:101', '[64:ff9b::100.100.1.1]', '64:ff9b:1::6464:101'])(
    'refuses the NAT64 form %s of a tailnet address: it leaves through a NAT64 gateway',
    async (host) => {
      const d = await decideTarget(host, noDns);
      expect(d).toMatchObject({ allowed: false, kind: 'other' });
      expect(d.reason).toMatch(/NAT64 address for 100\.100\.1\.1/);
    },
  );

  it('a name made of hex letters is still a name', async () => {
    const d = await decideTarget('dead.beef', fakeDns({ 'dead.beef': ['100.64.9.9'] }));
    expect(d).toMatchObject({ allowed: true, kind: 'tailnet', addresses: ['100.64.9.9'] });
  });

  it.each([
    '100.128.0.1', // just past 100.64.0.0/10
    '100.63.255.255', // just before it
    '10.0.0.5',
    '192.168.1.1',
    '172.16.0.1',
    '8.8.8.8',
    'fd00::1',
    'fd7a:115c:a1e1::1', // next /48 after Tailscale's
    '2001:4860:4860::8888',
    '::ffff:8.8.8.8',
  ])('refuses %s, saying it is not a Tailscale address', async (host) => {
    const d = await decideTarget(host, noDns);
    expect(d.allowed).toBe(false);
    expect(d.kind).toBe('other');
    expect(d.reason).toContain(host);
    expect(d.reason).toMatch(/not a Tailscale address/);
  });
});

describe('tailnet guard: names (fake resolver)', () => {
  it('allows a *.ts.net name that resolves to a tailnet address', async () => {
    const dns = fakeDns({ 'db.tail1234.ts.net': ['100.101.102.103', 'fd7a:115c:a1e0::42'] });
    const d = await decideTarget('db.tail1234.ts.net', dns);
    expect(d).toMatchObject({ allowed: true, kind: 'magicdns', addresses: ['100.101.102.103', 'fd7a:115c:a1e0::42'] });
    expect(dns.asked).toEqual(['db.tail1234.ts.net']);
  });

  it('refuses a *.ts.net name that resolves to a public address (a Funnel name is public)', async () => {
    const d = await decideTarget('db.tail1234.ts.net', fakeDns({ 'db.tail1234.ts.net': ['203.0.113.7'] }));
    expect(d.allowed).toBe(false);
    expect(d.reason).toMatch(/203\.0\.113\.7/);
    expect(d.reason).toMatch(/Funnel/);
  });

  it('refuses a *.ts.net name whose lookup fails: it is never looked up a second time', async () => {
    const dns = fakeDns({});
    const d = await decideTarget('db.tail1234.ts.net', dns);
    expect(d).toMatchObject({ allowed: false, kind: 'unresolved', addresses: [] });
    expect(d.reason).toMatch(/cannot resolve db\.tail1234\.ts\.net: no such name \(ENOTFOUND\)/);
    expect(dns.asked).toEqual(['db.tail1234.ts.net']);
  });

  it('says a SERVFAIL or timeout is the DNS server failing (EAI_AGAIN)', async () => {
    const failing: Resolver = async () => {
      throw Object.assign(new Error('getaddrinfo EAI_AGAIN db.tail1234.ts.net'), { code: 'EAI_AGAIN' });
    };
    const d = await decideTarget('db.tail1234.ts.net', failing);
    expect(d).toMatchObject({ allowed: false, kind: 'unresolved' });
    expect(d.reason).toMatch(/the DNS server failed or did not answer \(EAI_AGAIN\)/);
  });

  it('keeps answers in one spelling: a mapped AAAA answer is its IPv4 address', async () => {
    const d = await decideTarget('db.tail1234.ts.net', fakeDns({ 'db.tail1234.ts.net': ['::ffff:6464:101', '100.100.1.1'] }));
    expect(d).toMatchObject({ allowed: true, kind: 'magicdns', addresses: ['100.100.1.1'] });
  });

  it('treats a trailing dot and upper case the same', async () => {
    const dns = fakeDns({ 'db.tail1234.ts.net': ['100.70.0.1'] });
    expect(await decideTarget('DB.Tail1234.TS.NET.', dns)).toMatchObject({ allowed: true, kind: 'magicdns' });
  });

  it('allows a plain name that resolves only to tailnet addresses', async () => {
    const d = await decideTarget('db', fakeDns({ db: ['100.90.1.2', 'fd7a:115c:a1e0::9'] }));
    expect(d).toMatchObject({ allowed: true, kind: 'tailnet' });
  });

  it('refuses a name that resolves to tailnet and public addresses alike', async () => {
    const d = await decideTarget('db.example.com', fakeDns({ 'db.example.com': ['100.90.1.2', '198.51.100.20'] }));
    expect(d.allowed).toBe(false);
    expect(d.reason).toMatch(/198\.51\.100\.20/);
    expect(d.reason).not.toMatch(/100\.90\.1\.2/);
  });

  it('refuses a plain name that resolves to a private LAN address', async () => {
    const d = await decideTarget('nas.lan', fakeDns({ 'nas.lan': ['192.168.1.10'] }));
    expect(d.allowed).toBe(false);
  });

  it('refuses a plain name it cannot resolve (it cannot check it)', async () => {
    const d = await decideTarget('db.example.com', fakeDns({}));
    expect(d.allowed).toBe(false);
    expect(d.reason).toMatch(/cannot resolve/);
  });

  it('refuses a name that resolves to nothing at all', async () => {
    const d = await decideTarget('empty.tail1234.ts.net', fakeDns({ 'empty.tail1234.ts.net': [] }));
    expect(d).toMatchObject({ allowed: false, kind: 'unresolved' });
    expect(d.reason).toMatch(/answered no address/);
  });

  it('allows localhost (resolving to loopback)', async () => {
    const d = await decideTarget('localhost', fakeDns({ localhost: ['::1', '127.0.0.1'] }));
    expect(d).toMatchObject({ allowed: true, kind: 'loopback' });
  });
});

describe('guardTarget', () => {
  it('throws one line that says why and names --allow-non-tailnet', async () => {
    const error = await guardTarget('8.8.8.8', false, noDns).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CabinetError);
    const e = error as CabinetError;
    expect(e.code).toBe('not-tailnet');
    expect(e.exitCode).toBe(1);
    expect(e.line).toMatch(/8\.8\.8\.8/);
    expect(e.line).toMatch(/--allow-non-tailnet/);
    expect(e.line).not.toMatch(/\n/);
  });

  it('with allowNonTailnet returns the refused decision instead of throwing', async () => {
    const d = await guardTarget('10.0.0.5', true, noDns);
    expect(d).toMatchObject({ allowed: false, kind: 'other', host: '10.0.0.5', addresses: ['10.0.0.5'] });
  });

  it('refuses a name that did not resolve even with allowNonTailnet: there is nowhere to connect', async () => {
    for (const allow of [false, true]) {
      const e = (await guardTarget('db.tail1234.ts.net', allow, fakeDns({})).catch((x: unknown) => x)) as CabinetError;
      expect(e).toBeInstanceOf(CabinetError);
      expect(e.code).toBe('unresolved');
      expect(e.line).toMatch(/^refusing to connect: cannot resolve db\.tail1234\.ts\.net: .*tailscale status/);
      expect(e.line).not.toMatch(/--allow-non-tailnet|\n/);
    }
  });

  it('lets allowed targets through either way', async () => {
    expect(await guardTarget('100.64.0.1', false, noDns)).toMatchObject({ allowed: true, kind: 'tailnet' });
    expect(await guardTarget('/tmp/sock', false, noDns)).toMatchObject({ allowed: true, kind: 'socket' });
  });
});
