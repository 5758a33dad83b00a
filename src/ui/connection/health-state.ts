/**
 * Whether the database answers, as the console has seen it: pure state and backoff, no timers (the
 * provider in use-connection-health.tsx runs them). A call failing with `db-down` / `db-timeout` marks it
 * down; probes retry with backoff; any call that succeeds marks it up again.
 */
export interface HealthState {
  status: 'up' | 'down';
  /** Probes tried since it went down. */
  attempt: number;
  /** When the next probe runs (epoch ms), while down. */
  nextRetryAt: number | null;
  /** The last failure, one line (sanitised where shown). */
  message: string | null;
  /** When it went down. */
  since: number | null;
}

export type HealthAction = { type: 'failed'; message: string; now: number } | { type: 'probing'; now: number } | { type: 'ok' };

export const HEALTHY: HealthState = { status: 'up', attempt: 0, nextRetryAt: null, message: null, since: null };

/** Seconds to wait before probe `attempt` (1, 2, 4, 8, then every 15 s): quick when it is a blip, calm when it is long. */
export function backoffSeconds(attempt: number): number {
  return Math.min(15, 2 ** Math.max(0, attempt));
}

export function healthReducer(state: HealthState, action: HealthAction): HealthState {
  switch (action.type) {
    case 'failed': {
      if (state.status === 'down') {
        // A failure while down (a probe, or a save tried by hand) schedules the next probe further out.
        const attempt = state.attempt + 1;
        return { ...state, attempt, message: action.message, nextRetryAt: action.now + backoffSeconds(attempt) * 1000 };
      }
      return { status: 'down', attempt: 0, nextRetryAt: action.now + backoffSeconds(0) * 1000, message: action.message, since: action.now };
    }
    case 'probing':
      return state.status === 'down' ? { ...state, nextRetryAt: null } : state;
    case 'ok':
      return state.status === 'up' ? state : HEALTHY;
  }
}
