import { sinkConsole, warmUpServices } from './ui/warm-up-render.tsx';
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
  const { instance, drafts, drawn } = sinkConsole(100, 30, { status: 'loading', message: 'connecting…' });
  await settle();
  instance.rerender(<App state={{ status: 'ready', services: warmUpServices() }} drafts={drafts} />);
  await settle();
  instance.unmount();
  await instance.waitUntilExit();
  await settle();
  globalThis.__cabinetWarmingUp = false;
  // The build fails rather than save a snapshot the warm-up did not warm, or one that holds its leftovers.
  if (!drawn().includes('Sites (40)') || !drawn().includes('brand12.example.de')) throw new Error(`the warm-up render did not draw the list of sites: ${JSON.stringify(drawn().slice(-300))}`);
  if (processListeners() !== listening) throw new Error(`the warm-up render left process listeners behind: ${processListeners()} (before: ${listening})`);
}

/** The process's event listeners (signals, exit), as a string to compare. */
const processListeners = () =>
  process
    .eventNames()
    .map((name) => `${String(name)}×${process.listenerCount(name)}`)
    .join(' ');

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 50));
