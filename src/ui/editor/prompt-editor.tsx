import { memo, useRef } from 'react';
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
import { lineSums, sumBefore, type LineSums } from './line-sums.ts';

/** Where the cursor is on screen: its visual row in the whole text, and the text's rows. */
function locate(state: EditorState, width: number, rows: LineSums): { visualRow: number; totalRows: number } {
  const line = wrapLine(state.lines[state.cursor.row]!, width);
  return { visualRow: sumBefore(rows, state.cursor.row) + visualRowOf(line, state.cursor.col), totalRows: rows.total };
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
  // Wrapped rows per line, from the last render's (a key wraps its own line again, not every line).
  const sums = useRef<{ width: number; rows: LineSums } | null>(null);
  const last = sums.current?.width === w ? sums.current.rows : null;
  const rowSums = lineSums(state.lines, (line) => wrapLine(line, w).length, last);
  sums.current = { width: w, rows: rowSums };
  const { visualRow, totalRows } = locate(state, w, rowSums);
  // A jump of a page or more (PgDn, Ctrl-End) scrolls the view along, keeping the cursor's place on screen.
  const jump = visualRow - lastRow.current;
  if (Math.abs(jump) >= Math.max(1, height - 1)) top.current += jump;
  lastRow.current = visualRow;
  if (visualRow < top.current) top.current = visualRow;
  if (visualRow >= top.current + height) top.current = visualRow - height + 1;
  top.current = Math.max(0, Math.min(top.current, Math.max(0, totalRows - height)));

  const drawn: DrawnRow[] = [];
  let index = 0;
  let first = 0;
  // The lines above the view are skipped by their row counts, not wrapped.
  while (first < state.lines.length && index + rowSums.values[first]! <= top.current) index += rowSums.values[first++]!;
  for (let r = first; r < state.lines.length && drawn.length < height; r++) {
    const line = state.lines[r]!;
    const rows = wrapLine(line, w);
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
        <EditorRow key={row.key} continued={row.continued} before={row.before} at={row.at} after={row.after} />
      ))}
      {drawn.length === 0 && <Text> </Text>}
    </Box>
  );
}

/**
 * One screen row: rendered again only when its text or the cursor on it changed, so a key renders the one or
 * two rows it changed, not the ~28 on screen (each a 97-character row in a long prompt's paragraphs).
 */
const EditorRow = memo(function EditorRow({ continued, before, at, after }: Omit<DrawnRow, 'key'>) {
  return (
    <Text wrap="truncate-end">
      <Text dimColor>{continued ? CONTINUATION : ' '}</Text>
      {before}
      {at !== undefined && <Text inverse>{at}</Text>}
      {after}
    </Text>
  );
});

// UTF-8 size of a line (lineSums measures only the lines a key changed).
const lineBytes = (line: string) => Buffer.byteLength(line, 'utf8');

/** Line and column (in characters as people count them), size, bytes, ≈ tokens, and any notice. */
export function EditorStatus({ state, width }: { state: EditorState; width: number }) {
  const sums = useRef<LineSums | null>(null);
  sums.current = lineSums(state.lines, lineBytes, sums.current);
  const bytes = sums.current.total + state.lines.length - 1;
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
