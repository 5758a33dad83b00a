import { useRef } from 'react';
import { Box, Text, type DOMElement } from 'ink';
import { sanitizeLine } from '../../lib/sanitize.ts';
import { truncate } from '../text/graphemes.ts';
import { tone } from '../theme.ts';
import { LineInput, lineInputView, type LineInputState } from './line-input.tsx';
import { TerminalCursor } from './terminal-cursor.tsx';

export const LABEL_WIDTH = 18;

/** Width of the input box in a row `width` wide: the rest goes to the validation message. */
export function inputWidth(width: number): number {
  return Math.max(12, Math.min(48, width - 2 - LABEL_WIDTH - 1 - 24));
}

/**
 * One form row: marker, label, the input, and what validation says about it right now (an error in red,
 * or ✓ with the value as it will be stored when that differs from what was typed, or a hint).
 */
export function FieldRow({
  label,
  state,
  focused,
  width,
  error,
  warning,
  note,
  hint,
  readOnly,
}: {
  label: string;
  state: LineInputState;
  focused: boolean;
  width: number;
  error?: string | undefined;
  /** A value as stored that today's rules would not accept, left as it is (not an error: it is not being changed). */
  warning?: string | undefined;
  note?: string | undefined;
  hint?: string | undefined;
  readOnly?: boolean;
}) {
  const iw = inputWidth(width);
  const room = Math.max(0, width - 2 - LABEL_WIDTH - iw - 1);
  const row = useRef<DOMElement>(null);
  const typing = focused && !readOnly;
  return (
    <Box ref={row} width={width} height={1}>
      {typing && <TerminalCursor anchor={row} column={2 + LABEL_WIDTH + lineInputView(state, iw).column} row={0} />}
      <Text wrap="truncate-end">
        <Text bold={focused}>{focused ? '› ' : '  '}</Text>
        <Text bold={focused} dimColor={readOnly}>
          {truncate(label, LABEL_WIDTH - 1).padEnd(LABEL_WIDTH)}
        </Text>
        {readOnly ? <Text dimColor>{truncate(sanitizeLine(state.value), iw).padEnd(iw)}</Text> : <LineInput state={state} width={iw} focused={focused} />}
        <Text> </Text>
        {error ? (
          <Text color={tone('error')}>{truncate(`✗ ${sanitizeLine(error)}`, room)}</Text>
        ) : warning ? (
          <Text color={tone('warn')}>{truncate(`! ${sanitizeLine(warning)}`, room)}</Text>
        ) : note ? (
          <Text color={tone('ok')}>{truncate(`✓ ${note}`, room)}</Text>
        ) : hint && focused ? (
          <Text dimColor>{truncate(hint, room)}</Text>
        ) : (
          <Text color={tone('ok')}>{readOnly ? '' : truncate('✓', Math.min(1, room))}</Text>
        )}
      </Text>
    </Box>
  );
}

