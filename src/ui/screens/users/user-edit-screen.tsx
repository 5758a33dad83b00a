import { Text } from 'ink';
import { sanitizeLine } from '../../../lib/sanitize.ts';
import { PresenceGate } from '../../presence/presence-gate.tsx';
import { tone } from '../../theme.ts';
import { ConflictMode } from './edit/modes/conflict-mode.tsx';
import { DiscardMode } from './edit/modes/discard-mode.tsx';
import { EditingMode } from './edit/modes/editing-mode.tsx';
import { GoneMode } from './edit/modes/gone-mode.tsx';
import { ReviewMode } from './edit/modes/review-mode.tsx';
import { useUserEdit } from './edit/use-user-edit.ts';
import { useUserEditStart, type UserEditStart } from './edit/use-user-edit-start.ts';

/** `e` on a user: the fields the users table marks `console.edit` (the email; the id is the IdP's). */
export function UserEditScreen({ userId }: { userId: string }) {
  // Warns first when someone else is editing this user, and announces this edit while the form is open.
  return (
    <PresenceGate kind="user" id={userId}>
      <UserEditOpen userId={userId} />
    </PresenceGate>
  );
}

function UserEditOpen({ userId }: { userId: string }) {
  const start = useUserEditStart(userId);
  if (start.status === 'loading') return <Text dimColor>loading…</Text>;
  if (start.status === 'error') return <Text color={tone('error')}>{sanitizeLine(start.message)}</Text>;
  if (start.status === 'missing') return <Text color={tone('warn')}>No user with id {sanitizeLine(userId)}. Esc goes back.</Text>;
  return <UserEditForm start={start.start} />;
}

/**
 * The edit itself: its state and writes in one controller (edit/use-user-edit.ts), each mode its own
 * component with its own keymap (edit/modes/), so a new mode is a new file and one line here.
 */
function UserEditForm({ start }: { start: UserEditStart }) {
  const edit = useUserEdit(start);
  switch (edit.mode.kind) {
    case 'review':
      return <ReviewMode edit={edit} />;
    case 'conflict':
      return <ConflictMode edit={edit} theirs={edit.mode.theirs} fields={edit.mode.fields} />;
    case 'gone':
      return <GoneMode edit={edit} />;
    case 'discard':
      return <DiscardMode edit={edit} />;
  }
  return <EditingMode edit={edit} />;
}
