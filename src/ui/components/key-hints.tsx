import { Text } from 'ink';
import { formatKey, type Keymap } from '../keys/keymap.ts';
import { displayWidth } from '../text/graphemes.ts';
import { tone } from '../theme.ts';

/** The footer: the keys that apply right now, drawn from the keymaps that handle them, on one line. */
export function KeyHints({ keymaps, width }: { keymaps: Keymap[]; width: number }) {
  const items: { key: string; label: string }[] = [];
  let used = 0;
  for (const b of keymaps.flat()) {
    if (!b.footer) continue;
    const key = b.keys.slice(0, 2).map(formatKey).join('/');
    const w = displayWidth(key) + 1 + displayWidth(b.description) + 2;
    if (used + w > width) break;
    used += w;
    items.push({ key, label: b.description });
  }
  return (
    <Text wrap="truncate-end">
      {items.map((item, i) => (
        <Text key={i}>
          <Text bold color={tone('key')}>
            {item.key}
          </Text>
          <Text dimColor> {item.label}</Text>
          {'  '}
        </Text>
      ))}
    </Text>
  );
}
