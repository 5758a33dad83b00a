import dns from 'node:dns/promises';
import net from 'node:net';
import { CabinetError } from '../lib/errors.ts';

/**
 * Spec §2: the master database is reached only over the private Tailscale network. Before any connection
 * the target is classified; anything that is not a Unix socket, loopback, or on the tailnet is refused.
 * A host name is looked up exactly once, here, and the connection goes only to the addresses that lookup
 * answered (see pinned-socket.ts): a lookup that fails is a refusal, never a reason to ask again later.
 */
export type TargetKind = 'socket' | 'loopback' | 'tailnet' | 'magicdns' | 'other' | 'unresolved';

export interface GuardDecision {
  allowed: boolean;
  kind: TargetKind;
  host: string;
  /**
   * Where a TCP connection may go: the IP literal in its canonical spelling, or what the one lookup of a
   * host name answered. Empty for sockets and for a name that did not resolve.
   */
  addresses: string[];
  /** One line: why it was allowed or refused. */
  reason: string;
}

export type Resolver = (host: string) => Promise<string[]>;

export const systemResolver: Resolver = async (host) => (await dns.lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * The address ranges, built on first use: a BlockList is a native object, which the console's startup snapshot
 * (scripts/snapshot-build.ts) cannot hold, and this module is in it.
 */
let ranges: { TAILNET_V4: net.BlockList; TAILNET_V6: net.BlockList; LOOPBACK: net.BlockList; NAT64: net.BlockList } | undefined;
function blockLists(): NonNullable<typeof ranges> {
  if (ranges) return ranges;
  const TAILNET_V4 = new net.BlockList();
  TAILNET_V4.addSubnet('100.64.0.0', 10, 'ipv4');
  const TAILNET_V6 = new net.BlockList();
  TAILNET_V6.addSubnet('fd7a:115c:a1e0::', 48, 'ipv6');
  const LOOPBACK = new net.BlockList();
  LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
  LOOPBACK.addAddress('::1', 'ipv6');
  /** NAT64 (RFC 6052 well-known and RFC 8215 local-use prefixes): traffic leaves through a gateway, not Tailscale. */
  const NAT64 = new net.BlockList();
  NAT64.addSubnet('64:ff9b::', 96, 'ipv6');
  NAT64.addSubnet('64:ff9b:1::', 48, 'ipv6');
  return (ranges = { TAILNET_V4, TAILNET_V6, LOOPBACK, NAT64 });
}

export interface IpLiteral {
  /** The one spelling cabinet judges and connects to: dotted IPv4, or compressed lower-case IPv6. */
  address: string;
  family: 'ipv4' | 'ipv6';
}

const hexPairToIpv4 = (hi: string, lo: string) => {
  const a = Number.parseInt(hi, 16);
  const b = Number.parseInt(lo, 16);
  return `${a >> 8}.${a & 255}.${b >> 8}.${b & 255}`;
};

/**
 * The address an IP literal reaches, in one spelling, or undefined for a host name. Every spelling of the
 * same address comes out the same: IPv4-mapped IPv6 in any form (`::ffff:100.100.1.1`, `::ffff:6464:101`,
 * `0:0:0:0:0:ffff:6464:101`) is the IPv4 address, and the inet_aton forms that getaddrinfo would accept
 * without asking DNS (`1681915905`, `0144.0144.1.1`, `0x64.0x64.1.1`, `100.100.257`) are read by the WHATWG
 * IPv4 parser, which follows the same rules.
 */
export function ipLiteral(raw: string): IpLiteral | undefined {
  const bare = raw.replace(/^\[|\]$/g, '');
  const [ip = '', zone] = bare.split('%', 2);
  if (net.isIPv4(ip)) return { address: ip, family: 'ipv4' };
  if (net.isIPv6(ip)) {
    const compressed = new URL(`http://[${ip}]`).hostname.slice(1, -1);
    const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(compressed);
    if (mapped) return { address: hexPairToIpv4(mapped[1]!, mapped[2]!), family: 'ipv4' };
    return { address: zone === undefined ? compressed : `${compressed}%${zone}`, family: 'ipv6' };
  }
  if (/^[0-9a-fx.]+$/i.test(bare) && /[0-9]/.test(bare)) {
    try {
      const host = new URL(`http://${bare}`).hostname;
      if (net.isIPv4(host)) return { address: host, family: 'ipv4' };
    } catch {
      // Not an IPv4 number (e.g. 08.1.1.1 or one too large): a name, for the resolver.
    }
  }
  return undefined;
}

export function classifyAddress(raw: string): 'loopback' | 'tailnet' | 'other' {
  const literal = ipLiteral(raw);
  if (!literal) return 'other';
  const address = literal.address.replace(/%.*$/, '');
  const { LOOPBACK, TAILNET_V4, TAILNET_V6 } = blockLists();
  if (LOOPBACK.check(address, literal.family)) return 'loopback';
  if (literal.family === 'ipv4' ? TAILNET_V4.check(address, 'ipv4') : TAILNET_V6.check(address, 'ipv6')) return 'tailnet';
  return 'other';
}

/** `0144.0144.1.1 (100.100.1.1)`: the host as written and, when it differs, the address it spells. */
function spelled(host: string, literal: IpLiteral): string {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === literal.address ? host : `${host} (${literal.address})`;
}

function refusedLiteral(host: string, literal: IpLiteral): string {
  const base = `${spelled(host, literal)} is not a Tailscale address (100.64.0.0/10, fd7a:115c:a1e0::/48) or loopback`;
  if (literal.family === 'ipv6' && blockLists().NAT64.check(literal.address.replace(/%.*$/, ''), 'ipv6')) {
    const [, hi, lo] = /:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(literal.address) ?? [];
    const v4 = hi && lo ? ` for ${hexPairToIpv4(hi, lo)}` : '';
    return `${base}: it is a NAT64 address${v4}, reached through a NAT64 gateway, not over Tailscale`;
  }
  return base;
}

/** Why a lookup failed, in words, with the resolver's code. */
function lookupFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EAI_AGAIN':
      return 'the DNS server failed or did not answer (EAI_AGAIN)';
    case 'ENOTFOUND':
      return 'no such name (ENOTFOUND)';
    case 'ENODATA':
      return 'the name has no address (ENODATA)';
    default:
      return code ?? (error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
}

const OVERRIDE = 'pass --allow-non-tailnet to connect anyway';

export async function decideTarget(host: string, resolve: Resolver = systemResolver): Promise<GuardDecision> {
  if (host.startsWith('/') || host.startsWith('@')) {
    return { allowed: true, kind: 'socket', host, addresses: [], reason: 'Unix socket on this machine' };
  }
  const literal = ipLiteral(host);
  if (literal) {
    const kind = classifyAddress(literal.address);
    const addresses = [literal.address];
    if (kind === 'other') return { allowed: false, kind, host, addresses, reason: refusedLiteral(host, literal) };
    return { allowed: true, kind, host, addresses, reason: kind === 'loopback' ? 'loopback address' : 'Tailscale address' };
  }
  const name = host.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  const isMagicDns = name.endsWith('.ts.net');
  const unresolved = (why: string): GuardDecision => ({
    allowed: false,
    kind: 'unresolved',
    host,
    addresses: [],
    reason: `cannot resolve ${host}: ${why}; a name is looked up once and a failed lookup is not retried`,
  });
  let answered: string[];
  try {
    answered = await resolve(name);
  } catch (error) {
    return unresolved(lookupFailure(error));
  }
  // The resolver's answers in cabinet's one spelling (an AAAA record may hold an IPv4-mapped address).
  const addresses = [...new Set(answered.map((a) => ipLiteral(a)?.address ?? a))];
  if (addresses.length === 0) return unresolved('the lookup answered no address');
  const kinds = addresses.map(classifyAddress);
  if (kinds.every((k) => k === 'loopback')) {
    return { allowed: true, kind: 'loopback', host, addresses, reason: `${host} resolves to loopback` };
  }
  if (kinds.every((k) => k !== 'other')) {
    return { allowed: true, kind: isMagicDns ? 'magicdns' : 'tailnet', host, addresses, reason: `${host} resolves only to Tailscale addresses` };
  }
  const outside = addresses.filter((_, i) => kinds[i] === 'other');
  return {
    allowed: false,
    kind: 'other',
    host,
    addresses,
    reason: isMagicDns
      ? `${host} resolves to ${outside.join(', ')}, outside the tailnet (a Tailscale Funnel name is public)`
      : `${host} resolves to ${outside.join(', ')}, which is not on the tailnet`,
  };
}

/**
 * Throws the one-line refusal unless the target is allowed or the admin overrode the guard. A name that
 * did not resolve is refused even with the override: there is no address to connect to.
 */
export async function guardTarget(host: string, allowNonTailnet: boolean, resolve: Resolver = systemResolver): Promise<GuardDecision> {
  const decision = await decideTarget(host, resolve);
  if (decision.kind === 'unresolved') {
    const tailnetName = /\.ts\.net\.?\]?$/i.test(host);
    throw new CabinetError(`refusing to connect: ${decision.reason}`, {
      code: 'unresolved',
      hint: tailnetName
        ? "check that Tailscale is up here (tailscale status), or use the host's 100.x.y.z address"
        : "check the name and this machine's DNS, or use the host's Tailscale address",
    });
  }
  if (!decision.allowed && !allowNonTailnet) {
    throw new CabinetError(`refusing to connect: ${decision.reason}; the master database is reached only over Tailscale`, {
      code: 'not-tailnet',
      hint: OVERRIDE,
    });
  }
  return decision;
}
