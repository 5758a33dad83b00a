import { useState } from 'react';
import { Box, Text } from 'ink';
import { sanitizeLine } from '../../../lib/sanitize.ts';
import { USER_NAMING_FIELDS } from '../../../schema/user-schema.ts';
import { useServices } from '../../services-context.tsx';
import { useScreenKeys, useShell } from '../../shell/shell-context.tsx';
import { truncate } from '../../text/graphemes.ts';
import { tone } from '../../theme.ts';
import { confirmDeleteKeymap, type ConfirmAction } from './users-keymap.ts';
import { useUser } from './use-user.ts';
import { editorLine } from '../../presence/presence-text.ts';
import { useEditorsOf } from '../../presence/use-presence.ts';

/** `d` on a user: y deletes, anything in the keymap's cancel set backs out. */
export function UserDeleteScreen({ userId }: { userId: string }) {
  const { users } = useServices();
  const shell = useShell();
  const { user } = useUser(userId);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Someone editing the user would lose their edit to this delete: said before it is confirmed.
  const { editors } = useEditorsOf('user', userId, true);
  const width = shell.body.width;
  useScreenKeys<ConfirmAction>({
    keymap: user ? confirmDeleteKeymap : [],
    onAction(action) {
      if (busy || !user) return;
      if (action === 'cancel') return shell.pop();
      setBusy(true);
      const version = (user as { version?: number }).version;
      type Delete = (id: string, options?: { expectedVersion?: number }) => Promise<unknown>;
      (users.delete as Delete).call(users, userId, typeof version === 'number' ? { expectedVersion: version } : {}).then(
        () => {
          shell.notify(`deleted user ${userId}`, 'ok');
          shell.reset({ name: 'users' });
        },
        (e: unknown) => {
          setBusy(false);
          setError(e instanceof Error ? ((e as { line?: string }).line ?? e.message) : String(e));
        },
      );
    },
  });
  if (user === undefined) return <Text dimColor>loading…</Text>;
  if (user === null) return <Text color={tone('warn')}>No user with id {sanitizeLine(userId)}. Esc goes back.</Text>;
  return (
    <Box flexDirection="column" width={width}>
      <Text bold color={tone('warn')} wrap="truncate-end">
        {truncate(`Delete user ${sanitizeLine(user.userId)} (${USER_NAMING_FIELDS.map((f) => sanitizeLine(String(user[f.name] ?? ''))).join(', ')})?`, width)}
      </Text>
      {editors.map((e) => (
        <Text key={`${e.pid}-${e.key}`} color={tone('warn')} wrap="truncate-end">
          {truncate(`✎ ${editorLine(e)}`, width)}
        </Text>
      ))}
      <Text wrap="truncate-end">{busy ? 'deleting…' : 'y delete · n/Esc cancel'}</Text>
      {error && <Text color={tone('error')}>{truncate(sanitizeLine(error), width)}</Text>}
    </Box>
  );
}
