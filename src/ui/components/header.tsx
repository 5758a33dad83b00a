import { Box, Text } from 'ink';
import type { ConnectionInfo } from '../../services/types.ts';
import { sanitizeLine } from '../../lib/sanitize.ts';

export function Header({ connection }: { connection: ConnectionInfo }) {
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Box columnGap={2}>
        <Text bold>cabinet</Text>
        <Text>{sanitizeLine(connection.label)}</Text>
        <Text dimColor>role {sanitizeLine(connection.role)}</Text>
        {connection.readOnly && <Text color="yellow">read-only</Text>}
      </Box>
      {connection.pendingMigrations > 0 && (
        <Text color="yellow">
          {connection.pendingMigrations} pending migration{connection.pendingMigrations === 1 ? '' : 's'}: run cabinet migrate
        </Text>
      )}
      {connection.guardWarning && <Text color="red">⚠ {sanitizeLine(connection.guardWarning)}</Text>}
    </Box>
  );
}
