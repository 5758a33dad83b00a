import { describe, expect, it, vi } from 'vitest';
import type { FieldSpec } from '../../src/schema/field-spec.ts';
import { USER_SCHEMA } from '../../src/schema/user-schema.ts';
import { usersCommand } from '../../src/commands/users.ts';
import { userColumns, userSort } from '../../src/ui/screens/users/user-fields.ts';

/**
 * What a newcomer does to add a column to `users`, beside the migration and the entity: one row in the
 * table (src/schema/user-table.ts). Here the table gains `nickname`, a plain text field a person edits and
 * the list may sort by, and nothing else changes; the places that derive from the table pick it up.
 */
vi.mock('../../src/schema/user-table.ts', async (importOriginal) => {
  const { USER_SCHEMA: table } = await importOriginal<typeof import('../../src/schema/user-table.ts')>();
  const { optionalLine } = await import('../../src/schema/field-rules.ts');
  const nickname = {
    name: 'nickname',
    column: 'nickname',
    kind: 'line',
    role: 'field',
    label: 'nickname',
    hint: 'optional',
    nullable: true,
    rule: optionalLine,
    console: { column: { priority: 5, flex: 1, min: 8 }, edit: true },
    sort: { rank: 5 },
    cli: { arg: 'NAME', help: ['what colleagues call the user; "" clears it'] },
  };
  const bookkeeping = table.findIndex((f) => f.role === 'bookkeeping');
  return { USER_SCHEMA: [...table.slice(0, bookkeeping), nickname, ...table.slice(bookkeeping)] };
});

const added = (USER_SCHEMA as readonly FieldSpec[]).find((f) => f.name === 'nickname')!;

describe('a column added to the user schema table', () => {
  it('is in the table the code sees', () => {
    expect(added).toMatchObject({ column: 'nickname', role: 'field' });
  });

  it('the users list sorts by it, after the sorts that were there, ascending, and shows its column', () => {
    expect(userSort.keys).toEqual(['lastSeen', 'firstSeen', 'email', 'userId', 'nickname']);
    expect(userSort.descendingFor('nickname' as never)).toBe(false);
    expect(userColumns.find((c) => c.id === 'nickname')?.header).toBe('NICKNAME');
    expect(usersCommand.help).toMatch(/--sort KEY\s+list: user_id, email, first_seen, last_seen, nickname;/);
  });
});
