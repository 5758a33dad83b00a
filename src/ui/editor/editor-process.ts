import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';

/**
 * The `$EDITOR` child while it runs, and the console's shutdown as the editor sees it. The editor shares the
 * terminal's process group, so a dropped SSH link hangs both up; but a hang-up sent to cabinet alone (a
 * supervisor, `kill -HUP PID`) would leave the editor running with nobody to take its text. On a signal the
 * console ends the editor itself: it forwards the hang-up (vim then writes its recovery file and exits), then
 * SIGTERM, then SIGKILL for an editor that ignores both, and waits for its text to be taken into the draft.
 */

interface Running {
  child: ChildProcess;
  /** Settles once the editor exited and what it saved is in the draft. */
  settled: Promise<void>;
}

let running: Running | null = null;
let closingSignal: NodeJS.Signals | null = null;

/** How long an editor gets after the forwarded hang-up, then after SIGTERM, before the next signal. */
export const EDITOR_HANGUP_GRACE_MS = 1500;
export const EDITOR_TERM_GRACE_MS = 1000;

/** The signal the console is closing on, or null while it runs: an editor exiting now never discards anything. */
export function consoleClosing(): NodeJS.Signals | null {
  return closingSignal;
}

/** Records the running editor until `settled`; returns the function that forgets it. */
export function trackEditor(child: ChildProcess, settled: Promise<void>): () => void {
  const entry: Running = { child, settled };
  running = entry;
  return () => {
    if (running === entry) running = null;
  };
}

/**
 * The console is closing on `signal`: ends a running editor (the signal itself, then SIGTERM, then SIGKILL,
 * each to the editor and everything it started) and resolves once its text is in the draft or it is gone.
 */
export async function endEditorForExit(signal: NodeJS.Signals, grace = { hangupMs: EDITOR_HANGUP_GRACE_MS, termMs: EDITOR_TERM_GRACE_MS }): Promise<void> {
  closingSignal ??= signal;
  const editor = running;
  if (!editor?.child.pid) return;
  const settledWithin = (ms: number) =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      void editor.settled.then(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  for (const [next, wait] of [
    [signal, grace.hangupMs],
    ['SIGTERM', grace.termMs],
    ['SIGKILL', 500],
  ] as const) {
    signalTree(editor.child.pid, next);
    if (await settledWithin(wait)) return;
  }
}

/** Sends `signal` to `pid` and every process below it (read from /proc; elsewhere the editor alone). */
function signalTree(pid: number, signal: NodeJS.Signals): void {
  for (const p of [pid, ...descendants(pid)]) {
    try {
      process.kill(p, signal);
    } catch {
      // Already gone.
    }
  }
}

function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // "pid (comm) state ppid …"; comm may hold spaces and parentheses, so read after the last ')'.
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // Exited while we looked.
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}
