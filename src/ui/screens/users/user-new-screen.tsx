import { SimpleForm } from '../../components/simple-form.tsx';
import { useServices } from '../../services-context.tsx';
import { useShell } from '../../shell/shell-context.tsx';
import { newUserFields, newUserInput } from './user-fields.ts';

/** `n` on users: the Zitadel sub, the email, and when they were first seen (now unless told otherwise). */
export function UserNewScreen() {
  const { users } = useServices();
  const shell = useShell();
  return (
    <SimpleForm
      title="New user"
      fields={newUserFields(new Date())}
      submit={async (values) => {
        const created = await users.create(newUserInput(values));
        shell.notify(`created user ${created.userId}`, 'ok');
        shell.replace({ name: 'user', userId: created.userId });
      }}
    />
  );
}
