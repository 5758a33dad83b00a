import { createContext, useCallback, useContext, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { ConsoleServices } from '../services-context.tsx';
import { HEALTHY, healthReducer, type HealthState } from './health-state.ts';
import { watchServices } from './watch-services.ts';

export interface ConnectionHealth {
  state: HealthState;
  /** Probe now instead of waiting for the backoff (a save retried by hand does this). */
  retryNow(): void;
  /** Runs `fn` each time the database answers again after being down; returns the unsubscribe. */
  onRecovered(fn: () => void): () => void;
}

const STATIC: ConnectionHealth = { state: HEALTHY, retryNow() {}, onRecovered: () => () => {} };

export const HealthContext = createContext<ConnectionHealth>(STATIC);

export function useConnectionHealth(): ConnectionHealth {
  return useContext(HealthContext);
}

function messageOf(error: unknown): string {
  const e = error as { line?: string; message?: string } | null;
  return e?.line ?? e?.message ?? String(error);
}

/**
 * Watches every service call (watchServices); when the database stops answering, probes it with a cheap
 * call (one site) on a backoff until it answers, and tells subscribers (lists reload). Returns the watched
 * services, to be given to the screens, and the health for the banner.
 */
export function useHealthWatch(services: ConsoleServices): { services: ConsoleServices; health: ConnectionHealth } {
  const [state, dispatch] = useReducer(healthReducer, HEALTHY);
  const stateRef = useRef(state);
  stateRef.current = state;
  const listeners = useRef(new Set<() => void>());
  const [probeToken, setProbeToken] = useState(0);

  const watched = useMemo(
    () =>
      watchServices(services, {
        failed: (error) => dispatch({ type: 'failed', message: messageOf(error), now: Date.now() }),
        succeeded: () => {
          if (stateRef.current.status === 'up') return;
          stateRef.current = HEALTHY;
          dispatch({ type: 'ok' });
          for (const fn of listeners.current) fn();
        },
      }),
    [services],
  );

  // While down: wait until the next probe is due, then probe (through the watched services, so the
  // outcome updates the state like any other call).
  useEffect(() => {
    if (state.status !== 'down' || state.nextRetryAt === null) return;
    const timer = setTimeout(
      () => {
        dispatch({ type: 'probing', now: Date.now() });
        watched.sites.list({ limit: 1 }).catch(() => {});
      },
      Math.max(0, state.nextRetryAt - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [state.status, state.nextRetryAt, watched, probeToken]);

  const retryNow = useCallback(() => {
    if (stateRef.current.status !== 'down') return;
    dispatch({ type: 'probing', now: Date.now() });
    setProbeToken((t) => t + 1);
    watched.sites.list({ limit: 1 }).catch(() => {});
  }, [watched]);

  const onRecovered = useCallback((fn: () => void) => {
    listeners.current.add(fn);
    return () => void listeners.current.delete(fn);
  }, []);

  const health = useMemo(() => ({ state, retryNow, onRecovered }), [state, retryNow, onRecovered]);
  return { services: watched, health };
}
