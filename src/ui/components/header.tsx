import { Box, Text } from 'ink';
import type { ConnectionInfo } from '../../services/types.ts';
import { sanitizeLine } from '../../lib/sanitize.ts';
import { fit, truncate } from '../text/graphemes.ts';
import { tone, type Tone } from '../theme.ts';
import { liveModeText } from '../../live/live-feed.ts';
import { useLiveMode } from '../live/use-live.ts';

/** Warnings under the connection line, one line each. */
export function headerWarnings(connection: ConnectionInfo): { tone: Tone; text: string }[] {
  const warnings: { tone: Tone; text: string }[] = [];
  if (connection.pendingMigrations > 0) {
    const n = connection.pendingMigrations;
    warnings.push({ tone: 'warn', text: `⚠ ${n} pending migration${n === 1 ? '' : 's'}: run cabinet migrate (or apply them on :migrate)` });
  }
  if (connection.guardWarning) warnings.push({ tone: 'error', text: `⚠ ${sanitizeLine(connection.guardWarning)}` });
  return warnings;
}

export function headerHeight(connection: ConnectionInfo): number {
  return 1 + headerWarnings(connection).length;
}

/**
 * Which database, as whom (only when that is not already in the connection's name), the screen, and
 * whether writes are possible; then any warnings. Exactly headerHeight() lines. When narrow the line is
 * cut at its end, but read-only / read-write always stays, after how the screens follow changes made by
 * others (`live`, `polling 3s`: live/live-feed.ts).
 */
export function Header({ connection, width, title }: { connection: ConnectionInfo; width: number; title?: string }) {
  const where = sanitizeLine(connection.short ?? connection.label);
  const role = sanitizeLine(connection.role);
  const roleShown = where.startsWith(`${role}@`) ? '' : `  role ${truncate(role, 20)}`;
  const live = liveModeText(useLiveMode());
  const mode = `${live ? `${live} · ` : ''}${connection.readOnly ? 'read-only' : 'read-write'}`;
  const left = truncate(`cabinet  ${where}${roleShown}${title ? `  ${sanitizeLine(title)}` : ''}`, Math.max(0, width - mode.length - 1));
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        <Text bold color={tone('accent')}>
          {left.slice(0, 7)}
        </Text>
        <Text>{fit(left.slice(7), Math.max(0, width - mode.length - 7))}</Text>
        <Text dimColor={!connection.readOnly} color={connection.readOnly ? tone('warn') : undefined}>
          {mode}
        </Text>
      </Text>
      {headerWarnings(connection).map((w) => (
        <Text key={w.text} color={tone(w.tone)} wrap="truncate-end">
          {truncate(w.text, width)}
        </Text>
      ))}
    </Box>
  );
}
