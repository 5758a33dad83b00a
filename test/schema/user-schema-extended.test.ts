import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DraftStore } from '../../src/lib/drafts.ts';
import type { FieldSpec } from '../../src/schema/field-spec.ts';
import { USER_SCHEMA, type UserRecord } from '../../src/schema/user-schema.ts';
import type { CommandContext } from '../../src/commands/command.ts';
import { fieldInput } from '../../src/commands/user-flags.ts';
import { userChangeText } from '../../src/commands/user-history.ts';
import { userListColumns, usersCommand } from '../../src/commands/users.ts';
import { validateUserPatch } from '../../src/services/validation/user-input.ts';
import { userColumns, userSort } from '../../src/ui/screens/users/user-fields.ts';
import { conflictLines, goneLines, reviewLines } from '../../src/ui/screens/users/edit/user-edit-lines.ts';
import { baseOfRow, patchOf, staleOutcome, typedOf, USER_EDIT_FIELDS, userEditDraft } from '../../src/ui/screens/users/edit/user-edit-values.ts';
import { usersKeymap } from '../../src/ui/screens/users/users-keymap.ts';
import { waitForDraft } from '../ui/draft-waits.ts';
import { openRealConsole } from '../ui/real-console.ts';
import { KEY, renderConsole } from '../ui/render-console.tsx';

