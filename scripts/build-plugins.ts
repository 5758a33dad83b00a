// The esbuild plugins both bundles share (scripts/build.ts: dist/cli.js; scripts/snapshot-build.ts: the startup
// snapshot's script). Each patches a package's text and fails the build when that text is gone.
import type { Plugin } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inkOutputCachesAcrossFrames, memoisedStringWidth } from './ink-frame-caches.ts';
import { lazyIcuSegmenters, stringWidthWithoutIcu } from './lazy-icu.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// Yoga (Ink's layout engine) is emscripten output that, seeing a global fetch, fetches its own inlined
// base64 wasm as a data: URL: that loads Node's fetch stack (undici, ~30 ms) before the first frame.
// Telling it there is no fetch makes it decode the same bytes directly, as it does on older Node.
export const yogaWithoutFetch: Plugin = {
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

/** Every patch, in the order the builds apply them. */
export const sharedPlugins: Plugin[] = [yogaWithoutFetch, stringWidthLazyEmoji, lazyIcuSegmenters, meowLazyNormalize, memoisedStringWidth, inkOutputCachesAcrossFrames];
