import { validateUserField } from '../../../services/validation/user-input.ts';
import { SimpleForm } from '../../components/simple-form.tsx';
import { useServices } from '../../services-context.tsx';
import { useShell } from '../../shell/shell-context.tsx';

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
