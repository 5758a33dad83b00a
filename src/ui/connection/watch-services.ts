import type { ConsoleServices } from '../services-context.tsx';

/** Codes of CabinetErrors meaning the server could not be reached (src/db/db-errors.ts). */
export function isUnreachableError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'db-down' || code === 'db-timeout';
}

export interface ServiceWatcher {
  /** A call failed because the database is unreachable. */
  failed(error: unknown): void;
  /** A call succeeded: the database answers. */
  succeeded(): void;
}

const WATCHED = ['sites', 'users', 'revisions', 'migrations'] as const;
const ANSWERED = new Set(['stale', 'gone', 'conflict', 'not-found']);

/**
 * The same services, with every async call's outcome reported to `watcher`, so the console notices the
 * database going away (and coming back) whichever screen made the call. Methods run on the original
 * objects (`this` is the service, so private fields work); errors are rethrown unchanged.
 */
export function watchServices<S extends ConsoleServices>(services: S, watcher: ServiceWatcher): S {
  const wrap = <T extends object>(service: T): T =>
    new Proxy(service, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (!(result instanceof Promise)) return result;
          return result.then(
            (ok) => {
              watcher.succeeded();
              return ok;
            },
            (error: unknown) => {
              if (isUnreachableError(error)) watcher.failed(error);
              // These answers came from the server: it is up.
              else if (ANSWERED.has(String((error as { code?: unknown } | null)?.code))) watcher.succeeded();
              throw error;
            },
          );
        };
      },
    });
  const out = { ...services } as S;
  for (const name of WATCHED) {
    const service = services[name];
    if (service && typeof service === 'object') (out as Record<string, unknown>)[name] = wrap(service);
  }
  return out;
}
