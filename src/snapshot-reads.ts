/**
 * What modules may read from the process as they load into the startup snapshot (scripts/snapshot-build.ts),
 * and why that is right for every start. src/snapshot-audit.ts records the reads while the snapshot is built,
 * and the build fails on one that no entry here names: a value computed from the build's terminal or
 * environment would otherwise be every user's. `from` is a part of the reading module's path.
 */
export interface AllowedRead {
  read: RegExp;
  from: string;
  why: string;
}

const REFRESHED = 'recomputed as the snapshot starts (scripts/snapshot-patches.ts)';

export const ALLOWED_READS: AllowedRead[] = [
  { read: /^process\.platform$/, from: '', why: 'a snapshot only runs on the node binary that built it (bin/cabinet checks dist/snapshot/stamp)' },
  { read: /^(process\.(argv|stdout)|tty\.isatty\(\)|env\.\w+)$/, from: 'chalk/source/vendor/supports-color/', why: REFRESHED },
  { read: /^env\.(CI|CONTINUOUS_INTEGRATION)$/, from: 'is-in-ci/', why: REFRESHED },
  { read: /^env\.(TERM_PROGRAM|TERM|TMUX)$/, from: 'ansi-escapes/base.js', why: REFRESHED },
  { read: /^process\.cwd\(\)$/, from: 'ink/src/components/ErrorOverview.', why: REFRESHED },
  { read: /^process\.cwd\(\)$/, from: 'stack-utils/', why: "only a default, and Ink's ErrorOverview passes its own cwd" },
  {
    read: /^process\.(stdin|stdout|stderr)$/,
    from: 'ink/src/components/Std',
    why: "only the contexts' default values: Ink's App always provides the streams render() was given",
  },
  {
    read: /^import\.meta\.url$/,
    from: 'meow/build/dependencies.js',
    why: "yargs-parser's require for JSON config files, which meow never asks it to read (cabinet passes no config option)",
  },
  {
    read: /^import\.meta\.url$/,
    from: 'yoga-layout/dist/binaries/',
    why: "emscripten's own location, for finding a .wasm file: Yoga's wasm is inlined and decoded from memory (scripts/build-plugins.ts)",
  },
  { read: /^env\.YARGS_MIN_NODE_VERSION$/, from: 'meow/build/dependencies.js', why: "yargs-parser's check of the Node version, which the snapshot's node passes" },
  {
    read: /^(process\.(argv|platform|stdout)|env\.(NO_COLOR|FORCE_COLOR|CI))$/,
    from: 'meow/build/dependencies.js',
    why: "picocolors' colour test, used only to highlight a package.json parse error: meow is handed package.json's fields (scripts/build.ts)",
  },
  {
    read: /^env\.USER$/,
    from: 'pg/lib/defaults.js',
    why: "node-postgres' default user: set again as the commands' snapshot starts (src/cli-snapshot.ts); the console's connections each name their user (ConnectionTarget.user)",
  },
  { read: /^env\.NODE_PG_FORCE_NATIVE$/, from: 'pg/lib/index.js', why: 'bin/cabinet starts plainly, without a snapshot, when it is set' },
  { read: /^(process\.stderr|env\.FORCE_COLOR)$/, from: 'node:internal/util/colors', why: "Node's own colours, which Node refreshes as a snapshot starts" },
];

/** The recorded reads no entry allows. */
export function unexplainedReads(reads: readonly string[]): string[] {
  return reads.filter((line) => {
    const [read = '', ...rest] = line.split(' ');
    const where = rest.join(' ').split(' < ')[0] ?? '';
    return !ALLOWED_READS.some((a) => a.read.test(read) && where.includes(a.from));
  });
}
