import { useReducer, useState } from 'react';
import { Box, Text } from 'ink';
import { sanitizeLine } from '../../lib/sanitize.ts';
import type { Keymap } from '../keys/keymap.ts';
import { useScreenKeys, useShell } from '../shell/shell-context.tsx';
import { truncate } from '../text/graphemes.ts';
import { tone } from '../theme.ts';
import { handleLineInputKey, lineInput, lineInputReducer, LineInput } from './line-input.tsx';

type ConfirmKey = 'confirm' | 'cancel';

const confirmKeymap: Keymap<ConfirmKey> = [
  { action: 'confirm', keys: ['enter'], description: 'delete', footer: true },
  { action: 'cancel', keys: ['esc'], description: 'cancel', footer: true },
];

/**
 * A destructive action confirmed by typing a name (as GitHub asks for a repository's name): a stray
 * Enter or `y` cannot delete anything. Runs `action`; its error stays on screen as one line.
 */
export function ConfirmTyped({
  title,
  details,
  expected,
  what,
  action,
  onDone,
}: {
  title: string;
  details: string[];
  expected: string;
  what: string;
  action(): Promise<string>;
  onDone(message: string): void;
}) {
  const shell = useShell();
  const [input, dispatch] = useReducer(lineInputReducer, '', lineInput);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const width = shell.body.width;

  useScreenKeys<ConfirmKey>({
    keymap: confirmKeymap,
    capturesText: true,
    onAction(a) {
      if (busy) return;
      if (a === 'cancel') return shell.pop();
      if (input.value.trim() !== expected) {
        setError(`that is not ${sanitizeLine(expected)}; nothing was deleted`);
        return;
      }
      setBusy(true);
      action().then(onDone, (e: unknown) => {
        setBusy(false);
        setError(e instanceof Error ? ((e as { line?: string }).line ?? e.message) : String(e));
      });
    },
    onText(text, key) {
      setError(null);
      return handleLineInputKey(text, key, dispatch);
    },
    onPaste(text) {
      dispatch({ type: 'insert', text: text.trim() });
    },
  });

  return (
    <Box flexDirection="column" width={width}>
      <Text bold color={tone('warn')}>
        {truncate(title, width)}
      </Text>
      {details.map((d, i) => (
        <Text key={i} wrap="truncate-end">
          {truncate(`  ${d}`, width)}
        </Text>
      ))}
      <Text> </Text>
      <Text wrap="truncate-end">{truncate(`Type ${sanitizeLine(expected)} to confirm, then Enter (Esc cancels):`, width)}</Text>
      <Box>
        <Text>{'› '}</Text>
        <LineInput state={input} width={Math.min(48, width - 2)} focused={!busy} />
      </Box>
      {busy && <Text dimColor>deleting {what}…</Text>}
      {error && <Text color={tone('error')}>{truncate(sanitizeLine(error), width)}</Text>}
    </Box>
  );
}
