import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DraftStore } from '../../src/lib/drafts.ts';
import { OrmRevisionService } from '../../src/services/revision-service.ts';
import { OrmSiteService } from '../../src/services/site-service.ts';
import { OrmUserService } from '../../src/services/user-service.ts';
import type { Services } from '../../src/services/types.ts';
import { createMigratedDatabase } from '../helpers/db.ts';
import { KEY, renderConsole } from './render-console.tsx';

/**
 * A user's history and the edit's review step in the console, on the real services and a real database
 * (issue 11, item 10): `h` on a user, Enter on a change shows old → new and who; an edit shows the change
 * before it is written, and what it writes lands in user_revisions.
 */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
let services: Services;
let dir: string;
let current: { unmount(): void } | undefined;

beforeAll(async () => {
  db = await createMigratedDatabase('uhistui');
  const em = db.orm.em as unknown as EntityManager;
  const sites = new OrmSiteService(em, { actor: 'tester' });
  services = {
    sites,
    users: new OrmUserService(em, { actor: 'alice from 100.64.0.7' }),
    revisions: new OrmRevisionService(em, sites),
    connection: { label: `test ${db.name}`, embedded: false, role: 'cabinet', readOnly: false, pendingMigrations: 0 },
  };
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cabinet-user-history-'));
  await services.users.create({ userId: '280000000000000001', email: 'anna@example.com', firstSeen: '2026-01-02T03:04:05Z' }, { note: 'new hire' });
  await services.users.update('280000000000000001', { email: 'anna@acme.de' }, { note: 'married' });
  // A sign-in, outside cabinet.
  await db.query(`update users set last_seen = '2026-03-01T10:00:00.123456Z' where user_id = '280000000000000001'`);
});
afterEach(() => {
  current?.unmount();
  current = undefined;
});
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await db.close();
});

function open(route: NonNullable<Parameters<typeof renderConsole>[1]>["route"]) {
  const c = renderConsole(services, { columns: 120, rows: 30, route, drafts: new DraftStore({ dir, debounceMs: 30 }) });
  current = c;
  return c;
}

describe('a user’s history in the console', () => {
  it('h on the users list: revisions newest first with who and the note, the sign-in as a change outside cabinet; Enter shows old → new', async () => {
    const c = open({ name: 'users' });
    await c.waitFor('anna@acme.de');
    expect(c.frame()).toContain('h history');
    await c.press('h');
    await c.waitFor('History of user 280000000000000001');
    const frame = await c.waitFor('rev 1');
    const lines = c.frame().split('\n');
    const outside = lines.findIndex((l) => l.includes('changed outside cabinet'));
    const rev2 = lines.findIndex((l) => l.includes('rev 2'));
    const rev1 = lines.findIndex((l) => l.includes('rev 1'));
    expect(frame).toContain('2 revisions');
    expect(outside).toBeGreaterThan(0);
    expect(lines[outside]).toMatch(/v2→v3 .*changed outside cabinet \(1 write\): last seen/);
    expect(rev2).toBeGreaterThan(outside);
    expect(lines[rev2]).toMatch(/update\s+email\s+by alice from 100\.64\.0\.7\s+“married”/);
    expect(rev1).toBeGreaterThan(rev2);
    expect(lines[rev1]).toMatch(/create\s+by alice from 100\.64\.0\.7\s+“new hire”/);

    await c.press('j');
    await c.press(KEY.enter);
    const shown = await c.waitFor('Revision 2: update');
    expect(shown).toContain('by alice from 100.64.0.7 at ');
    expect(shown).toContain('note: married');
    expect(shown).toMatch(/email\s+anna@example\.com → anna@acme\.de/);
    await c.press(KEY.esc);
    await c.waitFor('Enter what it did');
    await c.press('k', KEY.enter);
    const gap = await c.waitFor('Outside cabinet: update');
    expect(gap).toMatch(/last seen\s+2026-01-02T03:04:05\.000000Z → 2026-03-01T10:00:00\.123456Z/);
  });

  it('an edit shows email old → new before saving; y writes it and its revision; the history shows it, also from the user detail', async () => {
    const c = open({ name: 'user', userId: '280000000000000001' });
    await c.waitFor('e edit email');
    await c.press('e');
    await c.waitFor('Edit user 280000000000000001');
    for (let i = 0; i < 'acme.de'.length; i++) await c.press(KEY.backspace);
    await c.type('firma.de');
    await c.press(KEY.ctrlS);
    await c.waitFor(/Save this change to user 280000000000000001\? \(recorded in its history\)\n\s+email\s+anna@acme\.de → anna@firma\.de/);
    // Nothing is written before the yes.
    expect((await db.query(`select email from users where user_id = '280000000000000001'`)).rows[0]!.email).toBe('anna@acme.de');
    await c.press(KEY.esc);
    await c.waitFor('Ctrl-S or Enter saves');
    await c.press(KEY.ctrlS);
    await c.waitFor('Save this change to user');
    await c.press('y');
    await c.waitFor('saved user 280000000000000001: email');
    expect((await db.query(`select email from users where user_id = '280000000000000001'`)).rows[0]!.email).toBe('anna@firma.de');
    const rev = await db.query(`select rev, action, actor, old_values->>'email' as old, new_values->>'email' as new from user_revisions where user_id = '280000000000000001' order by rev desc limit 1`);
    expect(rev.rows[0]).toEqual({ rev: 3, action: 'update', actor: 'alice from 100.64.0.7', old: 'anna@acme.de', new: 'anna@firma.de' });
    await c.waitFor('User 280000000000000001');
    await c.press('h');
    await c.waitFor('3 revisions');
    expect(c.frame()).toMatch(/rev 3\s+v4 .*update\s+email\s+by alice/);
  });

  it('a deleted user: the detail still offers h, and the history shows who deleted it', async () => {
    await services.users.create({ userId: 'gone-1', email: 'gone@example.com' });
    await services.users.delete('gone-1', { note: 'left the company' });
    const c = open({ name: 'user', userId: 'gone-1' });
    await c.waitFor('No user with id gone-1');
    await c.press('h');
    await c.waitFor('rev 2');
    expect(c.frame()).toMatch(/rev 2\s+v1 .*delete\s+by alice from 100\.64\.0\.7\s+“left the company”/);
  });
});
