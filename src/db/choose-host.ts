import pg from 'pg';
import { CabinetError } from '../lib/errors.ts';
import type { ConnectionTarget, SessionAttrs } from './connection.ts';
import { fillPasswordFromPgpass } from './pgpass.ts';
import { toDatabaseError } from './db-errors.ts';
import { pgDriverOptions } from './pg-options.ts';
import { guardTarget, type GuardDecision } from './tailnet-guard.ts';

export interface Chosen {
  target: ConnectionTarget;
  guard: GuardDecision;
}

interface ServerState {
  standby: boolean;
  readOnly: boolean;
}

/** What libpq asks of a server for each target_session_attrs value (fe-connect.c). */
function accepts(attrs: SessionAttrs, state: ServerState, pass: 'standby' | 'any'): boolean {
  switch (attrs) {
    case 'read-write':
      return !state.readOnly;
    case 'read-only':
      return state.readOnly;
    case 'primary':
      return !state.standby;
    case 'standby':
      return state.standby;
    case 'prefer-standby':
      return pass === 'any' || state.standby;
    default:
      return true;
  }
}

const WHAT: Record<SessionAttrs, string> = {
  any: 'accepts a connection',
  'read-write': 'accepts writes',
  'read-only': 'is read-only',
  primary: 'is a primary',
  standby: 'is a standby',
  'prefer-standby': 'accepts a connection',
};

/** One host of the list: guard it, connect, ask what it is, and close again. */
async function probe(candidate: ConnectionTarget, allowNonTailnet: boolean): Promise<{ guard: GuardDecision; state: ServerState }> {
  const guard = await guardTarget(candidate.host, allowNonTailnet);
  if (guard.kind !== 'socket') candidate.addresses = guard.addresses;
  const client = new pg.Client({
    host: candidate.host,
    port: candidate.port,
    user: candidate.user,
    database: candidate.database,
    ...(candidate.password === undefined ? {} : { password: candidate.password }),
    ...pgDriverOptions(candidate, 10_000),
  });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ standby: boolean; read_only: string }>(
      `select pg_is_in_recovery() as standby, current_setting('transaction_read_only') as read_only`,
    );
    return { guard, state: { standby: rows[0]!.standby, readOnly: rows[0]!.read_only === 'on' } };
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * libpq's multi-host connection: the hosts of the list in order, each through the tailnet guard, the first
 * that answers and matches target_session_attrs wins (prefer-standby: a standby first, then any). The
 * choice is made once, at start; every pool then connects to the chosen host. Refused and failed hosts are
 * named in the one-line error when none will do.
 */
export async function chooseHost(
  target: ConnectionTarget,
  options: { allowNonTailnet: boolean; env: NodeJS.ProcessEnv; warn?: (line: string) => void },
): Promise<Chosen> {
  const attrs = target.targetSessionAttrs ?? 'any';
  const hosts = target.hosts ?? [{ host: target.host, port: target.port }];
  const tried = new Map<string, string>();
  const warned = new Set<string>();
  const warnOnce = (line: string) => {
    if (!warned.has(line)) options.warn?.(line);
    warned.add(line);
  };
  const states = new Map<string, { guard: GuardDecision; state: ServerState; candidate: ConnectionTarget }>();
  for (const pass of attrs === 'prefer-standby' ? (['standby', 'any'] as const) : (['any'] as const)) {
    for (const { host, port } of hosts) {
      const key = `${host}:${port}`;
      if (tried.has(key) && !states.has(key)) continue;
      let known = states.get(key);
      if (!known) {
        const candidate: ConnectionTarget = { ...target, host, port };
        delete candidate.hosts;
        delete candidate.addresses;
        // Each host has its own line in ~/.pgpass, as with libpq; a password given outright is for all.
        if (target.password === undefined) {
          delete candidate.password;
          await fillPasswordFromPgpass(candidate, options.env, warnOnce);
        }
        try {
          const { guard, state } = await probe(candidate, options.allowNonTailnet);
          known = { guard, state, candidate };
          states.set(key, known);
        } catch (error) {
          const reason = error instanceof CabinetError ? error.message : toDatabaseError(error, candidate).message;
          tried.set(key, reason);
          continue;
        }
      }
      if (accepts(attrs, known.state, pass)) return { target: known.candidate, guard: known.guard };
      tried.set(key, known.state.standby ? 'a standby' : known.state.readOnly ? 'read-only' : 'a primary that accepts writes');
    }
  }
  const list = hosts.map(({ host, port }) => `${host}:${port} (${tried.get(`${host}:${port}`) ?? 'not tried'})`).join('; ');
  throw new CabinetError(`no host of ${target.user}@…/${target.database} ${WHAT[attrs]}${attrs === 'any' ? '' : ` (target_session_attrs=${attrs})`}: ${list}`, {
    code: 'db-down',
  });
}
