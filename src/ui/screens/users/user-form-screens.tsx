import { Text } from 'ink';
import { validateUserField } from '../../../services/validation/user-input.ts';
import { sanitizeLine } from '../../../lib/sanitize.ts';
import { SimpleForm } from '../../components/simple-form.tsx';
import { useServices } from '../../services-context.tsx';
import { useShell } from '../../shell/shell-context.tsx';
import { tone } from '../../theme.ts';
import { useUser } from './use-user.ts';

const check = (field: 'userId' | 'email' | 'firstSeen') => (value: string) => {
  const r = validateUserField(field, value);
  return r.ok ? undefined : r.error;
};

/** `n` on users: the Zitadel sub, the email, and when they were first seen (now unless told otherwise). */
export function UserNewScreen() {
  const { users } = useServices();
  const shell = useShell();
  return (
    <SimpleForm
      title="New user"
      fields={[
        { key: 'userId', label: 'user id', initial: '', hint: 'the Zitadel sub', validate: check('userId') },
        { key: 'email', label: 'email', initial: '', hint: 'name@example.com', validate: check('email') },
        { key: 'firstSeen', label: 'first seen', initial: new Date().toISOString(), hint: 'ISO 8601; default now', validate: check('firstSeen') },
      ]}
      submit={async (values) => {
        const created = await users.create({ userId: values.userId!, email: values.email!, firstSeen: values.firstSeen! });
        shell.notify(`created user ${created.userId}`, 'ok');
        shell.replace({ name: 'user', userId: created.userId });
      }}
    />
  );
}

/** `e` on a user: the email is the one thing an admin changes (the id is the IdP's). */
export function UserEditScreen({ userId }: { userId: string }) {
  const { users } = useServices();
  const shell = useShell();
  const { user, error } = useUser(userId);
  if (error) return <Text color={tone('error')}>{sanitizeLine(error)}</Text>;
  if (user === undefined) return <Text dimColor>loading…</Text>;
  if (user === null) return <Text color={tone('warn')}>No user with id {sanitizeLine(userId)}. Esc goes back.</Text>;
  return (
    <SimpleForm
      title={`Edit user ${sanitizeLine(userId)}`}
      fields={[
        { key: 'userId', label: 'user id', initial: user.userId, readOnly: true, validate: () => undefined },
        { key: 'email', label: 'email', initial: user.email, hint: 'name@example.com', validate: check('email') },
      ]}
      submit={async (values) => {
        if (values.email!.trim() === user.email) {
          shell.notify('nothing changed');
          shell.pop();
          return;
        }
        const version = (user as { version?: number }).version;
        // With the version the edit started from, a user changed meanwhile is not overwritten unseen (issue 4).
        type Update = (id: string, patch: { email: string }, options?: { expectedVersion?: number }) => Promise<unknown>;
        await (users.update as Update).call(users, userId, { email: values.email! }, typeof version === 'number' ? { expectedVersion: version } : {});
        shell.notify(`saved user ${userId}: email`, 'ok');
        shell.pop();
      }}
    />
  );
}
