import type { ConsoleServices } from '../../src/ui/services-context.tsx';

/** One call the console made to a service: `sites.update` and its arguments. */
export interface Call {
  method: string;
  args: unknown[];
}

/** What a test can do to services it wraps: see the calls, make one slow, make one fail. */
export interface Faults {
  calls: Call[];
  /** Names of calls (e.g. 'sites.list') mapped to a delay in ms, or to a function of the call giving one. */
  delay: Map<string, number | ((call: Call) => number)>;
  /** Names of calls mapped to the error they throw instead of running. */
  fail: Map<string, Error>;
  /** The calls to one method, in order. */
  callsTo(method: string): Call[];
}

const GROUPS = ['sites', 'users', 'revisions', 'migrations'] as const;

/**
 * Wraps services (the real ones, on a real database) so every call is recorded and any call can be
 * delayed or made to fail first. The rules stay the wrapped services' own: nothing here decides anything.
 */
export function injectFaults<S extends ConsoleServices>(inner: S): S & Faults {
  const calls: Call[] = [];
  const delay = new Map<string, number | ((call: Call) => number)>();
  const fail = new Map<string, Error>();
  const wrapped = { ...inner } as Record<string, unknown>;
  for (const group of GROUPS) {
    const target = inner[group] as unknown as Record<string, unknown> | undefined;
    if (!target) continue;
    wrapped[group] = new Proxy(target, {
      get(obj, key, receiver) {
        const value = Reflect.get(obj, key, receiver);
        if (typeof value !== 'function' || typeof key !== 'string') return value;
        // Subscriptions answer at once (an unsubscribe function), as the services' own do, and so does a first
        // page already held: not calls to delay or fail.
        if (key === 'subscribe' || key === 'firstPage') return (value as (...a: unknown[]) => unknown).bind(obj);
        const method = `${group}.${key}`;
        return async (...args: unknown[]) => {
          const call = { method, args };
          calls.push(call);
          const d = delay.get(method);
          const ms = typeof d === 'function' ? d(call) : d;
          if (ms) await new Promise((resolve) => setTimeout(resolve, ms));
          const error = fail.get(method);
          if (error) throw error;
          return (value as (...a: unknown[]) => unknown).apply(obj, args);
        };
      },
    });
  }
  return Object.assign(wrapped as S, { calls, delay, fail, callsTo: (method: string) => calls.filter((c) => c.method === method) });
}
