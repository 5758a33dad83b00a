/**
 * What the console's screens know about changes made by anyone (psql, n8n, another cabinet): the service
 * interface the UI gets through context (services-context.tsx), with no database types in it.
 *
 * - `live`: a LISTEN connection hears the notify triggers (db/entities/live-notify.ts); each change names
 *   its table, id and version.
 * - `polling`: LISTEN is not possible (PgBouncer in transaction mode, triggers missing, the listening
 *   connection lost); every `everyMs` each subscriber gets a `null` change and checks what it shows itself
 *   (the rows on screen, the row it edits): a query bounded by what is on screen.
 */
export type LiveTable = 'sites' | 'users';

export interface LiveChange {
  table: LiveTable;
  /** null: some rows of the table (a bulk write); check everything shown. */
  id: string | null;
  version: number | null;
}

export type LiveMode = { kind: 'starting' } | { kind: 'live' } | { kind: 'polling'; everyMs: number; reason: string };

export interface LiveFeed {
  mode(): LiveMode;
  onMode(fn: (mode: LiveMode) => void): () => void;
  /** Changes to `table`; `null`: check what you show (a poll tick, or the listener came back after a gap). */
  subscribe(table: LiveTable, fn: (change: LiveChange | null) => void): () => void;
  close(): Promise<void>;
}

export interface LiveSource {
  onNotice(fn: (change: LiveChange) => void): void;
  onLost(fn: (reason: string) => void): void;
  close(): Promise<void>;
}

export const POLL_MS = 3000;
/** After the listening connection is lost, how long until it is tried again (polling meanwhile). */
export const RETRY_MS = 10_000;

/** The header's words for a mode: `live`, `polling 3s`; nothing while it is being found out. */
export function liveModeText(mode: LiveMode | undefined): string {
  if (!mode || mode.kind === 'starting') return '';
  return mode.kind === 'live' ? 'live' : `polling ${Math.round(mode.everyMs / 1000)}s`;
}

/**
 * A feed over `connect` (which answers a listening source, or why there is none). It starts on the first
 * subscription, a little later (`startDelayMs`), so the first screen's rows come first.
 */
export function createLiveFeed(
  connect: () => Promise<{ source: LiveSource } | { reason: string }>,
  options: { pollMs?: number; retryMs?: number; startDelayMs?: number } = {},
): LiveFeed {
  const pollMs = options.pollMs ?? POLL_MS;
  const retryMs = options.retryMs ?? RETRY_MS;
  let mode: LiveMode = { kind: 'starting' };
  const modeListeners = new Set<(mode: LiveMode) => void>();
  const subscribers = new Set<{ table: LiveTable; fn: (change: LiveChange | null) => void }>();
  let source: LiveSource | undefined;
  let poll: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  let startTimer: NodeJS.Timeout | undefined;
  let closed = false;

  const setMode = (next: LiveMode) => {
    mode = next;
    for (const fn of modeListeners) fn(next);
  };
  const emit = (table: LiveTable | null, change: LiveChange | null) => {
    for (const s of [...subscribers]) if (table === null || s.table === table) s.fn(change);
  };
  const startPolling = (reason: string) => {
    clearInterval(poll);
    poll = setInterval(() => emit(null, null), pollMs);
    poll.unref();
    setMode({ kind: 'polling', everyMs: pollMs, reason });
  };
  const attempt = async () => {
    if (closed) return;
    const result = await connect().catch((error: unknown) => ({ reason: error instanceof Error ? error.message : String(error) }));
    if (closed) {
      if ('source' in result) await result.source.close();
      return;
    }
    if (!('source' in result)) {
      startPolling(result.reason);
      return;
    }
    source = result.source;
    clearInterval(poll);
    source.onNotice((change) => emit(change.table, change));
    source.onLost((reason) => {
      source = undefined;
      startPolling(`the listening connection was lost (${reason}); trying again`);
      retry = setTimeout(() => void attempt(), retryMs);
      retry.unref();
    });
    setMode({ kind: 'live' });
    // Changes made before the LISTEN (while the first rows loaded, or the link was down) were not heard:
    // every screen checks what it shows, once.
    emit(null, null);
  };

  return {
    mode: () => mode,
    onMode(fn) {
      modeListeners.add(fn);
      return () => modeListeners.delete(fn);
    },
    subscribe(table, fn) {
      const entry = { table, fn };
      subscribers.add(entry);
      if (!startTimer && !closed) {
        startTimer = setTimeout(() => void attempt(), options.startDelayMs ?? 300);
        startTimer.unref();
      }
      return () => subscribers.delete(entry);
    },
    async close() {
      closed = true;
      clearTimeout(startTimer);
      clearInterval(poll);
      clearTimeout(retry);
      await source?.close();
    },
  };
}
