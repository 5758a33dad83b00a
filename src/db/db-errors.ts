import { CabinetError } from '../lib/errors.ts';
import { sanitizeLine } from '../lib/sanitize.ts';
import { describeTarget, type ConnectionTarget } from './connection.ts';
import { NO_PASSWORD } from './pg-options.ts';

interface DriverLike {
  code?: string;
  errno?: string | number;
  message?: string;
  cause?: unknown;
}

/**
 * Walks an error and its causes (MikroORM and pg wrap errors) to the first one with a code, collecting
 * every message on the way: pg's "connection timeout" error wraps a plain "Connection terminated".
 */
function codesOf(error: unknown): { code?: string; message: string; messages: string[] } {
  let current: unknown = error;
  const seen = new Set<unknown>();
  const messages: string[] = [];
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const e = current as DriverLike;
    if (typeof e.message === 'string') messages.push(e.message);
    if (typeof e.code === 'string' && e.code.length > 0) return { code: e.code, message: e.message ?? messages[0] ?? '', messages };
    current = e.cause;
  }
  if (messages.length === 0) messages.push(String(error));
  return { message: messages[0]!, messages };
}

/** The SQLSTATE (or errno code) of an error or of the first of its causes that has one. */
export function errorCode(error: unknown): string | undefined {
  return codesOf(error).code;
}

/**
 * Turns a failure to reach or use the database into one line that says what is wrong and what to do.
 * Messages are built from the target's host/port/user/database only: a password can never leak.
 */
export function toDatabaseError(error: unknown, target?: ConnectionTarget): CabinetError {
  if (error instanceof CabinetError) return error;
  const where = target ? describeTarget(target) : 'the database';
  const { code, message, messages } = codesOf(error);
  const anyMessage = (pattern: RegExp) => messages.some((m) => pattern.test(m));
  const mk = (text: string, c: string, hint?: string) => new CabinetError(text, { code: c, hint, cause: error });
  switch (code) {
    case 'ECONNREFUSED':
    case 'ENOENT':
      return mk(`cannot connect to ${where}: connection refused`, 'db-down', 'is the PostgreSQL server running?');
    case 'ECONNRESET':
    case 'EPIPE':
      return mk(`the connection to ${where} was lost`, 'db-down', 'the server restarted or the network dropped; try again');
    case 'ETIMEDOUT':
    case 'CONNECT_TIMEOUT':
      return mk(`timed out connecting to ${where}`, 'db-timeout', 'check that the host is up and on the tailnet (tailscale status)');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return mk(`cannot resolve the database host of ${where}`, 'db-down', 'check the host name and MagicDNS');
    case NO_PASSWORD:
      return mk(
        `no password supplied for ${where}: the server asks for one`,
        'db-auth',
        `set PGPASSWORD, add a line to ~/.pgpass (mode 0600), or put it in the URL (postgres://user:password@…)`,
      );
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return mk(`the server's certificate does not name ${target?.host ?? 'the host'} (sslmode=verify-full checks the name) on ${where}`, 'db-tls', 'connect by a name the certificate lists, or use sslmode=verify-ca');
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'CERT_UNTRUSTED':
    case 'CERT_SIGNATURE_FAILURE':
      return mk(`the server's certificate on ${where} is not signed by the root certificate (sslmode=${target?.sslmode ?? '?'})`, 'db-tls', 'check sslrootcert (default ~/.postgresql/root.crt)');
    case 'CERT_HAS_EXPIRED':
      return mk(`the server's certificate on ${where} has expired`, 'db-tls');
    case '28P01':
      return mk(`password authentication failed for ${where}`, 'db-auth', 'check the password in the URL, PGPASSWORD or ~/.pgpass');
    case '28000':
      return mk(`the server refused ${where}: no pg_hba.conf entry or role not allowed to log in`, 'db-auth');
    case '3D000':
      return mk(`database "${target?.database ?? '?'}" does not exist on ${where}`, 'db-missing', 'create it (createdb) or fix the database name');
    case '57P01':
    case '57P02':
    case '57P03':
      return mk(`the server at ${where} is shutting down or starting up`, 'db-down', 'try again in a moment');
    case '57014':
      return mk(`a query on ${where} took longer than the statement timeout and was cancelled`, 'db-timeout');
    case '42501':
      return mk(`permission denied on ${where}: ${firstLine(message)}`, 'db-permission');
    case '53300':
      return mk(`too many connections to ${where}`, 'db-busy', 'try again in a moment');
    default:
      break;
  }
  if (anyMessage(/server does not support SSL/i)) {
    return mk(`the server at ${where} does not support SSL, but sslmode=${target?.sslmode ?? 'require'} asks for it`, 'db-tls', 'turn ssl on in postgresql.conf, or use sslmode=prefer over Tailscale');
  }
  if (anyMessage(/timeout expired|Connection terminated due to connection timeout|timeout exceeded when trying to connect/i)) {
    return mk(`timed out connecting to ${where}`, 'db-timeout', 'check that the host is up and on the tailnet (tailscale status)');
  }
  if (anyMessage(/Connection terminated|Client has encountered a connection error|server closed the connection/i)) {
    return mk(`the connection to ${where} was lost`, 'db-down', 'the server restarted or the network dropped; try again');
  }
  return mk(`database error on ${where}: ${firstLine(message)}`, 'db-error');
}

/** The server's message can echo a value (`invalid input syntax for type integer: "…"`): shown escaped, never raw. */
function firstLine(text: string): string {
  return sanitizeLine(text.split('\n')[0] ?? text);
}
