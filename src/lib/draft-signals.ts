import os from 'node:os';
import type { DraftStore } from './drafts.ts';

/**
 * On SIGHUP (the SSH link dropped, the terminal closed) and SIGTERM: write pending drafts synchronously,
 * let `settle` finish what must be saved before exiting (an `$EDITOR` still running: its text goes into its
 * draft), write again, run `beforeExit` (e.g. leave the alternate screen), and exit with 128 + the signal
 * number (129, 143). Further signals while this runs change nothing. Returns a function that removes the
 * handlers.
 */
export function flushDraftsOnSignals(
  store: Pick<DraftStore, 'flushSync'>,
  options: {
    signals?: NodeJS.Signals[];
    settle?: (signal: NodeJS.Signals) => Promise<void>;
    beforeExit?: (signal: NodeJS.Signals) => void;
    exit?: (code: number) => void;
  } = {},
): () => void {
  const signals = options.signals ?? ['SIGHUP', 'SIGTERM'];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let handling = false;
  const flush = () => {
    try {
      store.flushSync();
    } catch {
      // Nothing more can be done for the draft here; exit anyway.
    }
  };
  const finish = (signal: NodeJS.Signals) => {
    flush();
    try {
      options.beforeExit?.(signal);
    } finally {
      exit(128 + (os.constants.signals[signal] ?? 0));
    }
  };
  const handler = (signal: NodeJS.Signals) => {
    if (handling) return;
    handling = true;
    if (!options.settle) return finish(signal);
    flush();
    options.settle(signal).then(
      () => finish(signal),
      () => finish(signal),
    );
  };
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}
