import module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { drawSplash, opensConsole } from './lib/splash.ts';

/** What dist/cli.js runs, and the startup snapshot's main function (scripts/snapshot-build.ts). */
export async function start(): Promise<void> {
  // The console's first frame goes out before anything heavy is loaded.
  const consoleRun = process.stdin.isTTY && process.stdout.isTTY && opensConsole(process.argv.slice(2));
  if (consoleRun) drawSplash();

  // V8's compile cache (Node ≥ 22.1) saves most of the time spent compiling Ink, React and MikroORM on every
  // start after the first. It lives in the user's cache dir, not the shared /tmp; NODE_DISABLE_COMPILE_CACHE=1
  // turns it off (the benchmark measures both).
  const cacheHome = process.env.XDG_CACHE_HOME && path.isAbsolute(process.env.XDG_CACHE_HOME) ? process.env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  module.enableCompileCache?.(path.join(cacheHome, 'cabinet', 'node-compile-cache'));

  // Stack traces through the bundle's source maps, for --debug only: reading the maps costs ~15 ms per start.
  if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);

  // The console's connection is under way before the CLI's parser and the rest load (services/console-early.ts):
  // over a far link, TCP and authentication travel meanwhile.
  const early = consoleRun ? await import('./services/console-early.ts') : undefined;
  await early?.startEarlyConsole(process.argv.slice(2)).catch(() => {});
  // One turn of the event loop before the CLI's module graph loads (Node loads one without giving it a turn).
  if (early) await new Promise((resolve) => setImmediate(resolve));

  const { run } = await import('./cli.ts');
  await run();
  // The CLI refused the arguments after all: the early connection is not left open.
  early?.discardEarlyConsole();
}
