import { Box, Text } from 'ink';
import type { Keymap } from '../keys/keymap.ts';
import { fit } from '../text/graphemes.ts';
import type { Tone } from '../theme.ts';
import { tone as toneColor } from '../theme.ts';

/** A display line: text already sanitised and no wider than the view. */
export interface ViewLine {
  text: string;
  tone?: Tone;
  bold?: boolean;
  dim?: boolean;
}

export type ScrollAction = 'down' | 'up' | 'pagedown' | 'pageup' | 'top' | 'bottom';

export const scrollKeymap: Keymap<ScrollAction> = [
  { action: 'down', keys: ['j', 'down'], description: 'scroll down' },
  { action: 'up', keys: ['k', 'up'], description: 'scroll up' },
  { action: 'pagedown', keys: ['pagedown', 'space', 'ctrl+f'], description: 'page down', footer: true },
  { action: 'pageup', keys: ['pageup', 'ctrl+b'], description: 'page up' },
  { action: 'top', keys: ['g', 'home'], description: 'top' },
  { action: 'bottom', keys: ['G', 'end'], description: 'bottom' },
];

/** The new first visible line after a scroll action. */
export function scrollBy(action: ScrollAction, offset: number, total: number, height: number): number {
  const max = Math.max(0, total - height);
  const page = Math.max(1, height - 1);
  const next = {
    down: offset + 1,
    up: offset - 1,
    pagedown: offset + page,
    pageup: offset - page,
    top: 0,
    bottom: max,
  }[action];
  return Math.max(0, Math.min(max, next));
}

/** A window onto many lines; the scroll position is the caller's (it is part of the screen's state). */
export function ScrollView({ lines, offset, width, height }: { lines: ViewLine[]; offset: number; width: number; height: number }) {
  const from = Math.max(0, Math.min(offset, Math.max(0, lines.length - height)));
  return (
    <Box flexDirection="column" width={width} height={height}>
      {lines.slice(from, from + height).map((line, i) => (
        <Text key={from + i} color={line.tone ? toneColor(line.tone) : undefined} bold={line.bold} dimColor={line.dim} wrap="truncate-end">
          {fit(line.text, width)}
        </Text>
      ))}
    </Box>
  );
}
