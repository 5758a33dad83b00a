import { Box, Text } from 'ink';
import { sanitizeLine } from '../../lib/sanitize.ts';
import { formatKeys, type Keymap } from '../keys/keymap.ts';
import { fit, truncate } from '../text/graphemes.ts';
import { tone } from '../theme.ts';

export interface HelpSection {
  title: string;
  keymap: Keymap;
}

/** Every binding of the current screen and the global ones, from the same tables that handle the keys. */
export function helpRows(sections: HelpSection[]): { heading?: string; keys?: string; text?: string; disabled?: boolean }[] {
  const rows: { heading?: string; keys?: string; text?: string; disabled?: boolean }[] = [];
  for (const section of sections) {
    if (section.keymap.length === 0) continue;
    rows.push({ heading: section.title });
    for (const b of section.keymap) {
      rows.push(b.disabledReason ? { keys: formatKeys(b), text: `${b.description} (disabled: ${sanitizeLine(b.disabledReason)})`, disabled: true } : { keys: formatKeys(b), text: b.description });
    }
  }
  return rows;
}

export function HelpOverlay({ sections, width, height, scroll }: { sections: HelpSection[]; width: number; height: number; scroll: number }) {
  const rows = helpRows(sections);
  const visible = rows.slice(scroll, scroll + Math.max(1, height - 1));
  const keyWidth = Math.min(28, Math.max(8, ...rows.map((r) => (r.keys ?? '').length + 4)));
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold color={tone('accent')}>
        {fit(`Help${rows.length > height - 1 ? ` (${scroll + 1}–${Math.min(rows.length, scroll + height - 1)} of ${rows.length})` : ''}`, width)}
      </Text>
      {visible.map((r, i) =>
        r.heading ? (
          <Text key={i} bold>
            {truncate(r.heading, width)}
          </Text>
        ) : (
          <Text key={i} wrap="truncate-end" dimColor={r.disabled}>
            <Text color={r.disabled ? undefined : tone('key')}>{fit(`  ${r.keys}`, keyWidth)}</Text>
            {truncate(r.text ?? '', Math.max(0, width - keyWidth))}
          </Text>
        ),
      )}
    </Box>
  );
}
