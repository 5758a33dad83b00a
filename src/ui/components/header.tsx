import { Box, Text } from 'ink';
import type { ConnectionInfo } from '../../services/types.ts';
import { sanitizeLine } from '../../lib/sanitize.ts';
import { displayWidth, fit, truncate, truncateMiddle } from '../text/graphemes.ts';
import { tone, type Tone } from '../theme.ts';

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

/** Which database, as whom, whether writes are possible; then any warnings. Exactly headerHeight() lines. */
export function Header({ connection, width, title }: { connection: ConnectionInfo; width: number; title?: string }) {
  const where = connection.embedded ? `embedded (${sanitizeLine(connection.label)})` : sanitizeLine(connection.label);
  const mode = connection.readOnly ? 'read-only' : 'read-write';
  const right = `role ${truncate(sanitizeLine(connection.role), 20)}  ${title ? `${title}  ` : ''}${mode}`;
  // The label gives way first, from its middle: the host and the database name (its ends) stay visible.
  const labelRoom = Math.max(0, width - displayWidth(right) - 'cabinet  '.length - 2);
  const left = fit(`cabinet  ${truncateMiddle(where, labelRoom)}`, Math.max(0, width - displayWidth(right) - 1));
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        <Text bold color={tone('accent')}>
          {left.slice(0, 7)}
        </Text>
        <Text>{left.slice(7)} </Text>
        <Text dimColor={!connection.readOnly} color={connection.readOnly ? tone('warn') : undefined}>
          {right}
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
