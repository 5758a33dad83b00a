import { useState } from 'react';
import { Box, Text } from 'ink';
import { sanitizeLine } from '../../../lib/sanitize.ts';
import { useScreenActive, useScreenKeys, useShell } from '../../shell/shell-context.tsx';
import { formatInstant } from '../../text/format.ts';
import { USER_SCHEMA } from '../../../schema/user-schema.ts';
import { truncate } from '../../text/graphemes.ts';
import { tone } from '../../theme.ts';
import { disableActions } from '../../keys/keymap.ts';
import { useWriteBlock } from '../../hooks/use-write-gate.ts';
import { userDetailKeymap, type UserDetailAction } from './users-keymap.ts';
import { useUser } from './use-user.ts';
import { usePresenceLines } from '../../presence/presence-lines.tsx';

export function UserDetailScreen({ userId }: { userId: string }) {
  const shell = useShell();
  const readOnly = useWriteBlock('users');
  const active = useScreenActive();
  const [token, setToken] = useState(0);
  const { user, error } = useUser(userId, active, token, true);
  const width = shell.body.width;
  const presence = usePresenceLines('user', userId, active, width);
  useScreenKeys<UserDetailAction>({
    // History stays reachable for a user that is gone: it shows who deleted it.
    // (None while loading: keys typed meanwhile wait for the real ones.)
    keymap: user
      ? disableActions<UserDetailAction>(userDetailKeymap, ['edit', 'delete'], readOnly)
      : user === null
        ? userDetailKeymap.filter((k) => k.action === 'history')
        : [],
    onAction(action) {
      if (action === 'history') return shell.push({ name: 'user-history', userId });
      if (readOnly && action !== 'reload') return;
      if (action === 'edit') shell.push({ name: 'user-edit', userId });
      else if (action === 'delete') shell.push({ name: 'user-delete', userId });
      else setToken((t) => t + 1);
    },
  });
  const row = (label: string, value: string) => (
    <Text key={label} wrap="truncate-end">
      {truncate(`${label.padEnd(14)}${value}`, width)}
    </Text>
  );
  return (
    <Box flexDirection="column" width={width}>
      <Text bold wrap="truncate-end">
        User {sanitizeLine(userId)}
      </Text>
      {error && <Text color={tone('error')}>{truncate(sanitizeLine(error), width)}</Text>}
      {user === undefined && !error && <Text dimColor>loading…</Text>}
      {user === null && <Text color={tone('warn')}>No user with id {sanitizeLine(userId)} (deleted?). Esc goes back.</Text>}
      {user && presence.lines}
      {user && [
        // Every field in table order (src/schema/user-table.ts): times as instants, text sanitised.
        ...USER_SCHEMA.filter((f) => f.role !== 'bookkeeping').map((f) => {
          const value = user[f.name];
          return row(f.label, value instanceof Date ? formatInstant(value) : sanitizeLine(value));
        }),
      ]}
    </Box>
  );
}
