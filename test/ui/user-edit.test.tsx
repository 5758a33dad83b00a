import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DraftStore } from '../../src/lib/drafts.ts';
import { openRealConsole } from './real-console.ts';
import { KEY, renderConsole } from './render-console.tsx';
import { waitForDraft, waitForDraftGone } from './draft-waits.ts';

/**
 * Editing a user's email against a database that moves on, on the real services and a real database: a
 * sign-in bumps the version without touching the email, someone else changes the email (psql), someone
 * deletes the user, the SSH link drops mid-edit.
 */
const BERND = { userId: '280000000000000002', email: 'bernd@example.de', firstSeen: '2026-01-10T00:00:00.000Z' };

let rc: Awaited<ReturnType<typeof openRealConsole>>;
let current: { unmount(): void } | undefined;
let dir: string;
beforeAll(async () => {
  rc = await openRealConsole('ui_user_edit');
});
afterAll(async () => rc?.close());
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cabinet-user-edit-'));
  await rc.reset({ users: [BERND] });
});
afterEach(() => {
  current?.unmount();
  current = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Outside cabinet, as psql or a sign-in would: the row's version moves on by the table's trigger. */
const outside = (set: string) => rc.psql(`update users set ${set} where user_id = $1`, [BERND.userId]);
/** Bernd's email as the database holds it (undefined when the row is gone). */
const storedEmail = async () => (await rc.psql<{ email: string }>('select email from users where user_id = $1', [BERND.userId])).rows[0]?.email;

function open(services = rc.services) {
  const c = renderConsole(services, { columns: 110, route: { name: 'user', userId: BERND.userId }, drafts: new DraftStore({ dir, debounceMs: 30 }) });
  current = c;
  return c;
}

/** Ctrl-S (or Enter) shows the change old → new; y saves it. */
async function save(c: ReturnType<typeof open>, key: string = KEY.ctrlS) {
  await c.press(key);
  await c.waitFor('Save this change to user');
  await c.press('y');
}

/** Opens the edit form and replaces the domain of the email with `domain`. */
async function editEmail(services: typeof rc.services, domain: string) {
  const c = open(services);
  await c.waitFor('e edit email');
  await c.press('e');
  await c.waitFor('Edit user 280000000000000002');
  for (let i = 0; i < 'example.de'.length; i++) await c.press(KEY.backspace);
  await c.type(domain);
  return c;
}

describe('editing a user', () => {
  it('a sign-in meanwhile (version moved, email not) does not stand in the way: the save goes onto the row now', async () => {
    const services = rc.services;
    const c = await editEmail(services, 'beispiel.de');
    await outside('last_seen = now()');
    await save(c);
    await c.waitFor('saved user 280000000000000002: email');
    expect(services.callsTo('users.update').map((call) => call.args[2])).toEqual([{ expectedVersion: 1 }, { expectedVersion: 2 }]);
    expect(await storedEmail()).toBe('bernd@beispiel.de');
  });

  it('the email changed by someone else: base, theirs and mine; o saves mine over theirs', async () => {
    const services = rc.services;
    const c = await editEmail(services, 'beispiel.de');
    await outside(`email = 'bernd@firma.de'`);
    await save(c);
    const frame = await c.waitFor("Someone changed this user's email since you began (v1 → v2)");
    expect(frame).toMatch(/base\s+bernd@example\.de/);
    expect(frame).toMatch(/theirs\s+bernd@firma\.de/);
    expect(frame).toMatch(/mine\s+bernd@beispiel\.de/);
    expect(frame).toContain('o save mine over theirs · t take theirs · Esc keep editing');
    expect(await storedEmail()).toBe('bernd@firma.de');
    await c.press('o');
    await c.waitFor('saved user 280000000000000002: email');
    expect(await storedEmail()).toBe('bernd@beispiel.de');
    expect(services.callsTo('users.update').at(-1)?.args[2]).toEqual({ expectedVersion: 2 });
  });

  it('t takes theirs: nothing is written and the draft is gone; Esc keeps editing and a save shows the conflict again', async () => {
    const services = rc.services;
    const c = await editEmail(services, 'beispiel.de');
    await waitForDraft(dir, `user:${BERND.userId}`, (d) => d.fields.email === 'bernd@beispiel.de');
    await outside(`email = 'bernd@firma.de'`);
    await save(c);
    await c.waitFor('Someone changed');
    await c.press(KEY.esc);
    await c.waitFor('Ctrl-S or Enter saves · Esc cancels');
    await save(c);
    await c.waitFor('Someone changed');
    await c.press('t');
    await c.waitFor("kept 280000000000000002's email as it is now");
    expect(await storedEmail()).toBe('bernd@firma.de');
    await waitForDraftGone(dir, `user:${BERND.userId}`, c.drafts);
    expect(new DraftStore({ dir }).list()).toEqual([]);
  });

  it('deleted while edited: says so, keeps the email typed, and c re-creates the user with it', async () => {
    const services = rc.services;
    const c = await editEmail(services, 'beispiel.de');
    await rc.psql('delete from users where user_id = $1', [BERND.userId]);
    await save(c);
    const frame = await c.waitFor('was deleted while you were editing it; nothing was saved. Your email is kept.');
    expect(frame).toMatch(/mine\s+bernd@beispiel\.de/);
    await c.press('c');
    await c.waitFor('re-created user 280000000000000002 with your email');
    expect(services.callsTo('users.create')[0]?.args[0]).toEqual({ userId: BERND.userId, email: 'bernd@beispiel.de', firstSeen: BERND.firstSeen });
    expect(await storedEmail()).toBe('bernd@beispiel.de');
  });

  it('keeps a draft while typing; after a dropped session the next start offers it, and recovering resumes the edit', async () => {
    const services = rc.services;
    let c = await editEmail(services, 'beispiel.de');
    const stored = await waitForDraft(dir, `user:${BERND.userId}`, (d) => d.fields.email === 'bernd@beispiel.de');
    expect(stored).toMatchObject({ entity: 'user', recordId: BERND.userId, baseVersion: 1, base: { email: 'bernd@example.de' }, fields: { email: 'bernd@beispiel.de' } });
    c.unmount();
    // Meanwhile the user signed in (version 2), the email untouched.
    await outside('last_seen = now()');
    c = open(services);
    const list = await c.waitFor('Unsaved drafts from an earlier session (1)');
    expect(list).toContain('user 280000000000000002');
    expect(list).toContain('the user changed since (not the email)');
    expect(list).toMatch(/draft\s+bernd@beispiel\.de/);
    await c.press(KEY.enter);
    const form = await c.waitFor('Edit user 280000000000000002');
    expect(form).toContain('bernd@beispiel.de');
    expect(form).toContain('resumed your unsaved draft from');
    await save(c, KEY.enter);
    await c.waitFor('saved user 280000000000000002: email');
    expect(await storedEmail()).toBe('bernd@beispiel.de');
    await waitForDraftGone(dir, `user:${BERND.userId}`, c.drafts);
    expect(new DraftStore({ dir }).list()).toEqual([]);
  });

  it('Esc with a change asks first; y throws the change and its draft away', async () => {
    const services = rc.services;
    const c = await editEmail(services, 'beispiel.de');
    await waitForDraft(dir, `user:${BERND.userId}`, (d) => d.fields.email === 'bernd@beispiel.de');
    await c.press(KEY.esc);
    await c.waitFor('Discard your change to 280000000000000002? y discard (the draft too) · n keep editing');
    await c.press('n');
    await c.waitFor('Ctrl-S or Enter saves');
    await c.press(KEY.esc, 'y');
    await c.waitFor('User 280000000000000002');
    await waitForDraftGone(dir, `user:${BERND.userId}`, c.drafts);
    expect(new DraftStore({ dir }).list()).toEqual([]);
    expect(services.callsTo('users.update')).toEqual([]);
    expect(await storedEmail()).toBe('bernd@example.de');
  });
});
