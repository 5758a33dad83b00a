// The commands' startup snapshot's script (scripts/build.ts builds it into dist/commands-snapshot/ with
// scripts/snapshot-build.ts): the CLI, meow, pg and the data commands (sites, users) loaded at build time, not
// the console's Ink, React and screens. `cabinet users export` then deserialises them instead of resolving,
// loading and running ~40 chunks and pg's ~30 files. bin/cabinet uses it for a command when
// dist/commands-snapshot/stamp matches its node binary, as it does the console's; the same audit keeps the
// build's terminal and environment out of it.
import './snapshot-audit.ts';
import v8 from 'node:v8';
import pg from 'pg';
import { start } from './start.ts';
import './cli.ts';
import { findCommand } from './commands/index.ts';
import { refuseUnexplainedReads, resumeIn } from './snapshot-resume.ts';

/**
 * Loaded now. The other commands load at run time from the same script: doctor holds what a heap snapshot
 * cannot, and seed imports the ORM as it loads (the ORM stays external: scripts/build.ts).
 */
const PRELOADED = ['sites', 'users'];

void Promise.all(PRELOADED.map((name) => findCommand(name)!.load())).then(() => refuseUnexplainedReads("the commands' snapshot"));

v8.startupSnapshot.setDeserializeMainFunction(() => {
  resumeIn('commands-snapshot');
  // node-postgres' default user, read from the environment as pg loaded (connection.ts always names one).
  pg.defaults.user = process.platform === 'win32' ? process.env.USERNAME : process.env.USER;
  void start();
});
