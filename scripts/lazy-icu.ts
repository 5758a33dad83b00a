// Build plugins that keep ICU's grapheme segmenter from being set up before the console's first rows (#13.5).
// The first Intl.Segmenter of a process costs ~12 ms of CPU; string-width, Ink's tokenizer (ansi-tokenize),
// Ink's line-update, wrap-ansi and slice-ansi each built one as they loaded, and the first frame segmented
// every string it drew, ASCII too. string-width and the tokenizer now segment through
// src/lib/grapheme-segments.ts (the same segments, without ICU for text whose code points are clusters of
// their own); the others build theirs on first use. The build fails if the text to patch is gone.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';

const helper = JSON.stringify(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'lib', 'grapheme-segments.ts'));

/** Replaces each `[from, to]` exactly `count` times (default 1), or fails the build naming the file. */
function patch(file: string, source: string, edits: [string, string, number?][]): string {
  let out = source;
  for (const [from, to, count = 1] of edits) {
    const found = out.split(from).length - 1;
    if (found !== count) throw new Error(`${file}: expected ${count} × ${JSON.stringify(from)}, found ${found} (the package changed); update scripts/lazy-icu.ts`);
    out = out.replaceAll(from, to);
  }
  return `import { graphemeSegments as __graphemeSegments, lazySegmenter as __lazySegmenter } from ${helper};\n${out}`;
}

/** string-width's segmenter (its file is already patched by scripts/build.ts: `source` comes from there). */
export function stringWidthWithoutIcu(file: string, source: string): string {
  return patch(file, source, [
    ['const segmenter = new Intl.Segmenter();', ''],
    ['segmenter.segment(string)', '__graphemeSegments(string)'],
  ]);
}

const files: { filter: RegExp; edits: [string, string, number?][] }[] = [
  {
    filter: /[\\/]@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]tokenize\.js$/,
    edits: [
      ['const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });', ''],
      ['segmenter.segment(str)', '__graphemeSegments(str)'],
    ],
  },
  { filter: /[\\/]ink[\\/]build[\\/]line-update\.js$/, edits: [["new Intl.Segmenter(undefined, { granularity: 'grapheme' })", "__lazySegmenter(undefined, { granularity: 'grapheme' })"]] },
  { filter: /[\\/]slice-ansi[\\/]tokenize-ansi\.js$/, edits: [["new Intl.Segmenter(undefined, {granularity: 'grapheme'})", "__lazySegmenter(undefined, {granularity: 'grapheme'})"]] },
  { filter: /[\\/]wrap-ansi[\\/]index\.js$/, edits: [['const segmenter = new Intl.Segmenter();', 'const segmenter = __lazySegmenter();']] },
];

export const lazyIcuSegmenters: Plugin = {
  name: 'lazy-icu-segmenters',
  setup(b) {
    for (const { filter, edits } of files) {
      b.onLoad({ filter }, async (args) => ({ contents: patch(args.path, await fs.promises.readFile(args.path, 'utf8'), edits), loader: 'js', resolveDir: path.dirname(args.path) }));
    }
  },
};
