import { Box, Text } from 'ink';
import { sanitizeLine } from '../../lib/sanitize.ts';
import { formatKeys, type Keymap } from '../keys/keymap.ts';
import { fit, truncate } from '../text/graphemes.ts';
import { tone } from '../theme.ts';

export interface HelpSection {
  title: string;
  keymap: Keymap;
  /** Rows that are not keys of the console (the commands to run in a shell): what to type, and what it does. */
  commands?: readonly { command: string; description: string }[];
}

/** The commands an admin comes for besides the console, shown at the end of every `?` help. */
export const SHELL_COMMANDS: HelpSection = {
  title: 'In a shell',
  keymap: [],
  commands: [
    { command: 'cabinet seed --demo', description: 'demo sites and users for an empty database (a no-op when they are there)' },
    { command: 'cabinet migrate', description: 'apply pending migrations (or a on :migrate)' },
    { command: 'cabinet --help', description: 'every command: sites, users, import/export, doctor, roles' },
  ],
};

/** Every binding of the current screen and the global ones, from the same tables that handle the keys. */
export function helpRows(sections: HelpSection[]): { heading?: string; keys?: string; text?: string; disabled?: boolean }[] {
  const rows: { heading?: string; keys?: string; text?: string; disabled?: boolean }[] = [];
  for (const section of sections) {
    if (section.keymap.length === 0 && !section.commands?.length) continue;
    rows.push({ heading: section.title });
    for (const c of section.commands ?? []) rows.push({ keys: c.command, text: c.description });
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
