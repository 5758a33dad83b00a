import dns from 'node:dns/promises';
import net from 'node:net';
import { CabinetError } from '../lib/errors.ts';

/**
 * Spec §2: the master database is reached only over the private Tailscale network. Before any connection
 * the target is classified; anything that is not a Unix socket, loopback, or on the tailnet is refused.
 */
export type TargetKind = 'socket' | 'loopback' | 'tailnet' | 'magicdns' | 'other';

export interface GuardDecision {
  allowed: boolean;
  kind: TargetKind;
  host: string;
  /** Addresses the host name resolved to (empty for sockets and literals). */
  addresses: string[];
  /** One line: why it was allowed or refused. */
  reason: string;
}

export type Resolver = (host: string) => Promise<string[]>;

export const systemResolver: Resolver = async (host) => (await dns.lookup(host, { all: true, verbatim: true })).map((a) => a.address);

const TAILNET_V4 = new net.BlockList();
TAILNET_V4.addSubnet('100.64.0.0', 10, 'ipv4');
const TAILNET_V6 = new net.BlockList();
TAILNET_V6.addSubnet('fd7a:115c:a1e0::', 48, 'ipv6');
const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** An IPv4-mapped IPv6 address (::ffff:100.64.1.2) is judged by its IPv4 part. */
function unmap(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return { address: mapped[1], family: 'ipv4' };
  return { address, family: net.isIPv4(address) ? 'ipv4' : 'ipv6' };
}

export function classifyAddress(raw: string): 'loopback' | 'tailnet' | 'other' {
  const { address, family } = unmap(raw.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
  if (LOOPBACK.check(address, family)) return 'loopback';
  if (family === 'ipv4' ? TAILNET_V4.check(address, 'ipv4') : TAILNET_V6.check(address, 'ipv6')) return 'tailnet';
  return 'other';
}

const OVERRIDE = 'pass --allow-non-tailnet to connect anyway';

export async function decideTarget(host: string, resolve: Resolver = systemResolver): Promise<GuardDecision> {
  if (host.startsWith('/') || host.startsWith('@')) {
    return { allowed: true, kind: 'socket', host, addresses: [], reason: 'Unix socket on this machine' };
  }
  const literal = host.replace(/^\[|\]$/g, '');
  if (net.isIP(literal.replace(/%.*$/, ''))) {
    const kind = classifyAddress(literal);
    if (kind === 'other') {
      return {
        allowed: false,
        kind,
        host,
        addresses: [],
        reason: `${host} is not a Tailscale address (100.64.0.0/10, fd7a:115c:a1e0::/48) or loopback`,
      };
    }
    return { allowed: true, kind, host, addresses: [], reason: kind === 'loopback' ? 'loopback address' : 'Tailscale address' };
  }
  const name = literal.toLowerCase().replace(/\.$/, '');
  const isMagicDns = name.endsWith('.ts.net');
  let addresses: string[];
  try {
    addresses = await resolve(name);
  } catch {
    if (isMagicDns) {
      return { allowed: true, kind: 'magicdns', host, addresses: [], reason: 'Tailscale MagicDNS name' };
    }
    return { allowed: false, kind: 'other', host, addresses: [], reason: `cannot resolve ${host} to check that it is on the tailnet` };
  }
  const kinds = addresses.map(classifyAddress);
  if (addresses.length > 0 && kinds.every((k) => k === 'loopback')) {
    return { allowed: true, kind: 'loopback', host, addresses, reason: `${host} resolves to loopback` };
  }
  if (addresses.length > 0 && kinds.every((k) => k !== 'other')) {
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

/** Throws the one-line refusal unless the target is allowed or the admin overrode the guard. */
export async function guardTarget(host: string, allowNonTailnet: boolean, resolve: Resolver = systemResolver): Promise<GuardDecision> {
  const decision = await decideTarget(host, resolve);
  if (!decision.allowed && !allowNonTailnet) {
    throw new CabinetError(`refusing to connect: ${decision.reason}; the master database is reached only over Tailscale`, {
      code: 'not-tailnet',
      hint: OVERRIDE,
    });
  }
  return decision;
}
