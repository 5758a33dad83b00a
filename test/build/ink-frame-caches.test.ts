// The build's Ink patches (scripts/ink-frame-caches.ts, #13.3): a frame that differs from the last one in
// one row measures that row's characters, not the whole screen again, and draws exactly what unpatched
// Ink draws. Ink and React are bundled here with esbuild and the same plugins scripts/build.ts uses, and
// render rows like the prompt editor's (renderToString runs Ink's renderer, a new Output per frame, as a
// keystroke does); counters on the real string-width, sanitizeAnsi and styledCharsToString underneath add
// up the characters each goes through.
import fs from 'node:fs';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { inkOutputCachesAcrossFrames, memoisedStringWidth } from '../../scripts/ink-frame-caches.ts';
import { boundedMemo } from '../../src/lib/bounded-memo.ts';
import { scratchDir } from '../helpers/scratch.ts';

const root = path.resolve(import.meta.dirname, '..', '..');

// Adds up the characters that reach string-width's own code (after any memo in front of it).
const countWidthCalls: Plugin = {
  name: 'count-width-calls',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]string-width[\\/]index\.js$/, namespace: 'file' }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      const renamed = source.replace('export default function stringWidth(', 'function realStringWidth(');
      if (renamed === source) throw new Error('string-width changed: update this test');
      return {
        contents: `${renamed}\nexport default function stringWidth(text, options) { globalThis.__widthCalls = (globalThis.__widthCalls ?? 0) + String(text).length; return realStringWidth(text, options); }\n`,
        loader: 'js',
      };
    });
  },
};

// The same for Ink's sanitizeAnsi (every Text's squashed text, each frame).
const countSanitized: Plugin = {
  name: 'count-sanitized',
  setup(b) {
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]sanitize-ansi\.js$/, namespace: 'file' }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      const renamed = source.replace('export default sanitizeAnsi;', '');
      if (renamed === source) throw new Error('ink/build/sanitize-ansi.js changed: update this test');
      return {
        contents: `${renamed}\nexport default function counted(text) { globalThis.__sanitized = (globalThis.__sanitized ?? 0) + text.length; return sanitizeAnsi(text); }\n`,
        loader: 'js',
      };
    });
  },
};

// And for the styled cells Ink turns back into strings (@alcalzone/ansi-tokenize's styledCharsToString).
const countStyled: Plugin = {
  name: 'count-styled',
  setup(b) {
    b.onLoad({ filter: /[\\/]ansi-tokenize[\\/]build[\\/]styledChars\.js$/, namespace: 'file' }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      const renamed = source.replace('export function styledCharsToString(chars) {', 'function realStyledCharsToString(chars) {');
      if (renamed === source) throw new Error('@alcalzone/ansi-tokenize changed: update this test');
      return {
        contents: `${renamed}\nexport function styledCharsToString(chars) { globalThis.__styled = (globalThis.__styled ?? 0) + chars.length; return realStyledCharsToString(chars); }\n`,
        loader: 'js',
      };
    });
  },
};

type Frame = (rows: string[]) => string;

