import type { DbSession } from '../db/session.ts';
import type { SqlClient } from '../db/sql-client.ts';
import { classifyAddress } from '../db/tailnet-guard.ts';
import type { Check } from './doctor-check.ts';

/** `cabinet doctor`'s network checks: how this connection travels, where the server listens, TLS. */

export async function setting(client: SqlClient, name: 'listen_addresses' | 'ssl'): Promise<string | undefined> {
  try {
    // SHOW needs no rights for most settings; some servers restrict these to pg_read_all_settings.
    const { rows } = await client.query<Record<string, string>>(`show ${name}`);
    return rows[0]?.[name];
  } catch {
    return undefined;
  }
}

/** `db.tail.ts.net → 100.101.1.2`: the host and, when it is not just that address, where connections go. */
const hostAndAddresses = (host: string, addresses: string[]) =>
  addresses.length === 0 || (addresses.length === 1 && addresses[0] === host.replace(/^\[|\]$/g, '')) ? host : `${host} → ${addresses.join(', ')}`;

export function connectionCheck(db: DbSession): Check {
  const { guard, target } = db;
  const base = { id: 'connection', title: 'connection path' };
  switch (guard.kind) {
    case 'socket':
      return { ...base, status: 'ok', detail: target.source === 'embedded' ? `Unix socket ${guard.host} (the embedded PostgreSQL)` : `Unix socket ${guard.host}` };
    case 'loopback':
      return { ...base, status: 'ok', detail: `loopback (${hostAndAddresses(guard.host, guard.addresses)})` };
    case 'tailnet':
    case 'magicdns':
      return { ...base, status: 'ok', detail: `tailnet (${hostAndAddresses(guard.host, guard.addresses)})` };
    default:
      return {
        ...base,
        status: 'fail',
        detail: `other network: ${guard.reason} (allowed only by --allow-non-tailnet)`,
        fix: 'connect over Tailscale: a 100.x.y.z address or the MagicDNS name (*.ts.net) of the database host',
      };
  }
}

export function listenCheck(value: string | undefined): Check {
  const base = { id: 'listen_addresses', title: 'listen_addresses' };
  if (value === undefined) return { ...base, status: 'unknown', detail: 'unknown (reading it needs a superuser or pg_read_all_settings)' };
  const addresses = value.split(',').map((a) => a.trim()).filter(Boolean);
  if (addresses.length === 0) return { ...base, status: 'ok', detail: `'' (Unix sockets only)` };
  const wildcard = addresses.filter((a) => a === '*' || a === '0.0.0.0' || a === '::');
  if (wildcard.length > 0) {
    return {
      ...base,
      status: 'warn',
      detail: `'${value}': listens on every interface; only a firewall keeps it off the internet`,
      fix: `set listen_addresses = 'localhost, <the host's 100.x.y.z Tailscale address>' in postgresql.conf and restart`,
    };
  }
  const outside = addresses.filter((a) => a !== 'localhost' && !a.endsWith('.ts.net') && classifyAddress(a) === 'other');
  if (outside.length > 0) {
    return {
      ...base,
      status: 'warn',
      detail: `'${value}': ${outside.join(', ')} ${outside.length === 1 ? 'is' : 'are'} neither loopback nor Tailscale`,
      fix: `keep listen_addresses to localhost and the Tailscale address`,
    };
  }
  return { ...base, status: 'ok', detail: `'${value}' (loopback/Tailscale only)` };
}

export async function sslCheck(client: SqlClient, db: DbSession): Promise<Check> {
  const base = { id: 'ssl', title: 'ssl' };
  const value = await setting(client, 'ssl');
  let tls: string | undefined;
  try {
    const { rows } = await client.query<{ ssl: boolean; version: string | null }>(`select ssl, version from pg_stat_ssl where pid = pg_backend_pid()`);
    tls = rows[0] ? (rows[0].ssl ? `TLS ${rows[0].version ?? ''}`.trim() : 'not TLS') : undefined;
  } catch {
    tls = undefined;
  }
  const shown = `ssl = ${value ?? 'unknown'}; this connection: ${tls ?? 'unknown'}`;
  if (db.guard.kind === 'other' && tls === 'not TLS') {
    return { ...base, status: 'fail', detail: `${shown}, over a network that is not the tailnet`, fix: 'use Tailscale, or turn ssl on and connect with sslmode=verify-full' };
  }
  if (value === undefined) return { ...base, status: 'unknown', detail: shown };
  const why = db.guard.kind === 'socket' || db.guard.kind === 'loopback' ? ' (local connection)' : tls === 'not TLS' ? ' (Tailscale encrypts the link: WireGuard)' : '';
  return { ...base, status: 'ok', detail: `${shown}${why}` };
}
