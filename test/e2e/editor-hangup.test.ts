import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DraftStore } from '../../src/lib/drafts.ts';
import { createMigratedDatabase } from '../helpers/db.ts';
import { binCabinet, ensureBuilt, startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';
import { scratchDir } from '../helpers/scratch.ts';
import { until } from '../helpers/until.ts';

/**
 * A hang-up while `$EDITOR` is open (issue 11, item 6), in a real terminal with three real editor
 * behaviours: one that dies of SIGHUP (the default disposition), one that traps it, writes a recovery file
 * and exits 1 (as vim does), and one that ignores it. Each is hung up three ways: SIGHUP to the terminal's
 * foreground process group (what a dropped SSH link does), SIGHUP to cabinet alone, and tmux kill-session
 * (the pty closes). Afterwards no editor process is left, and the next start offers a draft whose prompt
 * is, byte for byte, what the editor had saved.
 */

let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
const sessions: TmuxSession[] = [];

beforeAll(async () => {
  ensureBuilt();
  db = await createMigratedDatabase('e2e_hup');
});
afterAll(async () => {
  await db?.close();
});
afterEach(() => {
  for (const s of sessions.splice(0)) s.kill();
});

type Editor = 'dies' | 'traps' | 'ignores';
type HangUp = 'process group' | 'cabinet only' | 'kill-session';

/** The editors: each records its pids, writes the saved text (from `content`) into the file, says so, then waits. */
function editorScript(kind: Editor, dir: string): string {
  const q = (p: string) => `'${path.join(dir, p)}'`;
  const head = `#!/bin/sh\necho $$ >> ${q('pids')}\n`;
  const save = `cat ${q('content')} > "$1"\necho saved > ${q('saved')}\n`;
  switch (kind) {
    case 'dies':
      return `${head}${save}exec sleep 600\n`;
    case 'traps':
      // Like vim: on SIGHUP write a recovery file, then exit 1.
      return `${head}trap 'cp "$1" ${q('recovery')}; kill $s 2>/dev/null; exit 1' HUP\n${save}sleep 600 & s=$!\necho $s >> ${q('pids')}\nwait $s\n`;
    case 'ignores':
      return `${head}trap '' HUP\n${save}exec sleep 600\n`;
  }
}

function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function seedSite(siteId: string, prompt: string): Promise<void> {
  await db.query('insert into sites (site_id, domain, brand_name, language, ai_prompt) values ($1, $2, $3, $4, $5)', [siteId, `${siteId}.example`, 'Brand', 'de', prompt]);
}

const SAVED = {
  crlf: 'Erste Zeile  \r\nZweite Zeile mit Tab\t\r\nohne Zeilenende  ',
  lf: 'Nur LF, Leerzeichen am Ende   \nmit Zeilenende\n',
  mixed: 'Gemischt\r\nCR LF und LF\nEnde ohne Umbruch',
} as const;

const cases: { editor: Editor; hangUp: HangUp; from: 'list' | 'form'; saved: keyof typeof SAVED }[] = [
  { editor: 'dies', hangUp: 'process group', from: 'list', saved: 'crlf' },
  { editor: 'dies', hangUp: 'cabinet only', from: 'form', saved: 'lf' },
  { editor: 'dies', hangUp: 'kill-session', from: 'list', saved: 'mixed' },
  { editor: 'traps', hangUp: 'process group', from: 'form', saved: 'mixed' },
  { editor: 'traps', hangUp: 'cabinet only', from: 'list', saved: 'crlf' },
  { editor: 'traps', hangUp: 'kill-session', from: 'form', saved: 'crlf' },
  { editor: 'ignores', hangUp: 'process group', from: 'list', saved: 'lf' },
  { editor: 'ignores', hangUp: 'cabinet only', from: 'form', saved: 'crlf' },
  { editor: 'ignores', hangUp: 'kill-session', from: 'list', saved: 'mixed' },
];

describe('a hang-up while $EDITOR is open', () => {
  it.each(cases)('an editor that $editor SIGHUP, hung up by $hangUp (the editor opened from the $from): nothing left running, the draft is what it saved', async ({ editor, hangUp, from, saved }) => {
    const state = scratchDir('state');
    const dir = scratchDir('editor');
    const siteId = `hup-${editor}-${hangUp.replace(/\W+/g, '-')}`;
    await seedSite(siteId, 'Vorher.');
    fs.writeFileSync(path.join(dir, 'content'), SAVED[saved]);
    const script = path.join(dir, 'editor.sh');
    fs.writeFileSync(script, editorScript(editor, dir), { mode: 0o755 });

    const t = startTmux([binCabinet], { env: terminalEnv({ DATABASE_URL: db.url, XDG_STATE_HOME: state, VISUAL: script }), width: 110, height: 34 });
    sessions.push(t);
    await t.waitFor(/Sites \(\d+\)/);
    t.type('/');
    t.type(siteId);
    await t.waitFor((s) => s.includes('Sites (1)') && s.includes(siteId));
    t.keys('Enter');
    if (from === 'list') t.type('E');
    else {
      t.type('e');
      await t.waitFor(`Edit site ${siteId}`);
      t.keys('C-o');
    }
    await until('the editor to save', () => fs.existsSync(path.join(dir, 'saved')));
    const cabinet = t.pid();
    const stat = fs.readFileSync(`/proc/${cabinet}/stat`, 'utf8');
    const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    const editorPids = () => fs.readFileSync(path.join(dir, 'pids'), 'utf8').trim().split('\n').map(Number);
    // The editor runs in the terminal's foreground process group, with cabinet.
    expect(fs.readFileSync(`/proc/${editorPids()[0]}/stat`, 'utf8')).toContain(` ${pgid} `);

    if (hangUp === 'process group') process.kill(-pgid, 'SIGHUP');
    else if (hangUp === 'cabinet only') process.kill(cabinet, 'SIGHUP');
    else t.hangUp();

    await until('cabinet to exit', () => !alive(cabinet), 15_000);
    // No editor process is left running (the one that ignores SIGHUP was ended by cabinet).
    await until('the editor to be gone', () => editorPids().every((p) => !alive(p)), 2000);
    if (editor === 'traps') expect(fs.existsSync(path.join(dir, 'recovery'))).toBe(true);

    // The draft holds what the editor saved, byte for byte, and nothing else is left in the drafts directory.
    const drafts = new DraftStore({ dir: path.join(state, 'cabinet', 'drafts') }).list();
    expect(drafts.map((d) => d.recordId)).toEqual([siteId]);
    expect(drafts[0]!.fields.aiPrompt).toBe(SAVED[saved]);
    expect(JSON.stringify(drafts[0]!.fields.aiPrompt)).toBe(JSON.stringify(SAVED[saved]));

    // The next start offers it, with the editor's lines.
    const next = startTmux([binCabinet], { env: terminalEnv({ DATABASE_URL: db.url, XDG_STATE_HOME: state, VISUAL: 'false' }), width: 110, height: 34 });
    sessions.push(next);
    const offer = await next.waitFor('Unsaved drafts from an earlier session (1)');
    expect(offer).toContain(`site ${siteId}`);
    expect(offer).toContain(`+${SAVED[saved].split(/\r?\n/)[1]!.trimEnd()}`);
    next.type('q');
  });

  it('an editor killed by a signal while cabinet runs is no failure: what it saved comes into the form and the draft', async () => {
    const state = scratchDir('state');
    const dir = scratchDir('editor');
    await seedSite('killed-editor', 'Vorher.');
    const saved = 'Gespeichert, dann getötet.\nZweite Zeile\n';
    fs.writeFileSync(path.join(dir, 'content'), saved);
    const script = path.join(dir, 'editor.sh');
    // Saves, then dies of SIGKILL (an OOM kill, a crash): cabinet itself got no signal.
    fs.writeFileSync(script, `#!/bin/sh\ncat '${path.join(dir, 'content')}' > "$1"\nkill -KILL $$\n`, { mode: 0o755 });
    const t = startTmux([binCabinet], { env: terminalEnv({ DATABASE_URL: db.url, XDG_STATE_HOME: state, VISUAL: script }), width: 110, height: 34 });
    sessions.push(t);
    await t.waitFor(/Sites \(\d+\)/);
    t.type('/');
    t.type('killed-editor');
    await t.waitFor((s) => s.includes('Sites (1)') && s.includes('killed-editor'));
    t.keys('Enter');
    t.type('E');
    await t.waitFor((s) => s.includes('Edit site killed-editor') && s.includes('Zweite Zeile'));
    // The form's own line under the prompt's position says how the editor ended, and stays until a key is
    // pressed. It was once only the shell's status line, which fades after 6 s: a person who looked away, or
    // a loaded CI's poll, missed it, and the form then said just "prompt changed in the editor".
    const screen = await t.waitFor((s) => /^Ln 1, Col 1 /m.test(s));
    const lines = screen.split('\n');
    const formLine = lines[lines.findIndex((l) => l.startsWith('Ln 1, Col 1 ')) + 1];
    expect(formLine).toContain('the editor was ended by SIGKILL: took what it had saved · Ctrl-S to review and save');
    // Before the form's own draft takes over, the draft on disk already held the editor's text, byte for byte.
    const [draft] = new DraftStore({ dir: path.join(state, 'cabinet', 'drafts') }).list();
    expect(draft?.recordId).toBe('killed-editor');
    expect(draft?.fields.aiPrompt).toBe(saved);
  });
});
