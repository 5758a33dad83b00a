import { resolveConnection, DEFAULT_CONNECT_TIMEOUT_SECONDS, type ConnectionTarget } from './connection.ts';
import { fillPasswordFromPgpass } from './pgpass.ts';
import { ensureEmbeddedServer } from './embedded.ts';
import { guardTarget, type GuardDecision } from './tailnet-guard.ts';

export interface OpenTargetOptions {
  databaseUrl?: string;
  allowNonTailnet?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Progress lines while the embedded server is created or started. */
  log?: (line: string) => void;
}

export interface OpenedTarget {
  target: ConnectionTarget;
  guard: GuardDecision;
}

/** Resolves where to connect, starts the embedded server when that is the answer, and applies the tailnet guard. */
export async function openTarget(options: OpenTargetOptions = {}): Promise<OpenedTarget> {
  const env = options.env ?? process.env;
  const resolved = resolveConnection({ ...(options.databaseUrl === undefined ? {} : { databaseUrl: options.databaseUrl }), env });
  // Said once, before anything connects: a file in the working directory must not pick the database unseen.
  if (resolved.dotEnv) options.log?.(resolved.dotEnv.line);
  let target: ConnectionTarget;
  if (!('host' in resolved)) {
    const server = await ensureEmbeddedServer(options.log ? { log: options.log } : {});
    target = {
      source: 'embedded',
      host: server.socketDir,
      port: server.port,
      user: server.user,
      database: server.database,
      connectTimeoutSeconds: DEFAULT_CONNECT_TIMEOUT_SECONDS,
      embeddedRoot: server.root,
      ...(resolved.dotEnv ? { dotEnv: resolved.dotEnv } : {}),
    };
  } else if (resolved.hosts || (resolved.targetSessionAttrs ?? 'any') !== 'any') {
    // libpq's host list or target_session_attrs: the first host that is allowed, answers and fits.
    const { chooseHost } = await import('./choose-host.ts');
    const log = options.log;
    return chooseHost(resolved, { allowNonTailnet: options.allowNonTailnet ?? false, env, ...(log ? { warn: (line: string) => log(`warning: ${line}`) } : {}) });
  } else {
    target = resolved;
    const log = options.log;
    await fillPasswordFromPgpass(target, env, log ? (line) => log(`warning: ${line}`) : undefined);
  }
  const guard = await guardTarget(target.host, options.allowNonTailnet ?? false);
  // Connect to what the guard checked (also when overridden), not to whatever a second lookup might answer.
  if (guard.kind !== 'socket') target.addresses = guard.addresses;
  return { target, guard };
}
