import type { runConsole } from './run-console.tsx';

/** One turn of the event loop: socket events waiting since the last one are handled now. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Loads the console's UI in three steps with a turn of the event loop between them: Yoga (its WebAssembly
 * compiles off the main thread), then Ink and React, then the screens. Node evaluates a module graph
 * without letting the event loop run, and the whole UI is ~100 ms of it: over a far link the database's
 * reply to the handshake waited behind that before the first screen's queries could go out (cli.ts starts
 * them early; services/console-early.ts). In steps, the reply is read, and the queries sent, in between.
 */
export async function loadConsoleUi(): Promise<typeof runConsole> {
  const yoga = (await import('yoga-layout')) as unknown as { ready?: () => Promise<void> };
  // From the startup snapshot the wasm is instantiated as it starts (scripts/snapshot-build.ts).
  await yoga.ready?.();
  await turn();
  await import('ink');
  await turn();
  return (await import('./run-console.tsx')).runConsole;
}
