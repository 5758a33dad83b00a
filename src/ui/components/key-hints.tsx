import { Box, Text } from 'ink';
import type { Keymap } from '../keys/keymap.ts';

/** The footer: the keys that apply right now, drawn from the screen's keymap. */
export function KeyHints({ keymap }: { keymap: Keymap }) {
  const shown = keymap.filter((b) => b.footer);
  return (
    <Box flexWrap="wrap" columnGap={2}>
      {shown.map((b) => (
        <Text key={b.action}>
          <Text bold>{b.keys[0]}</Text> <Text dimColor>{b.description}</Text>
        </Text>
      ))}
    </Box>
  );
}
