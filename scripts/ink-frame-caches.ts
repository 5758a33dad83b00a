// Build plugins that keep Ink's per-frame text measurements from one frame to the next (#13.3).
//
// Ink 8 draws every frame from scratch: a new `Output` per frame, whose caches (each row's styled
// characters, each string's display width) start empty, so a keystroke in the prompt editor measures
// every character on the screen again (string-width: grapheme segmentation and Unicode property regexes
// per character), the largest part of a key's CPU in a profile of typing. From one frame to the next
// almost every row is the same string, so these plugins make the measurements outlive the frame:
// - every `import stringWidth from 'string-width'` (Ink, widest-line, wrap-ansi, cli-truncate, ours) gets
//   the same function behind a bounded memo (src/lib/bounded-memo.ts), for calls without options;
// - Ink's squashTextNodes sanitises each Text's text through the same bounded memo;
// - Ink's `Output` shares one set of caches across frames, each map bounded the same way. The cached
//   styled characters are only read (cells are replaced, never changed in place), so sharing is safe; a
//   key longer than MEMO_MAX_KEY_LENGTH is not kept (measured every frame, as before);
// - a row cut to a clipping box's columns is kept per row (the console's screens clip every row, each frame).
// Both patch pinned dependency code by text; the build fails if the text to patch is gone.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';
import { MEMO_LIMIT, MEMO_MAX_KEY_LENGTH } from '../src/lib/bounded-memo.ts';

const memoModule = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'lib', 'bounded-memo.ts');

export const memoisedStringWidth: Plugin = {
  name: 'memoised-string-width',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.pluginData?.real) return undefined;
      // Each importer keeps the copy it would get (cliui's string-width 4 stays string-width 4).
      const real = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { real: true } });
      if (real.errors.length > 0) return { errors: real.errors };
      // A path of its own (not ending in index.js), so no plugin that patches string-width's file loads it.
      return { path: `${real.path}.memoised`, namespace: 'memoised-string-width' };
    });
    b.onLoad({ filter: /.*/, namespace: 'memoised-string-width' }, (args) => {
      const real = args.path.replace(/\.memoised$/, '');
      return {
        contents: [
          `import stringWidth from ${JSON.stringify(real)};`,
          `import { boundedMemo } from ${JSON.stringify(memoModule)};`,
          'const memo = boundedMemo((text) => stringWidth(text));',
          'export default function memoisedStringWidth(text, options) {',
          "  return options === undefined && typeof text === 'string' ? memo(text) : stringWidth(text, options);",
          '}',
        ].join('\n'),
        resolveDir: path.dirname(real),
        loader: 'js',
      };
    });
  },
};

const boundedMap = [
  'class BoundedMap extends Map {',
  '    set(key, value) {',
  `        if (key.length > ${MEMO_MAX_KEY_LENGTH}) return this;`,
  `        if (this.size >= ${MEMO_LIMIT}) this.clear();`,
  '        return super.set(key, value);',
  '    }',
  '}',
].join('\n');
// The rows of a write's text, as styled strings: a function of the text, kept with the other caches.
const splitRows = [
  '        // Preserve styles across explicit newlines before clipping individual rows.',
  '        const characterLines = [[]];',
  '        for (const character of this.caches.getStyledChars(text)) {',
  "            if (character.value === '\\n') {",
  '                characterLines.push([]);',
  '            }',
  '            else {',
  '                characterLines.at(-1).push(character);',
  '            }',
  '        }',
  '        let lines = characterLines.map(line => styledCharsToString(line));',
].join('\n');
const cachedRows = [
  '        let lines = this.caches.rows.get(text);',
  '        if (lines === undefined) {',
  splitRows.replace('        let lines = ', '        lines = '),
  '            this.caches.rows.set(text, lines);',
  '        }',
].join('\n');
const patches: [string, string][] = [
  // One set of caches for every frame, its maps bounded.
  [
    'class OutputCaches {\n    widths = new Map();\n    blockWidths = new Map();\n    styledChars = new Map();',
    `${boundedMap}\nclass OutputCaches {\n    widths = new BoundedMap();\n    blockWidths = new BoundedMap();\n    styledChars = new BoundedMap();\n    rows = new BoundedMap();\n    slices = new BoundedMap();`,
  ],
  ['export default class Output {', 'const sharedCaches = new OutputCaches();\nexport default class Output {'],
  ['    caches = new OutputCaches();', '    caches = sharedCaches;'],
  // Only reassigned below (map, slice), never changed in place: sharing the array across frames is safe.
  [splitRows, cachedRows],
  // A row cut to a clip's columns (every row inside a Box with overflow hidden, as the console's screens are,
  // each frame): a function of the row and the columns, kept per row from frame to frame.
  [
    "    sliceLineToColumns(line, from, to) {\n        if (from >= to) {\n            return '';\n        }",
    [
      '    sliceLineToColumns(line, from, to) {',
      '        const kept = this.caches.slices.get(line);',
      '        if (kept !== undefined && kept.from === from && kept.to === to) {',
      '            return kept.text;',
      '        }',
      '        const text = this.sliceLineToColumnsAfresh(line, from, to);',
      '        this.caches.slices.set(line, { from, to, text });',
      '        return text;',
      '    }',
      '    sliceLineToColumnsAfresh(line, from, to) {',
      '        if (from >= to) {',
      "            return '';",
      '        }',
    ].join('\n'),
  ],
];

