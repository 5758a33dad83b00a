import type { ConnectionTarget } from './connection.ts';
import { pinnedStream } from './pinned-socket.ts';

/** libpq's sslmode as node-postgres options. */
export function sslFor(sslmode: string | undefined): boolean | { rejectUnauthorized: boolean } {
  switch (sslmode) {
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
    case 'verify-full':
      return { rejectUnauthorized: true };
    default:
      // disable, allow, prefer: Tailscale already encrypts the link (WireGuard).
      return false;
  }
}

/**
 * The node-postgres options every cabinet connection uses, whether the ORM's pool or the light read pool:
 * a bounded connect, a statement timeout, an application name the DBA can see in pg_stat_activity, and
 * for TCP a socket that connects only to the addresses the guard allowed (none: a host name fails, it is
 * never looked up by the driver).
 */
export function pgDriverOptions(target: ConnectionTarget, statementTimeoutMs: number) {
  return {
    connectionTimeoutMillis: target.connectTimeoutSeconds * 1000,
    statement_timeout: statementTimeoutMs,
    application_name: 'cabinet',
    ssl: sslFor(target.sslmode),
    ...(target.host.startsWith('/') ? {} : { stream: pinnedStream(target.addresses ?? []) }),
  };
}
