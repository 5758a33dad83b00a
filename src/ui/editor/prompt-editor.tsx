import { memo, useMemo, useRef } from 'react';
import { Box, Text, type DOMElement } from 'ink';
import { TerminalCursor } from '../components/terminal-cursor.tsx';
import { graphemes } from '../text/graphemes.ts';
import { formatPromptStats } from '../text/prompt-stats.ts';
import { CONTINUATION, cellText, drawRange, wrapLine } from '../text/wrap.ts';
import { displayWidth, firstGrapheme, fit, truncate } from '../text/graphemes.ts';
import { tone } from '../theme.ts';
import { visualRowOf, type EditorState } from './editor-state.ts';
import { GUTTER, wrapWidth } from './editor-command.ts';
import { useEditorState, type EditorStore } from './editor-store.ts';

/** Where the cursor is on screen: its visual row in the whole text and its column. */
function locate(state: EditorState, width: number): { visualRow: number; totalRows: number } {
  let before = 0;
  let total = 0;
  for (let r = 0; r < state.lines.length; r++) {
    const n = wrapLine(state.lines[r]!, width).length;
    if (r < state.cursor.row) before += n;
    total += n;
  }
  const rows = wrapLine(state.lines[state.cursor.row]!, width);
  return { visualRow: before + visualRowOf(rows, state.cursor.col), totalRows: total };
}

interface DrawnRow {
  key: string;
  /** A wrapped continuation of the line above (drawn with the mark in the margin). */
  continued: boolean;
  before: string;
  at?: string;
  after: string;
}

/**
 * The editor view: `height` screen rows of soft-wrapped text, scrolled to keep the cursor in sight, the
 * cursor drawn as an inverse cell (wide for a wide character). Text is drawn sanitised grapheme by
 * grapheme (a control character shows as \x1b) so what is on screen lines up with the cursor.
 */
export function PromptEditor({ state, width, height, focused }: { state: EditorState; width: number; height: number; focused: boolean }) {
  const w = wrapWidth(width);
  const box = useRef<DOMElement>(null);
  const top = useRef(0);
  const lastRow = useRef(0);
  const { visualRow, totalRows } = locate(state, w);
  // A jump of a page or more (PgDn, Ctrl-End) scrolls the view along, keeping the cursor's place on screen.
  const jump = visualRow - lastRow.current;
  if (Math.abs(jump) >= Math.max(1, height - 1)) top.current += jump;
  lastRow.current = visualRow;
  if (visualRow < top.current) top.current = visualRow;
  if (visualRow >= top.current + height) top.current = visualRow - height + 1;
  top.current = Math.max(0, Math.min(top.current, Math.max(0, totalRows - height)));

  const drawn: DrawnRow[] = [];
  let index = 0;
  for (let r = 0; r < state.lines.length && drawn.length < height; r++) {
    const line = state.lines[r]!;
    const rows = wrapLine(line, w);
    if (index + rows.length <= top.current) {
      index += rows.length;
      continue;
    }
    const cursorK = r === state.cursor.row ? visualRowOf(rows, state.cursor.col) : -1;
    for (let k = 0; k < rows.length && drawn.length < height; k++, index++) {
      if (index < top.current) continue;
      const { start, end } = rows[k]!;
      if (focused && k === cursorK) {
        const col = state.cursor.col;
        const g = col < end ? firstGrapheme(line.slice(col, end)) : '';
        drawn.push({
          key: `${r}:${k}`,
          continued: k > 0,
          before: drawRange(line, start, col),
          at: g ? cellText(g) : ' ',
          after: drawRange(line, col + g.length, end),
        });
      } else drawn.push({ key: `${r}:${k}`, continued: k > 0, before: drawRange(line, start, end), after: '' });
    }
  }
  const cursorRow = drawn.findIndex((row) => row.at !== undefined);
  return (
    <Box ref={box} flexDirection="column" width={width} height={height}>
      {cursorRow >= 0 && <TerminalCursor anchor={box} column={GUTTER + displayWidth(drawn[cursorRow]!.before)} row={cursorRow} />}
      {/* Every row starts with its margin cell, so an empty line is drawn as a row too (Ink drops an empty Text). */}
      {drawn.map((row) => (
        <Text key={row.key} wrap="truncate-end">
          <Text dimColor>{row.continued ? CONTINUATION : ' '}</Text>
          {row.before}
          {row.at !== undefined && <Text inverse>{row.at}</Text>}
          {row.after}
        </Text>
      ))}
      {drawn.length === 0 && <Text> </Text>}
    </Box>
  );
}

// UTF-8 size per line, keyed by the line (unchanged lines keep their string, and V8 its hash): a key in a
// long prompt measures the line it changed, not the whole text.
const byteCache = new Map<string, number>();
function lineBytes(line: string): number {
  let n = byteCache.get(line);
  if (n === undefined) {
    n = Buffer.byteLength(line, 'utf8');
    if (byteCache.size >= 5000) byteCache.delete(byteCache.keys().next().value!);
    byteCache.set(line, n);
  }
  return n;
}

/** Line and column (in characters as people count them), size, bytes, ≈ tokens, and any notice. */
export function EditorStatus({ state, width }: { state: EditorState; width: number }) {
  const bytes = useMemo(() => state.lines.reduce((n, l) => n + lineBytes(l), state.lines.length - 1), [state.lines]);
  const col = graphemes(state.lines[state.cursor.row]!.slice(0, state.cursor.col)).length + 1;
  const stats = formatPromptStats({ chars: state.chars, bytes, tokens: Math.ceil(state.chars / 4) });
  const position = `Ln ${state.cursor.row + 1}, Col ${col}`;
  const left = `${position} · ${stats}`;
  // A notice (a refused paste) comes first: it is what the person needs to read now.
  const message = state.message ? truncate(state.message, width) : '';
  return (
    <Text wrap="truncate-end">
      {message && <Text color={tone('warn')}>{message}</Text>}
      <Text dimColor>{message ? truncate(`  ${left}`, Math.max(0, width - displayWidth(message))) : fit(left, width)}</Text>
    </Text>
  );
}

/**
 * The editor and its status line on a store: the only components a keystroke renders again (the form
 * around them renders when its props change, or when what it shows about the prompt changes).
 */
export const PromptEditorPane = memo(function PromptEditorPane({ store, width, height, focused }: { store: EditorStore; width: number; height: number; focused: boolean }) {
  const state = useEditorState(store);
  return (
    <>
      <PromptEditor state={state} width={width} height={height} focused={focused} />
      <EditorStatus state={state} width={width} />
    </>
  );
});