// Every Text node's squashed text is sanitised again each frame (and again for layout): the same rows,
// the same answers. sanitizeAnsi is a function of its text alone.
const squashImport = "import sanitizeAnsi from './sanitize-ansi.js';";
const squashMemo = `import sanitizeAnsiOf from './sanitize-ansi.js';\nimport { boundedMemo } from ${JSON.stringify(memoModule)};\nconst sanitizeAnsi = boundedMemo(sanitizeAnsiOf);`;

export const inkOutputCachesAcrossFrames: Plugin = {
  name: 'ink-output-caches-across-frames',
  setup(b) {
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]squash-text-nodes\.js$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      if (!source.includes(squashImport)) throw new Error(`${args.path}: the sanitizeAnsi import to patch is gone (Ink changed); update scripts/ink-frame-caches.ts`);
      return { contents: source.replace(squashImport, squashMemo), loader: 'js', resolveDir: path.dirname(args.path) };
    });
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]output\.js$/ }, async (args) => {
      let source = await fs.promises.readFile(args.path, 'utf8');
      for (const [from, to] of patches) {
        if (!source.includes(from)) throw new Error(`${args.path}: ${JSON.stringify(from.split('\n')[0])} to patch is gone (Ink changed); update scripts/ink-frame-caches.ts`);
        source = source.replace(from, to);
      }
      return { contents: source, loader: 'js' };
    });
  },
};

// Ink's Output.get builds the whole screen as a grid of cells every frame (a cell object per column of
// every row) and turns each row back into a string, though a key changes a row or two. Patched: the writes
// that land on each row (their column and their text after clipping and transformers) are collected
// first, and a row whose writes are the same as in the last frame (same width) is last frame's string;
// only the other rows get cells. A row's string is a function of the width and its writes, in order.
const rowLoop = `        for (let [index, line] of lines.entries()) {
            const currentLine = output[y + index];
            // Lines above or below the output area have no corresponding pre-initialized row.
            if (!currentLine) {
                continue;
            }
            for (const transformer of transformers) {
                line = transformer(line, index + y - operation.y);
            }
            const characters = this.caches.getStyledChars(line);
            // Nothing to write (e.g. line was clipped away).
            if (characters.length === 0) {
                continue;
            }
            let offsetX = x;`;
const rowLoopCollecting = `        for (let [index, line] of lines.entries()) {
            const rowWrites = output[y + index];
            // Lines above or below the output area have no corresponding row.
            if (!rowWrites) {
                continue;
            }
            for (const transformer of transformers) {
                line = transformer(line, index + y - operation.y);
            }
            const characters = this.caches.getStyledChars(line);
            // Nothing to write (e.g. line was clipped away).
            if (characters.length === 0) {
                continue;
            }
            rowWrites.push({ x, line, characters });
        }
    }
    applyRowWrite(currentLine, x, characters) {
        {
            let offsetX = x;`;
const getStart = `    get() {
        // Initialize output array with a specific set of rows, so that margin/padding at the bottom is preserved
        const output = [];
        for (let y = 0; y < this.height; y++) {
            const row = [];
            for (let x = 0; x < this.width; x++) {
                row.push({
                    type: 'char',
                    value: ' ',
                    fullWidth: false,
                    styles: [],
                });
            }
            output.push(row);
        }`;
const getEnd = `        const generatedOutput = output
            .map(line => {
            // See https://github.com/vadimdemedes/ink/pull/564#issuecomment-1637022742
            const lineWithoutEmptyItems = line.filter(item => item !== undefined);
            return styledCharsToString(lineWithoutEmptyItems).trimEnd();
        })
            .join('\\n');
        return {
            output: generatedOutput,
            height: output.length,
        };`;
const getStartRows = `    get() {
        // The writes that land on each row, in order (applyWriteOperation collects them).
        const output = [];
        for (let y = 0; y < this.height; y++) {
            output.push([]);
        }`;
const getEndRows = `        const last = this.caches.lastFrame?.width === this.width ? this.caches.lastFrame.rows : [];
        const rows = output.map((writes, y) => {
            const before = last[y];
            if (before !== undefined && before.writes.length === writes.length && before.writes.every((w, i) => w.x === writes[i].x && w.line === writes[i].line)) {
                return before;
            }
            const line = [];
            for (let x = 0; x < this.width; x++) {
                line.push({
                    type: 'char',
                    value: ' ',
                    fullWidth: false,
                    styles: [],
                });
            }
            for (const write of writes) {
                this.applyRowWrite(line, write.x, write.characters);
            }
            // See https://github.com/vadimdemedes/ink/pull/564#issuecomment-1637022742
            const lineWithoutEmptyItems = line.filter(item => item !== undefined);
            return { writes, text: styledCharsToString(lineWithoutEmptyItems).trimEnd() };
        });
        this.caches.lastFrame = { width: this.width, rows };
        return {
            output: rows.map(row => row.text).join('\\n'),
            height: output.length,
        };`;
patches.push([rowLoop, rowLoopCollecting], [getStart, getStartRows], [getEnd, getEndRows]);
