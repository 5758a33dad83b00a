import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedDatabase } from '../helpers/db.ts';
import { binCabinet, ensureBuilt, startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';

/**
 * Issue 11, item 1, in the real binary: the prompt is in $EDITOR while another writer (psql) changes it.
 * The editor is a script: it makes its change, says it is editing, and waits for the test's go-ahead, so
 * the other write lands while the editor is open, as it does for a person.
 */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
let tmux: TmuxSession | undefined;
let work: string;

const PROMPT = 'Line 1\nLine 2\nLine 3\nLine 4\nLine 5\nLine 6\nLine 7\nLine 8';

beforeAll(async () => {
  ensureBuilt();
  db = await createMigratedDatabase('e2e_edconf');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cabinet-edconf-'));
});
afterAll(async () => {
  await db?.close();
  fs.rmSync(work, { recursive: true, force: true });
});
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
});

/** An editor that replaces `from` by `to` in its file, then waits until the test has written underneath. */
function scriptedEditor(name: string, from: string, to: string): { editor: string; editing: string; go: string } {
  const editing = path.join(work, `${name}.editing`);
  const go = path.join(work, `${name}.go`);
  const editor = path.join(work, `${name}-editor.sh`);
  fs.writeFileSync(
    editor,
    `#!/bin/sh\nsed -i 's/^${from}$/${to}/' "$1"\ntouch '${editing}'\nwhile [ ! -e '${go}' ]; do sleep 0.05; done\n`,
    { mode: 0o755 },
  );
  return { editor, editing, go };
}

async function waitForFile(file: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${file}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const prompt = async (siteId: string) => (await db.query<{ ai_prompt: string }>('select ai_prompt from sites where site_id = $1', [siteId])).rows[0]!.ai_prompt;

describe('$EDITOR while another writer changes the prompt (real binary, real terminal)', () => {
  it('E on the list: the form opens on base / theirs / mine; the other writer\'s prompt survives; g takes the offered merge', async () => {
    await db.query(`insert into sites (site_id, domain, brand_name, ai_prompt) values ('ed-list', 'ed-list.example', 'ACME', $1)`, [PROMPT]);
    const ed = scriptedEditor('list', 'Line 8', 'Line 8 (mine)');
    tmux = startTmux([binCabinet], { env: terminalEnv({ DATABASE_URL: db.url, EDITOR: ed.editor, VISUAL: undefined }), width: 110, height: 50 });
    await tmux.waitFor('ed-list');
    tmux.type('E');
    await waitForFile(ed.editing);
    await db.query(`update sites set ai_prompt = replace(ai_prompt, 'Line 1', 'Line 1 (psql)') where site_id = 'ed-list'`);
    fs.writeFileSync(ed.go, '');
    const screen = await tmux.waitFor('Your edit is based on an older version: ed-list changed underneath (version 1 → 2)');
    expect(screen).toContain('prompt  (changed on both sides)');
    expect(screen).toContain('+Line 1 (psql)');
    expect(screen).toContain('+Line 8 (mine)');
    expect(screen).not.toContain('yours kept');
    expect(await prompt('ed-list')).toBe(PROMPT.replace('Line 1', 'Line 1 (psql)'));
    tmux.type('g');
    const review = await tmux.waitFor('Review changes to ed-list');
    // The review is against their row: their line is not shown as going.
    expect(review).not.toContain('-Line 1 (psql)');
    tmux.type('y');
    await tmux.waitFor('saved ed-list: prompt');
    expect(await prompt('ed-list')).toBe(PROMPT.replace('Line 1', 'Line 1 (psql)').replace('Line 8', 'Line 8 (mine)'));
  });

  it('Ctrl-O from the form: the save meets the other writer and shows the choice instead of writing', async () => {
    await db.query(`insert into sites (site_id, domain, brand_name, ai_prompt) values ('ed-form', 'ed-form.example', 'ACME', $1)`, [PROMPT]);
    const ed = scriptedEditor('form', 'Line 3', 'Line 3 (mine)');
    tmux = startTmux([binCabinet], { env: terminalEnv({ DATABASE_URL: db.url, EDITOR: ed.editor, VISUAL: undefined }), width: 110, height: 50 });
    await tmux.waitFor('ed-form');
    tmux.type('/');
    tmux.type('ed-form');
    await tmux.waitFor('Sites (1)');
    tmux.keys('Enter');
    tmux.type('e');
    await tmux.waitFor('Edit site ed-form');
    tmux.keys('C-o');
    await waitForFile(ed.editing);
    await db.query(`update sites set ai_prompt = replace(ai_prompt, 'Line 3', 'Line 3 (psql)') where site_id = 'ed-form'`);
    fs.writeFileSync(ed.go, '');
    await tmux.waitFor('prompt taken from the editor');
    // The live form has heard of psql's write (#14.2): it says so, and Ctrl-S goes straight to the choice,
    // with no review of a save that cannot go through as it is.
    await tmux.waitFor(/changed outside cabinet .*: prompt; Ctrl-S will show the conflict/);
    tmux.keys('C-s');
    const screen = await tmux.waitFor('Not saved: ed-form changed underneath (version 1 → 2)');
    expect(screen).toContain('changed on both sides: prompt');
    expect(screen).toContain('r mine where both changed · t theirs there');
    expect(await prompt('ed-form')).toBe(PROMPT.replace('Line 3', 'Line 3 (psql)'));
    tmux.type('t');
    await tmux.waitFor('theirs taken');
    expect(await prompt('ed-form')).toBe(PROMPT.replace('Line 3', 'Line 3 (psql)'));
  });
});
