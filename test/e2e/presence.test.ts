import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedDatabase } from '../helpers/db.ts';
import { startBouncer, type Bouncer } from '../helpers/pgbouncer.ts';
import { binCabinet, ensureBuilt, startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';

/**
 * Issue 14, item 3, in the real binary: two consoles in two real terminals on one database. boris edits;
 * anna's list marks the row, her detail says who, from where and since when, and her `e` warns first (and
 * lets her go on). When boris leaves the form, or his console is killed with SIGKILL, it is gone from
 * anna's screens within seconds. The same through a real PgBouncer in transaction mode.
 */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
const sessions: TmuxSession[] = [];

beforeAll(async () => {
  ensureBuilt();
  db = await createMigratedDatabase('e2e_presence');
  await db.query(`insert into sites (site_id, domain, brand_name, ai_prompt) values
    ('acme-de', 'acme.de', 'ACME', 'Hello'), ('beta-fr', 'beta.fr', 'Beta', 'Salut')`);
  await db.query(`insert into users (user_id, email) values ('u-anna', 'anna@acme.de'), ('u-carl', 'carl@acme.de')`);
});
afterAll(async () => {
  await db?.close();
});
afterEach(() => {
  for (const s of sessions.splice(0)) s.kill();
});

function cabinet(url: string, actor: string, ssh: string, editor = 'true'): TmuxSession {
  // SSH_CLIENT as sshd sets it: the person's address is where they came from.
  const session = startTmux([binCabinet, '--actor', actor], { env: terminalEnv({ DATABASE_URL: url, SSH_CLIENT: `${ssh} 52144 22`, EDITOR: editor, VISUAL: undefined }), width: 110, height: 30 });
  sessions.push(session);
  return session;
}

const rowOf = (screen: string, id: string) => screen.split('\n').find((l) => l.includes(id)) ?? '';
const hhmm = () => {
  const d = new Date();
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

async function presenceRound(url: string) {
  const boris = cabinet(url, 'boris', '100.101.2.3');
  const anna = cabinet(url, 'anna', '100.101.9.9');
  await boris.waitFor('acme-de');
  await anna.waitFor('acme-de');
  expect(rowOf(anna.capture(), 'acme-de')).not.toContain('✎');

  // boris opens the edit form of acme-de.
  boris.type('e');
  await boris.waitFor('Edit site acme-de');
  const since = hhmm();

  // anna's list marks the row (without a key), and only that row.
  const list = await anna.waitFor((s) => rowOf(s, 'acme-de').includes('✎'), 5000);
  expect(rowOf(list, 'beta-fr')).not.toContain('✎');
  expect(list).toContain('✎ 1 being edited elsewhere');

  // Her detail says who, since when, from where.
  anna.keys('Enter');
  const detail = await anna.waitFor('boris is editing since');
  expect(detail).toMatch(new RegExp(`✎ boris is editing since (${since}|\\d\\d:\\d\\d) from 100\\.101\\.2\\.3`));

  // Her e warns before the form opens; Esc goes back, e and y go on into the form.
  anna.type('e');
  const warning = await anna.waitFor('Someone else is editing site acme-de');
  expect(warning).toContain('boris is editing since');
  expect(warning).not.toContain('Edit site acme-de');
  anna.keys('Escape');
  await anna.waitFor((s) => s.includes('boris is editing since') && !s.includes('Someone else is editing'));
  anna.type('e');
  await anna.waitFor('Someone else is editing site acme-de');
  anna.type('y');
  await anna.waitFor('Edit site acme-de');
  // boris, in his form, is told that anna opened it too.
  await boris.waitFor(/✎ anna is editing since \d\d:\d\d from 100\.101\.9\.9 too/, 5000);
  // boris now sees anna on his list after leaving his form.
  boris.keys('Escape');
  await boris.waitFor((s) => rowOf(s, 'acme-de').includes('✎') && !s.includes('Edit site'), 5000);
  anna.keys('Escape');
  await anna.waitFor('Site acme-de');

  // boris edits again; anna's detail follows him leaving the form, without a key.
  boris.type('e');
  await boris.waitFor('Edit site acme-de');
  await anna.waitFor('boris is editing since', 5000);
  boris.keys('Escape');
  await boris.waitFor((s) => !s.includes('Edit site'));
  const left = Date.now();
  const quiet = await anna.waitFor('no other console is editing this site', 5000);
  expect(quiet).not.toContain('boris is editing');
  expect(Date.now() - left).toBeLessThan(4000);

  // And once more, then his console is killed with SIGKILL mid-edit: gone from anna's detail within seconds.
  boris.type('e');
  await boris.waitFor('Edit site acme-de');
  await anna.waitFor('boris is editing since', 5000);
  process.kill(boris.pid(), 'SIGKILL');
  const killed = Date.now();
  await anna.waitFor('no other console is editing this site', 5000);
  expect(Date.now() - killed).toBeLessThan(4000);
  anna.keys('Escape');
  await anna.waitFor((s) => s.includes('acme-de') && !rowOf(s, 'acme-de').includes('✎') && !s.includes('being edited'), 5000);
  return { anna };
}

describe('presence between two real consoles', () => {
  it('on a direct connection: list marker, detail line, warning before edit, gone after leaving and after kill -9', async () => {
    await presenceRound(db.url);
  });

  it('users too: the list marks the user, the detail names the editor, e warns first', async () => {
    const boris = cabinet(db.url, 'boris', '100.101.2.3');
    const anna = cabinet(db.url, 'anna', '100.101.9.9');
    for (const s of [boris, anna]) {
      await s.waitFor('Sites (2)');
      s.type(':');
      await s.waitFor(/^:/m);
      s.type('users');
      await s.waitFor(/^:users/m);
      s.keys('Enter');
      await s.waitFor('u-carl');
    }
    boris.keys('Down');
    // Whichever row the cursor is on: edit it, and find its id in the form's title.
    boris.type('e');
    const form = await boris.waitFor(/Edit user (u-\w+)/);
    const id = /Edit user (u-\w+)/.exec(form)![1]!;
    const other = id === 'u-anna' ? 'u-carl' : 'u-anna';
    const list = await anna.waitFor((s) => rowOf(s, id).includes('✎'), 5000);
    expect(rowOf(list, other)).not.toContain('✎');
    while (!rowOf(anna.capture(), id).includes('›')) {
      anna.keys('Down');
      await new Promise((r) => setTimeout(r, 100));
    }
    anna.keys('Enter');
    await anna.waitFor(`User ${id}`);
    await anna.waitFor('boris is editing since', 5000);
    // Deleting it says who would lose an edit, before it is confirmed.
    anna.type('d');
    await anna.waitFor(/Delete user u-\w+[\s\S]*✎ boris is editing since/);
    anna.keys('Escape');
    await anna.waitFor(`User ${id}`);
    anna.type('e');
    await anna.waitFor(`Someone else is editing user ${id}`);
    anna.type('y');
    await anna.waitFor(`Edit user ${id}`);
  });
});

describe('presence and $EDITOR (E)', () => {
  it('E while someone else edits says who and opens the editor on a second E; the editor\'s run is announced', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cabinet-presence-'));
    const editing = path.join(work, 'editing');
    const go = path.join(work, 'go');
    // An editor that changes nothing: says it runs, waits for the test, exits.
    const editor = path.join(work, 'editor.sh');
    fs.writeFileSync(editor, `#!/bin/sh\ntouch '${editing}'\nwhile [ ! -e '${go}' ]; do sleep 0.05; done\n`, { mode: 0o755 });
    try {
      const boris = cabinet(db.url, 'boris', '100.101.2.3');
      const anna = cabinet(db.url, 'anna', '100.101.9.9', editor);
      await boris.waitFor('acme-de');
      await anna.waitFor('acme-de');
      boris.type('e');
      await boris.waitFor('Edit site acme-de');
      await anna.waitFor((s) => rowOf(s, 'acme-de').includes('✎'), 5000);
      // d says who would lose an edit before the id is typed to confirm.
      anna.type('d');
      await anna.waitFor(/Delete site acme-de[\s\S]*✎ boris is editing since \d\d:\d\d from 100\.101\.2\.3/, 5000);
      anna.keys('Escape');
      await anna.waitFor((s) => rowOf(s, 'acme-de').includes('✎') && !s.includes('Delete site'));
      anna.type('E');
      await anna.waitFor(/⚠ boris is editing since \d\d:\d\d from 100\.101\.2\.3 · E again to edit anyway/);
      expect(fs.existsSync(editing)).toBe(false);
      anna.type('E');
      const deadline = Date.now() + 5000;
      while (!fs.existsSync(editing) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(fs.existsSync(editing)).toBe(true);
      // boris leaves his form: his list shows anna, whose $EDITOR is open on acme-de.
      boris.keys('Escape');
      await boris.waitFor((s) => !s.includes('Edit site') && rowOf(s, 'acme-de').includes('✎'), 5000);
      boris.keys('Enter');
      await boris.waitFor('anna is editing since', 5000);
      fs.writeFileSync(go, '');
      await anna.waitFor('prompt unchanged in the editor');
      await boris.waitFor('no other console is editing this site', 5000);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('presence through a real PgBouncer in transaction mode', () => {
  let bouncer: Bouncer;
  beforeAll(async () => {
    bouncer = await startBouncer('transaction');
  });
  afterAll(async () => {
    await bouncer?.stop();
  });

  it('the same: marker, detail, warning, gone after leaving and after kill -9, and the detail says it goes through a pooler', async () => {
    const { anna } = await presenceRound(bouncer.url(db.name));
    anna.keys('Enter');
    await anna.waitFor('no other console is editing this site');
    anna.type('e');
    await anna.waitFor('Edit site acme-de');
    anna.keys('Escape');
    // Her own announcement went through the pooler: her detail says so.
    await anna.waitFor('no other console is editing this site (through a pooler)');
  });
});
