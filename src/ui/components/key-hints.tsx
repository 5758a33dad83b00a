import { Text } from 'ink';
import { formatKey, type Binding, type Keymap } from '../keys/keymap.ts';
import { displayWidth } from '../text/graphemes.ts';
import { tone } from '../theme.ts';

const label = (b: Binding) => b.keys.slice(0, 2).map(formatKey).join('/');
const itemWidth = (b: Binding) => displayWidth(label(b)) + 1 + displayWidth(b.description) + 2;

/**
 * The footer: the keys that apply right now, drawn from the keymaps that handle them, on one line. The
 * pinned ones (help, command, quit) always show, at the end; the screen's keys fill the room before them.
 */
export function KeyHints({ keymaps, pinned = [], width }: { keymaps: Keymap[]; pinned?: Keymap; width: number }) {
  const tail = pinned.filter((b) => b.footer);
  let used = tail.reduce((n, b) => n + itemWidth(b), 0);
  const items: Binding[] = [];
  for (const b of keymaps.flat()) {
    // A disabled key is only in the help (with its reason): the footer shows what can be done now.
    if (!b.footer || b.disabledReason) continue;
    const w = itemWidth(b);
    if (used + w > width) continue;
    used += w;
    items.push(b);
  }
  return (
    <Text wrap="truncate-end">
      {[...items, ...tail].map((b, i) => (
        <Text key={i}>
          <Text bold color={tone('key')}>
            {label(b)}
          </Text>
          <Text dimColor> {b.description}</Text>
          {'  '}
        </Text>
      ))}
    </Text>
  );
}
