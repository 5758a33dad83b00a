import { PassThrough, Writable } from 'node:stream';
import { render } from 'ink';
import { blankSite } from '../schema/site-record.ts';
import { DraftStore } from '../lib/drafts.ts';
import type { ConsoleServices } from './services-context.tsx';
import type { Page, SiteSummary } from '../services/types.ts';
import { App, type LoadState } from './app.tsx';

/**
 * The console drawn with made-up sites into a terminal that goes nowhere, to run its first frames' code once
 * before the real ones: by the startup snapshot's build (snapshot-warm-up.tsx), so that code is compiled in the
 * snapshot, and by a start whose first rows are round trips away (warmWhileWaiting), so the rows' frame then runs
 * on V8's filled-in type feedback and Yoga's compiled WebAssembly, neither of which a snapshot keeps. Nothing drawn
 * here reaches the terminal, and the made-up data stay here.
 */
export function sinkConsole(columns: number, rows: number, state: LoadState) {
  let drawn = '';
  const stdout = Object.assign(
    new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        drawn += chunk.toString();
        done();
      },
    }),
    { isTTY: true, columns, rows },
  );
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin, ref: () => stdin, unref: () => stdin });
  const drafts = new DraftStore({ dir: '/nonexistent/cabinet-warm-up' });
  const instance = render(<App state={state} drafts={drafts} />, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stderr: stdout as unknown as NodeJS.WriteStream,
    alternateScreen: true,
    interactive: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return { instance, drafts, drawn: () => drawn };
}

/**
 * While the first screen's answers are a round trip away (a far link), the ready console with three made-up sites
 * is drawn once into a sink, at the terminal's size, and unmounted: the rows' frame after the answers then takes
 * less than half its CPU (a snapshot keeps no type feedback, so the first calls of its functions miss every inline
 * cache; Yoga compiles each WebAssembly function on its first call). Three rows warm what forty do (a selected row
 * and others) in half the time: ~20 ms, within a 50 ms round trip.
 */
export function warmWhileWaiting(columns: number, rows: number): void {
  globalThis.__cabinetWarmingUp = true;
  try {
    sinkConsole(columns, rows, { status: 'ready', services: warmUpServices(3) }).instance.unmount();
  } finally {
    globalThis.__cabinetWarmingUp = false;
  }
}

declare global {
  /** True while a warm-up draws (restore-cursor's once-per-process exit hook is not used up by it). */
  var __cabinetWarmingUp: boolean | undefined;
}

/** Services that answer the first screen with `count` made-up sites and never write. */
export function warmUpServices(count = 40): ConsoleServices {
  const at = new Date(Date.UTC(2026, 0, 1));
  const rows: SiteSummary[] = Array.from({ length: count }, (_, i) => {
    const { aiPrompt: _prompt, ...site } = { ...blankSite(`site-${i}`), domain: `brand${i}.example.de`, brandName: `Brand ${i}`, createdAt: at, updatedAt: at, version: 1 };
    return { ...site, promptChars: 1200 + i };
  });
  const page: Page<SiteSummary> = { rows, hasMore: false, total: rows.length };
  const never = () => new Promise<never>(() => {});
  return {
    sites: { list: async () => page, firstPage: () => page, get: async () => null, create: never, update: never, delete: never },
    users: { list: async () => ({ rows: [], hasMore: false }), get: async () => null, history: never, create: never, update: never, delete: never },
    revisions: { history: never, diff: never, restore: never },
    connection: { label: 'cabinet@socket/warm-up', short: 'cabinet@socket/warm-up', embedded: false, role: 'cabinet', readOnly: false, pendingMigrations: 0 },
  } as unknown as ConsoleServices;
}
