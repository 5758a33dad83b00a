import type { ConnectionTarget } from './connection.ts';
import { cabinetClient } from './pg-client.ts';
import { pinnedStream } from './pinned-socket.ts';
import { rawSocket } from './raw-socket.ts';
import { tlsFor } from './tls-options.ts';

/** The code of the error `missingPassword` raises; db-errors.ts turns it into psql's "no password supplied". */
export const NO_PASSWORD = 'CABINET_NO_PASSWORD';

/**
 * node-postgres asks this only when the server wants a password and none was given (URL, PGPASSWORD and
 * ~/.pgpass were already consulted, with libpq's rules, by connection.ts). Without it, pg would read
 * ~/.pgpass a second time by its own rules (warning again) and then fail inside SCRAM with "client password
 * must be a string".
 */
function missingPassword(): Promise<string> {
  const error: NodeJS.ErrnoException = new Error('no password supplied');
  error.code = NO_PASSWORD;
  return Promise.reject(error);
}

/**
 * The node-postgres options every cabinet connection uses, whether the ORM's pool or the light read pool:
 * a bounded connect, an application name the DBA can see in pg_stat_activity, and for TCP a socket that
 * connects only to the addresses the guard allowed (none: a host name fails, it is never looked up by the
 * driver). The statement timeout and the other session settings go with each transaction (pg-client.ts),
 * not in the startup packet: PgBouncer refuses startup parameters it does not track, and application_name
 * and client_encoding are the ones it does. With `rawReads` (the read pool's), a connection without TLS reads
 * into a buffer of its own (raw-socket.ts), which COPY TO reads in place.
 */
export function pgDriverOptions(target: ConnectionTarget, statementTimeoutMs: number, { rawReads = false } = {}) {
  const ssl = tlsFor(target);
  const create = rawReads && !ssl ? rawSocket : undefined;
  return {
    connectionTimeoutMillis: target.connectTimeoutSeconds * 1000,
    Client: cabinetClient(statementTimeoutMs),
    application_name: 'cabinet',
    ...(target.password === undefined ? { password: missingPassword } : {}),
    ssl,
    ...(target.host.startsWith('/') ? (create ? { stream: create } : {}) : { stream: pinnedStream(target.addresses ?? [], create) }),
  };
}