async function bundleOutput(plugins: Plugin[], name: string, entry = EDITOR_ROWS): Promise<Frame> {
  const dir = scratchDir(`ink-frame-${name}`);
  await build({ stdin: { contents: entry, resolveDir: root, loader: 'js' }, outdir: dir, splitting: true, outExtension: { '.js': '.mjs' }, bundle: true, format: 'esm', platform: 'node', logLevel: 'silent', external: ['react-devtools-core'], jsx: 'automatic', define: { 'process.env.NODE_ENV': '"production"' }, banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" }, plugins: [countWidthCalls, countSanitized, countStyled, ...plugins] });
  return ((await import(path.join(dir, 'stdin.mjs'))) as { frame: Frame }).frame;
}

const EDITOR_ROWS = `import { createElement as h } from 'react';
import { Box, Text, renderToString } from 'ink';
// The editor's rows: a margin cell, the text, the cursor cell in inverse on one row.
export function frame(rows) {
  const tree = h(Box, { flexDirection: 'column', width: 100 }, rows.map((row, y) =>
    h(Text, { key: y, wrap: 'truncate-end' }, h(Text, { dimColor: true }, row[0]), row.slice(1, 30), y === 12 ? h(Text, { inverse: true }, row[30]) : row[30], row.slice(31))));
  return renderToString(tree, { columns: 100 });
}
`;

// The same rows inside a box that clips them (overflow hidden), as the console's screens draw the editor.
const CLIPPED_ROWS = EDITOR_ROWS.replace("h(Box, { flexDirection: 'column', width: 100 }", "h(Box, { flexDirection: 'column', width: 100, height: 30, overflow: 'hidden' }");

// Boxes with borders that clip their text (wide characters cut at the edge), a box drawn over another
// (absolute), a transform, colours: what other screens draw, frame after frame.
const BOXES = `import { createElement as h } from 'react';
import { Box, Text, renderToString } from 'ink';
export function frame(rows) {
  const tree = h(Box, { flexDirection: 'column', width: 60 },
    h(Box, { borderStyle: 'round', width: 31, height: 8, overflow: 'hidden', flexDirection: 'column' },
      rows.slice(0, 8).map((row, y) => h(Text, { key: y, wrap: 'truncate-end', color: y % 3 ? undefined : 'green' }, row))),
    h(Box, { position: 'absolute', marginLeft: 20 + (rows.length % 7), marginTop: 3, borderStyle: 'single', width: 18, height: 4, overflow: 'hidden' },
      h(Text, { wrap: 'wrap' }, rows[8])),
    h(Box, { width: 45, overflowX: 'hidden' }, h(Text, { wrap: 'wrap' }, rows[9])),
    h(Text, { transform: (line, i) => (i % 2 ? line.toUpperCase() : line) }, rows.slice(10, 13).join('\\n')),
    h(Box, { marginLeft: -1 }, h(Text, {}, rows[13])));
  return renderToString(tree, { columns: 60 });
}
`;

function counters(): { width: number; sanitized: number; styled: number } {
  const g = globalThis as { __widthCalls?: number; __sanitized?: number; __styled?: number };
  return { width: g.__widthCalls ?? 0, sanitized: g.__sanitized ?? 0, styled: g.__styled ?? 0 };
}

/** One frame: what it drew, and how many characters string-width, sanitizeAnsi and styledCharsToString went through. */
function measure(frame: Frame, rows: string[]): { calls: number; sanitized: number; styled: number; output: string } {
  const before = counters();
  const output = frame(rows);
  const after = counters();
  return { calls: after.width - before.width, sanitized: after.sanitized - before.sanitized, styled: after.styled - before.styled, output };
}

// A screen of the prompt editor: German, Russian, an emoji, a wide character, 30 rows of ~95 cells.
const words = ['Antworte', 'immer', 'höflich,', 'kurz', 'und', 'auf', 'Deutsch.', 'Ты', 'помогаешь', 'клиентам', '👋', '家族', 'booking', 'page'];
const screen = Array.from({ length: 30 }, (_, y) => {
  let row = y % 2 ? '↪' : ' ';
  row += ' ';
  for (let i = y; row.length < 90; i++) row += `${words[i % words.length]} `;
  return row.trimEnd();
});
const typed = screen.map((row, y) => (y === 12 ? `${row.slice(0, 40)}x${row.slice(40)}` : row));

describe('Ink frames in the build (scripts/ink-frame-caches.ts)', () => {
  it('a frame that changes one row measures and sanitises about that row, where unpatched Ink does every cell again; both draw the same', async () => {
    const patched = await bundleOutput([memoisedStringWidth, inkOutputCachesAcrossFrames], 'patched');
    const plain = await bundleOutput([], 'plain');
    const cells = screen.reduce((n, row) => n + [...row].length, 0);

    measure(plain, screen);
    const plainKey = measure(plain, typed);
    measure(patched, screen);
    const patchedKey = measure(patched, typed);

    // Unpatched: every character of the screen goes through string-width again (and more).
    expect(plainKey.calls).toBeGreaterThan(cells);
    // Patched: the changed row's new text (a few times over), not the 30 rows.
    expect(patchedKey.calls).toBeLessThan(cells / 5);
    // And sanitising: unpatched, every row's text again (twice: layout and drawing); patched, the changed row.
    expect(plainKey.sanitized).toBeGreaterThan(cells);
    expect(patchedKey.sanitized).toBeLessThan(cells / 5);
    // Cells back to strings: unpatched, each Text's rows and then each screen row; patched, the changed
    // Text's rows and the one screen row they land on (the other rows are last frame's strings).
    expect(plainKey.styled).toBeGreaterThan(1.8 * cells);
    expect(patchedKey.styled).toBeLessThan(cells / 5);
    expect(patchedKey.output).toBe(plainKey.output);
    expect(measure(patched, screen).output).toBe(measure(plain, screen).output);
  });

  it('inside a box that clips (as the console draws the editor), a frame that changes one row cuts about that row to the box, not every row; both draw the same', async () => {
    expect(CLIPPED_ROWS).not.toBe(EDITOR_ROWS);
    const patched = await bundleOutput([memoisedStringWidth, inkOutputCachesAcrossFrames], 'patched-clipped', CLIPPED_ROWS);
    const plain = await bundleOutput([], 'plain-clipped', CLIPPED_ROWS);
    const cells = screen.reduce((n, row) => n + [...row].length, 0);
    measure(patched, screen);
    const patchedKey = measure(patched, typed);
    // Each row cut to the clip's columns is turned back into a string: before, every row, every frame.
    expect(patchedKey.styled).toBeLessThan(cells / 5);
    expect(patchedKey.calls).toBeLessThan(cells / 5);
    measure(plain, screen);
    expect(patchedKey.output).toBe(measure(plain, typed).output);
    expect(measure(patched, screen).output).toBe(measure(plain, screen).output);
  });

  it('draws what unpatched Ink draws, frame after frame, with borders, clipping, wide characters, overlaps and transforms', async () => {
    const patched = await bundleOutput([memoisedStringWidth, inkOutputCachesAcrossFrames], 'boxes-patched', BOXES);
    const plain = await bundleOutput([], 'boxes-plain', BOXES);
    const pieces = ['家族', 'ы', ' ', 'abc', '👋', '↪', '\\u001b[31mrot\\u001b[39m', 'x', 'Straße', '🇩🇪'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let rows = Array.from({ length: 14 + Math.floor(next() * 3) }, () => Array.from({ length: 12 }, () => pieces[Math.floor(next() * pieces.length)]).join(''));
    const first = plain(rows);
    expect(first).toContain('╭');
    expect(first).toContain('┌');
    expect(first).toMatch(/家|族/);
    for (let i = 0; i < 60; i++) {
      expect(patched(rows), `frame ${i}`).toBe(plain(rows));
      // Change one or two rows (sometimes none, sometimes the count), as keys do.
      rows = rows.map((row) => (next() < 0.1 ? `${pieces[Math.floor(next() * pieces.length)]}${row.slice(0, 30)}` : row));
      if (next() < 0.1) rows = next() < 0.5 ? [...rows, 'neu 家'] : rows.slice(0, Math.max(14, rows.length - 1));
    }
  });

  it('the memo forgets everything at its limit and never keeps a long key', () => {
    let computed = 0;
    const width = boundedMemo((s) => (computed++, s.length), 3, 10);
    for (const s of ['a', 'b', 'a', 'c', 'a']) width(s);
    expect(computed).toBe(3);
    width('d'); // the fourth key: the memo is cleared first
    width('a');
    expect(computed).toBe(5);
    const long = 'x'.repeat(11);
    expect(width(long)).toBe(11);
    width(long);
    expect(computed).toBe(7);
  });
});
