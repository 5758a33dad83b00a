import { describe, expect, expectTypeOf, it } from 'vitest';
import { UserSchema } from '../../src/db/entities/user.ts';
import { flagKeyOf, flagOf, flagUsage, requiredOnCreate, type FieldSpec } from '../../src/schema/field-spec.ts';
import { recordFromRow } from '../../src/schema/record-mapper.ts';
import { USER_SCHEMA, type UserRecord } from '../../src/schema/user-schema.ts';
import type { UserRevisionEntry, UserSnapshot } from '../../src/services/types.ts';
import { userChangeText } from '../../src/commands/user-history.ts';
import { userSnapshotSql } from '../../src/services/user-revisions.ts';
import type { CommandContext } from '../../src/commands/command.ts';
import { fieldInput, userText, userToJson } from '../../src/commands/user-flags.ts';
import { userListColumns, usersCommand } from '../../src/commands/users.ts';
import { validateUser, validateUserPatch } from '../../src/services/validation/user-input.ts';
import { snapshotDiffLines } from '../../src/ui/screens/users/user-history-lines.ts';
import { user } from '../ui/fake-services.ts';
import { formatDateTime } from '../../src/ui/text/format.ts';
import { parseUserRecord, USER_EDITABLE_KEYS, USER_JSON_COLUMNS, USER_KEYS } from '../../src/services/transfer/user-records.ts';
import { newUserFields, newUserInput, userColumns, userSort } from '../../src/ui/screens/users/user-fields.ts';
import { baseOfRow, patchOf, staleOutcome, typedOf, USER_EDIT_FIELDS, userEditDraft } from '../../src/ui/screens/users/edit/user-edit-values.ts';
import { conflictLines, reviewLines } from '../../src/ui/screens/users/edit/user-edit-lines.ts';
import { placeChecker } from './place-check.ts';

const SAMPLES: Record<string, string> = { userId: '3141592653', email: 'walk@example.com', firstSeen: '2026-02-03T04:05:06.000Z', lastSeen: '2026-03-04T05:06:07.000Z' };
const sampleOf = (f: FieldSpec) => SAMPLES[f.name] ?? 'Walk value';
const asText = (v: unknown) => (v instanceof Date ? v.toISOString() : v);
const snap = (u: UserRecord) => userToJson(u) as UserSnapshot;
/** A revision as `users history` gets it from user_revisions. */
const revision = (action: UserRevisionEntry['action'], before: UserSnapshot | null, after: UserSnapshot | null, changed: string[] = []): UserRevisionEntry => ({
  kind: 'revision',
  rev: 1,
  action,
  version: 1,
  changed,
  before,
  after,
  actor: 'tester',
  note: null,
  at: new Date(0),
});

