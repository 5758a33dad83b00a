import { PassThrough, Writable } from 'node:stream';
import { render } from 'ink';
import { blankSite } from './schema/site-record.ts';
import { DraftStore } from './lib/drafts.ts';
import type { ConsoleServices } from './ui/services-context.tsx';
import type { Page, SiteSummary } from './services/types.ts';
import { App } from './ui/app.tsx';

/**
 * A console start spends most of its CPU after the first rows arrive on drawing them: React, Ink, Yoga's
 * wrapper and the screens run for the first time, and V8 compiles every function they call. While the startup
 * snapshot is built (snapshot-entry.ts), this draws the console's first frames once, "connecting…" and then a
 * list of sites, into a stream that goes nowhere, and closes it: the functions are compiled in the snapshot,
 * and a start only runs them. Nothing it draws is kept: the frames go to a sink, the data are made up here,
 * and the terminal's size and colours are read at each start (snapshot-patches.ts), never from this.
 */
export async function warmUpConsole(): Promise<void> {
  globalThis.__cabinetWarmingUp = true;
  const listening = processListeners();
  let drawn = '';
  const stdout = Object.assign(
    new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        drawn += chunk.toString();
        done();
      },
    }),
    { isTTY: true, columns: 100, rows: 30 },
  );
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin, ref: () => stdin, unref: () => stdin });
  const drafts = new DraftStore({ dir: '/nonexistent/cabinet-snapshot-warm-up' });
  const instance = render(<App state={{ status: 'loading', message: 'connecting…' }} drafts={drafts} />, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stderr: stdout as unknown as NodeJS.WriteStream,
    alternateScreen: true,
    interactive: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  await settle();
  instance.rerender(<App state={{ status: 'ready', services: warmUpServices() }} drafts={drafts} />);
  await settle();
  instance.unmount();
  await instance.waitUntilExit();
  await settle();
  globalThis.__cabinetWarmingUp = false;
  // The build fails rather than save a snapshot the warm-up did not warm, or one that holds its leftovers.
  if (!drawn.includes('Sites (40)') || !drawn.includes('brand12.example.de')) throw new Error(`the warm-up render did not draw the list of sites: ${JSON.stringify(drawn.slice(-300))}`);
  if (processListeners() !== listening) throw new Error(`the warm-up render left process listeners behind: ${processListeners()} (before: ${listening})`);
}

/** The process's event listeners (signals, exit), as a string to compare. */
const processListeners = () =>
  process
    .eventNames()
    .map((name) => `${String(name)}×${process.listenerCount(name)}`)
    .join(' ');

declare global {
  var __cabinetWarmingUp: boolean | undefined;
}

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 50));

function warmUpServices(): ConsoleServices {
  const at = new Date(Date.UTC(2026, 0, 1));
  const rows: SiteSummary[] = Array.from({ length: 40 }, (_, i) => {
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
