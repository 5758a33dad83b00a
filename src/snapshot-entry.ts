// The startup snapshot's script (scripts/snapshot-build.ts): loads what a console start needs, checks that no
// module baked in the build's terminal or environment, and names the function each start runs.
import './snapshot-audit.ts';
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
import { refuseUnexplainedReads, resumeIn } from './snapshot-resume.ts';
import { warmUpConsole } from './snapshot-warm-up.tsx';
import { yogaStandIn } from './snapshot-yoga-stand-in.ts';

refuseUnexplainedReads('the snapshot');

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
  resumeIn('snapshot');
  void start();
});