/** Every place a user field must appear, from its schema row (src/schema/user-table.ts); the places that miss it. */
function missingPlaces(field: FieldSpec): string[] {
  const { missing, check } = placeChecker();
  const v = sampleOf(field);
  const base: UserRecord = { userId: '1', email: 'base@example.com', firstSeen: new Date(0), lastSeen: new Date(0), version: 1, updatedAt: new Date(0) };
  const withValue = { ...base, [field.name]: field.kind === 'timestamp' ? new Date(v) : v } as UserRecord;
  check('mapper', () => asText((recordFromRow(USER_SCHEMA, { ...userToJson(base), [field.column]: v }) as Record<string, unknown>)[field.name]) === v);
  check('validation: create', () => asText((validateUser({ userId: '1', email: 'base@example.com', [field.name]: v } as never) as Record<string, unknown>)[field.name]) === v);
  if (field.role === 'field') check('validation: patch', () => asText((validateUserPatch({ [field.name]: v } as never) as Record<string, unknown>)[field.name]) === v);
  check('cli: flag', () => usersCommand.help.includes(`--${flagOf(field)} `) && flagKeyOf(field)! in (usersCommand.options ?? {}));
  if (field.role === 'field') {
    const usage = (action: string) => usersCommand.help.match(new RegExp(`^  \\$ cabinet users ${action} USER_ID .*$`, 'm'))?.[0] ?? '';
    check('cli: create usage', () => `${usage('create')} `.includes(requiredOnCreate(field) ? ` ${flagUsage(field)} ` : ` [${flagUsage(field)}]`));
    check('cli: set usage', () => usage('set').includes(` [${flagUsage(field)}] `));
    const ctx = { options: { [flagKeyOf(field)!]: v } } as unknown as CommandContext;
    check('cli: field input', () => (fieldInput(ctx) as Record<string, unknown>)[field.name] === v);
    check('cli: diff text', () => userText(withValue).includes(`${field.column}: ${v}`));
    check('history: console diff', () => snapshotDiffLines(userToJson(base) as never, userToJson(withValue) as never, 200).some((l) => l.text.includes(field.label) && l.text.includes(v)));
  }
  if (field.role === 'field') {
    check('history: update line', () => userChangeText(revision('update', snap(base), snap(withValue), [field.column])).includes(`${field.column}: ${String(snap(base)[field.column as never])} → ${v}`));
  }
  // A field that names a user (the email) is what a create's and a delete's line show.
  if (field.names) {
    check('history: create line', () => userChangeText(revision('create', null, snap(withValue))).includes(`${field.column} ${v}`));
    check('history: delete line', () => userChangeText(revision('delete', snap(withValue), null)).includes(v));
  }
  check('history: snapshot', () => userSnapshotSql('u').includes(`'${field.column}', `));
  check('cli: list column', () => userListColumns().some((c) => c.value(withValue) !== c.value(base)));
  check('export', () => userToJson(withValue)[field.column] === v);
  check('export: columns', () => USER_KEYS.includes(field.column as never) && USER_JSON_COLUMNS.some(([k]) => k === field.column));
  check('import: accepted', () => {
    const parsed = parseUserRecord({ user_id: '1', email: 'base@example.com', [field.column]: v });
    return parsed.ok && asText(field.kind === 'timestamp' ? new Date(String(parsed.row[field.column as never])) : parsed.row[field.column as never]) === v;
  });
  if (field.role === 'field') check('import: compared and written on an existing user', () => USER_EDITABLE_KEYS.includes(field.column as never));
  check('console: users list column', () => {
    const column = userColumns.find((c) => c.id === field.name);
    return column !== undefined && column.header === field.label.toUpperCase() && column.cell(withValue) === (field.kind === 'timestamp' ? formatDateTime(new Date(v)) : v);
  });
  // A field a new user cannot do without (the id, no default, not nullable) is asked for by the new-user form.
  if (field.role === 'identity' || (field.role === 'field' && field.default === undefined && !field.nullable)) {
    check('console: new-user form', () => {
      const f = newUserFields(new Date()).find((x) => x.key === field.name);
      return f !== undefined && f.label === field.label && f.validate(v) === undefined && (newUserInput({ [field.name]: v }) as Record<string, unknown>)[field.name] === v;
    });
  }
  // A field the table marks for the edit form: the form's text, its draft, the save's patch, the review and the conflict lines.
  if (field.console?.edit) {
    check('console: edit form', () => {
      const b = baseOfRow(base);
      const typed = { ...typedOf(b), [field.name]: v };
      const theirs = { ...base, [field.name]: 'theirs@example.org', version: 2 } as UserRecord;
      const outcome = staleOutcome(b, typed, theirs);
      return (
        typedOf(baseOfRow(withValue))[field.name] === v &&
        userEditDraft(b, typed).fields[field.name] === v &&
        (patchOf(b, typed) as Record<string, unknown>)[field.name] === v &&
        reviewLines(b, typed).some((l) => l.text.includes(field.label) && l.text.includes(v)) &&
        outcome.kind === 'conflict' &&
        conflictLines(b, theirs, typed, outcome.fields).some((l) => l.text.includes('mine') && l.text.includes(v))
      );
    });
  }
  check('test fake: user() default', () => field.name in user({ userId: 'x', email: 'x@example.com' }));
  return missing;
}

