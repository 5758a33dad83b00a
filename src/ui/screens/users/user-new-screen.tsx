import { SimpleForm } from '../../components/simple-form.tsx';
import { useServices } from '../../services-context.tsx';
import { useShell } from '../../shell/shell-context.tsx';
import { newUserFields, newUserInput } from './user-fields.ts';

/** `n` on users: the fields the users table marks `console.create` (user-fields.ts), a time defaulting to now starting at now. */
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
