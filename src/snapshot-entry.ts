// The startup snapshot's script (scripts/snapshot-build.ts): loads what a console start needs, checks that no
// module baked in the build's terminal or environment, and names the function each start runs.
import { endAudit, loadTimeReads } from './snapshot-audit.ts';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import * as yogaModule from 'yoga-layout';
import { start } from './start.ts';
import './cli.ts';
import './services/console-early.ts';
import './ui/run-console.tsx';
// What the early start and the first screen import on the way (with import()): evaluated now, not at every start.
import './commands/reader-for.ts';
import './db/open-reader.ts';
import './services/actor.ts';
import './services/console-services.ts';
import { unexplainedReads } from './snapshot-reads.ts';
import { warmUpConsole } from './snapshot-warm-up.tsx';
import { yogaStandIn } from './snapshot-yoga-stand-in.ts';

endAudit();
const unexplained = unexplainedReads(loadTimeReads.splice(0));
if (unexplained.length > 0) {
  throw new Error(`modules read these as they loaded into the snapshot; make them refresh at start (scripts/snapshot-patches.ts) or say in src/snapshot-reads.ts why they may stay:\n${unexplained.join('\n')}`);
}

declare global {
  var __cabinetRefresh: (() => void)[] | undefined;
  var __cabinetRequire: NodeJS.Require;
  var __cabinetImport: (id: string) => Promise<unknown>;
  var __cabinetImportMeta: { url: string };
}

// The console's first frames drawn once (snapshot-warm-up.tsx), so the functions they run are compiled in the snapshot.
const yoga = yogaModule as unknown as { default: object; forget: () => void };
void (async () => {
  // No WebAssembly while a snapshot is built: Ink lays out through a stand-in meanwhile.
  Object.assign(yoga.default, yogaStandIn);
  await warmUpConsole();
  yoga.forget();
})().catch((error: unknown) => {
  console.error('snapshot: the warm-up render failed:', error);
  process.exit(1);
});

v8.startupSnapshot.setDeserializeMainFunction(() => {
  // process.argv[1] is this checkout's dist/cli.js (bin/cabinet): node_modules and import.meta.url are found from it.
  const script = path.resolve(process.argv[1]!);
  globalThis.__cabinetImportMeta.url = pathToFileURL(script).href;
  globalThis.__cabinetRequire = createRequire(script);
  globalThis.__cabinetImport = globalThis.__cabinetRequire('./snapshot/import.cjs') as (id: string) => Promise<unknown>;
  for (const refresh of globalThis.__cabinetRefresh ?? []) refresh();
  void start();
});