describe('the user schema table', () => {
  const given = USER_SCHEMA.filter((f) => f.role !== 'bookkeeping');

  it.each(given.map((f) => [f.name, f] as const))('%s appears everywhere a user field must', (_name, field) => {
    expect(missingPlaces(field)).toEqual([]);
  });

  it('the walk fails for a field the table does not hold', () => {
    const stray: FieldSpec = { name: 'nickname', column: 'nickname', kind: 'line', role: 'field', label: 'nickname', cli: { arg: 'NAME', help: ['x'] } };
    expect(missingPlaces(stray)).toEqual(expect.arrayContaining(['mapper', 'validation: create', 'validation: patch', 'cli: flag', 'cli: create usage', 'cli: set usage', 'cli: field input', 'cli: diff text', 'cli: list column', 'history: console diff', 'history: update line', 'history: snapshot', 'export', 'export: columns', 'import: accepted', 'import: compared and written on an existing user', 'console: users list column', 'console: new-user form', 'test fake: user() default']));
  });

  it('the user edit form changes the fields the table marks for it (today the email), with their labels and hints', () => {
    expect(USER_EDIT_FIELDS).toEqual([expect.objectContaining({ name: 'email', role: 'field', label: 'email', hint: 'name@example.com' })]);
  });

  it('the users list sorts by the fields the table marks sortable, by rank, each shown as a column of the list', () => {
    const sortable = (USER_SCHEMA as readonly FieldSpec[]).filter((f) => f.sort).sort((a, b) => a.sort!.rank - b.sort!.rank);
    expect(userSort.keys).toEqual(sortable.map((f) => f.name));
    expect(userSort.initial).toBe(sortable[0]!.name);
    for (const f of sortable) {
      expect(userSort.descendingFor(f.name as never), f.name).toBe(f.sort!.descending ?? false);
      expect(userColumns.map((c) => c.id), f.name).toContain(f.name);
      expect(usersCommand.help, f.name).toMatch(new RegExp(`--sort KEY\\s+list: [^\\n]*\\b${f.column}\\b`));
    }
  });

  it("the create and set usage lines name the editable fields' options, a create's required ones bare", () => {
    expect(usersCommand.help).toContain('\n  $ cabinet users create USER_ID --email EMAIL [--first-seen TIME] [--last-seen TIME]\n');
    expect(usersCommand.help).toContain('\n  $ cabinet users set USER_ID [--email EMAIL] [--first-seen TIME] [--last-seen TIME] [--expect-version N]\n');
  });

  it("a user's create and delete lines in users history name it by the table's naming fields (the email), an update's by old → new", () => {
    const u = snap(user({ userId: '1', email: 'anna@acme.de' }));
    expect(userChangeText(revision('create', null, u))).toBe('email anna@acme.de');
    expect(userChangeText(revision('delete', u, null))).toBe('deleted anna@acme.de');
    expect(userChangeText(revision('update', u, { ...u, email: 'b@acme.de', last_seen: 'later' }, ['email', 'last_seen']))).toBe(`email: anna@acme.de → b@acme.de; last_seen: ${String(u.last_seen)} → later`);
  });

  it("a revision's snapshot is keyed by exactly the table's columns", () => {
    expectTypeOf<keyof UserSnapshot>().toEqualTypeOf<(typeof USER_SCHEMA)[number]['column']>();
    const sql = userSnapshotSql('u');
    expect([...sql.matchAll(/'(\w+)', (?=u\.|case )/g)].map((m) => m[1])).toEqual(USER_SCHEMA.map((f) => f.column));
  });

  it('the entity maps the same columns', () => {
    const props = UserSchema.meta.properties as Record<string, { fieldName?: string; nullable?: boolean }>;
    expect(Object.keys(props).sort()).toEqual(USER_SCHEMA.map((f) => f.name).sort());
    for (const f of USER_SCHEMA) expect(props[f.name]?.fieldName, f.name).toBe(f.column);
  });
});