/**
 * What a newcomer does to add a column to `users`, beside the migration and the entity: one row in the
 * table (src/schema/user-table.ts). Here the table gains `nickname`, a plain text field a person edits and
 * the list may sort by and that names a user beside the email, and nothing else changes (the database gets the column, as its migration would);
 * the places that derive from the table pick it up: the list's sort, the CLI's options and usage, the
 * edit form and its draft, its save, its conflict lines and its messages, and the history's snapshots and lines.
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
    names: true,
    rule: optionalLine,
    console: { column: { priority: 5, flex: 1, min: 8 }, edit: true },
    sort: { rank: 5 },
    list: { header: 'NICKNAME', truncate: true },
    cli: { arg: 'NAME', help: ['what colleagues call the user; "" clears it'] },
  };
  const bookkeeping = table.findIndex((f) => f.role === 'bookkeeping');
  return { USER_SCHEMA: [...table.slice(0, bookkeeping), nickname, ...table.slice(bookkeeping)] };
});

// The entity gains its property, as the newcomer writes it in src/db/entities/user.ts (creates go through it).
vi.mock('../../src/db/entities/user.ts', async (importOriginal) => {
  const entity = await importOriginal<typeof import('../../src/db/entities/user.ts')>();
  entity.UserSchema.addProperty('nickname' as never, 'string', { fieldName: 'nickname', columnType: 'text', nullable: true });
  return entity;
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
    expect(userListColumns().map((c) => c.header)).toEqual(['USER ID', 'EMAIL', 'FIRST SEEN', 'LAST SEEN', 'NICKNAME']);
  });
});

describe('the users command, from the table with the added field', () => {
  it('takes its option on create and set, and its usage lines and field options name it', () => {
    expect(usersCommand.help).toContain('\n  $ cabinet users create USER_ID --email EMAIL [--first-seen TIME] [--last-seen TIME] [--nickname NAME]\n');
    expect(usersCommand.help).toContain('\n  $ cabinet users set USER_ID [--email EMAIL] [--first-seen TIME] [--last-seen TIME] [--nickname NAME] [--expect-version N]\n');
    expect(usersCommand.help).toContain('\n  --nickname NAME          what colleagues call the user; "" clears it\n');
    expect(usersCommand.options).toHaveProperty('nickname', { type: 'string' });
    expect(fieldInput({ options: { email: 'a@example.com', nickname: 'Nick' } } as unknown as CommandContext)).toEqual({ email: 'a@example.com', nickname: 'Nick' });
  });
});

describe('the user edit form, from the table with the added field', () => {
  const row = { userId: '1', email: 'base@example.com', nickname: 'Old nick', firstSeen: new Date(0), lastSeen: new Date(0), version: 1, updatedAt: new Date(0) } as unknown as UserRecord;
  const base = baseOfRow(row);
  const typed = { ...typedOf(base), nickname: 'Walk value' };

  it('has the field after the email, and its draft, save input, review, conflict and gone lines carry it', () => {
    expect(USER_EDIT_FIELDS.map((f) => f.name)).toEqual(['email', 'nickname']);
    expect(userEditDraft(base, typed)).toMatchObject({ base: { email: 'base@example.com', nickname: 'Old nick' }, fields: { email: 'base@example.com', nickname: 'Walk value' } });
    // Only what changed is sent, and the service's validation keeps it.
    expect(patchOf(base, typed)).toEqual({ nickname: 'Walk value' });
    expect(validateUserPatch(patchOf(base, typed))).toEqual({ nickname: 'Walk value' });
    expect(reviewLines(base, typed).map((l) => l.text)).toContain('    nickname Old nick → Walk value');
    const theirs = { ...row, nickname: 'Their nick', version: 2 } as unknown as UserRecord;
    const outcome = staleOutcome(base, typed, theirs);
    expect(outcome).toEqual({ kind: 'conflict', fields: [expect.objectContaining({ name: 'nickname' })] });
    const lines = conflictLines(base, theirs, typed, outcome.kind === 'conflict' ? outcome.fields : []).map((l) => l.text);
    expect(lines).toEqual(["Someone changed this user's nickname since you began (v1 → v2); nothing was saved.", '    base    Old nick', '    theirs  Their nick', '    mine    Walk value', ' ']);
    // A sign-in meanwhile (their email and nickname as mine began): mine go onto their row.
    expect(staleOutcome(base, typed, { ...row, version: 2 } as unknown as UserRecord)).toEqual({ kind: 'reapply' });
    expect(goneLines(base, typed).map((l) => l.text)).toEqual([
      'User 1 was deleted while you were editing it; nothing was saved. Your email and nickname are kept.',
      '  email',
      '    mine    base@example.com',
      '  nickname',
      '    mine    Walk value',
      ' ',
    ]);
    expect(usersKeymap.find((k) => k.action === 'edit')?.description).toBe('edit email and nickname');
  });
});

describe('editing the added field in the console, on the real services and a database that has the column', () => {
  const ID = '280000000000000042';
  let rc: Awaited<ReturnType<typeof openRealConsole>>;
  let dir: string;
  beforeAll(async () => {
    rc = await openRealConsole('schema_user_ext');
    await rc.psql('alter table users add column nickname text');
    await rc.psql(`insert into users (user_id, email, nickname) values ($1, 'anna@example.com', 'Old nick')`, [ID]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cabinet-user-ext-'));
  });
  afterAll(async () => {
    await rc?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('Tab reaches it, the draft keeps it, the review and the conflict show it, and o saves only it', async () => {
    const services = rc.services;
    const c = renderConsole(services, { columns: 110, rows: 30, route: { name: 'user-edit', userId: ID }, drafts: new DraftStore({ dir, debounceMs: 30 }) });
    try {
      let frame = await c.waitFor(/nickname\s+Old nick/);
      expect(frame).toMatch(/› email\s+anna@example\.com/);
      expect(frame).toContain('Ctrl-S or Enter saves · Tab next field · Esc cancels');
      await c.focusField('nickname');
      await c.press('\u0015'); // Ctrl-U: the field emptied
      await c.type('Walk value');
      await waitForDraft(dir, `user:${ID}`, (d) => d.fields.nickname === 'Walk value' && d.base.nickname === 'Old nick' && d.fields.email === 'anna@example.com');
      await c.press(KEY.enter);
      frame = await c.waitFor('Save this change to user');
      expect(frame).toMatch(/nickname Old nick → Walk value/);
      expect(frame).not.toMatch(/email\s+anna@example\.com →/);
      await c.press(KEY.esc);
      await c.waitFor('Ctrl-S or Enter saves');
      // Someone else changes the same field meanwhile.
      await rc.psql(`update users set nickname = 'Their nick' where user_id = $1`, [ID]);
      await c.press(KEY.ctrlS);
      frame = await c.waitFor((f) => f.includes('Save this change to user') || f.includes('Someone changed'));
      if (!frame.includes('Someone changed')) await c.press('y');
      frame = await c.waitFor("Someone changed this user's nickname since you began (v1 → v2); nothing was saved.");
      expect(frame).toMatch(/base\s+Old nick/);
      expect(frame).toMatch(/theirs\s+Their nick/);
      expect(frame).toMatch(/mine\s+Walk value/);
      expect((await rc.psql('select nickname from users where user_id = $1', [ID])).rows[0]).toEqual({ nickname: 'Their nick' });
      await c.press('o');
      await c.waitFor('saved user 280000000000000042: nickname');
      expect(services.callsTo('users.update').at(-1)?.args[1]).toEqual({ nickname: 'Walk value' });
      expect((await rc.psql('select email, nickname from users where user_id = $1', [ID])).rows[0]).toEqual({ email: 'anna@example.com', nickname: 'Walk value' });
      // Its history records the field too.
      const rev = (await rc.psql(`select old_values as old, new_values as new from user_revisions where user_id = $1 and action = 'update'`, [ID])).rows[0] as { old: Record<string, unknown>; new: Record<string, unknown> };
      expect([rev.old.nickname, rev.new.nickname]).toEqual(['Their nick', 'Walk value']);
      // The history's snapshots (UserSnapshot) hold every column of the table, the added one too.
      const [latest] = await services.users.history(ID, { limit: 1 });
      expect(Object.keys(latest!.after!).sort()).toEqual(USER_SCHEMA.map((f) => f.column).sort());
      expect(latest!.after).toMatchObject({ nickname: 'Walk value' });
      expect(userChangeText(latest!)).toBe('nickname: Their nick → Walk value');
    } finally {
      c.unmount();
    }
  });

  it("users history's lines for a create, an update and a delete carry it, and each snapshot holds its column", async () => {
    const users = rc.services.users;
    const id = '280000000000000043';
    await users.create({ userId: id, email: 'bert@example.com', nickname: 'Bert' } as never);
    await users.update(id, { nickname: 'Bertie' } as never);
    await users.delete(id);
    const entries = await users.history(id);
    expect(entries.map((e) => [e.action, userChangeText(e)])).toEqual([
      ['delete', 'deleted bert@example.com, Bertie'],
      ['update', 'nickname: Bert → Bertie'],
      ['create', 'email bert@example.com; nickname Bert'],
    ]);
    for (const e of entries) for (const s of [e.before, e.after]) if (s) expect(Object.keys(s).sort()).toEqual(USER_SCHEMA.map((f) => f.column).sort());
  });
});
