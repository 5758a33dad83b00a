import type { ReactElement } from 'react';
import { Text } from 'ink';
import type { PresenceKind } from '../../presence/presence-key.ts';
import { truncate } from '../text/graphemes.ts';
import { tone } from '../theme.ts';
import { editorLine, quietLine } from './presence-text.ts';
import { useEditorsOf, usePresenceStatus } from './use-presence.ts';

const MAX_LINES = 3;

/**
 * A detail's presence: one line per other console editing the record ("boris is editing since 10:02 from
 * 100.101.2.3"), else one dim line saying nobody is (or why that is unknown). Nothing without presence (fakes).
 */
export function usePresenceLines(kind: PresenceKind, id: string, active: boolean, width: number): { lines: ReactElement[] } {
  const { editors, snapshot } = useEditorsOf(kind, id, active);
  const status = usePresenceStatus();
  if (status === undefined) return { lines: [] };
  if (editors.length === 0) {
    const text = quietLine(snapshot, status, kind);
    const warn = Boolean(snapshot?.error) || status.state === 'failed';
    return {
      lines: [
        <Text key="quiet" dimColor={!warn} color={warn ? tone('warn') : undefined} wrap="truncate-end">
          {truncate(text, width)}
        </Text>,
      ],
    };
  }
  const shown = editors.slice(0, MAX_LINES);
  return {
    lines: shown.map((e, i) => (
      <Text key={`${e.pid}-${e.key}`} color={tone('warn')} bold wrap="truncate-end">
        {truncate(`✎ ${editorLine(e)}${i === MAX_LINES - 1 && editors.length > MAX_LINES ? ` (+${editors.length - MAX_LINES} more)` : ''}`, width)}
      </Text>
    )),
  };
}
