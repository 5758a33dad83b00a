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

  it('allows a *.ts.net name that does not resolve here (MagicDNS answers only on the tailnet)', async () => {
    const d = await decideTarget('db.tail1234.ts.net', fakeDns({}));
    expect(d).toMatchObject({ allowed: true, kind: 'magicdns', addresses: [] });
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
    const d = await decideTarget('empty.example.com', fakeDns({ 'empty.example.com': [] }));
    expect(d.allowed).toBe(false);
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
    expect(d).toMatchObject({ allowed: false, kind: 'other', host: '10.0.0.5' });
  });

  it('lets allowed targets through either way', async () => {
    expect(await guardTarget('100.64.0.1', false, noDns)).toMatchObject({ allowed: true, kind: 'tailnet' });
    expect(await guardTarget('/tmp/sock', false, noDns)).toMatchObject({ allowed: true, kind: 'socket' });
  });
});
