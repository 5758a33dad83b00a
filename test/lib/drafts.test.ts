import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compareDraft, DraftStore, flushDraftsOnSignals, type Draft } from '../../src/lib/drafts.ts';
import { draftsDir } from '../../src/lib/paths.ts';
import { scratchDir } from '../helpers/scratch.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const base = scratchDir('drafts');
  dirs.push(base);
  return path.join(base, 'state', 'cabinet', 'drafts');
}

const draft = (fields: Record<string, string | null>, id = 'site:acme'): Draft => ({
  id,
  entity: 'site',
  recordId: 'acme',
  baseVersion: 3,
  base: { aiPrompt: 'base prompt', brandName: 'ACME' },
  fields,
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function child(mode: 'pending' | 'typing', dir: string, debounceMs: number) {
  const proc = spawn(process.execPath, [path.join(repo, 'test/lib/fixtures/draft-child.ts'), mode, dir, String(debounceMs)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  const lines: { text: string; at: number }[] = [];
  let buffer = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let i;
    while ((i = buffer.indexOf('\n')) >= 0) {
      lines.push({ text: buffer.slice(0, i), at: Date.now() });
      buffer = buffer.slice(i + 1);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const waitFor = async (predicate: () => boolean) => {
    for (let i = 0; i < 200 && !predicate(); i++) await sleep(25);
    expect(predicate()).toBe(true);
  };
  return { proc, lines, exited, waitFor };
}

describe('draft store on real files', () => {
  it('lives in $XDG_STATE_HOME/cabinet/drafts', () => {
    const saved = process.env.XDG_STATE_HOME;
    process.env.XDG_STATE_HOME = '/srv/state';
    try {
      expect(new DraftStore().dir).toBe(path.join('/srv/state', 'cabinet', 'drafts'));
      expect(draftsDir()).toBe('/srv/state/cabinet/drafts');
    } finally {
      if (saved === undefined) delete process.env.XDG_STATE_HOME;
      else process.env.XDG_STATE_HOME = saved;
    }
  });

  it('writes nothing until the debounce passes, then one 0600 file in a 0700 directory and no temp files', async () => {
    const dir = tempDir();
    const store = new DraftStore({ dir, debounceMs: 100 });
    store.save(draft({ aiPrompt: 'a' }));
    store.save(draft({ aiPrompt: 'ab' }));
    expect(store.hasPending).toBe(true);
    expect(fs.existsSync(dir)).toBe(false);
    await sleep(250);
    expect(store.hasPending).toBe(false);
    const files = fs.readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^site-acme-[0-9a-f]{12}\.draft\.json$/);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(dir, files[0]!)).mode & 0o777).toBe(0o600);
    const [stored] = store.list();
    expect(stored).toMatchObject({ id: 'site:acme', recordId: 'acme', baseVersion: 3, fields: { aiPrompt: 'ab' }, base: { aiPrompt: 'base prompt' } });
    expect(stored!.savedAt).toBeInstanceOf(Date);
  });

  it('keeps writing during steady typing: the timer is not pushed back by every keystroke', async () => {
    const dir = tempDir();
    const store = new DraftStore({ dir, debounceMs: 100 });
    for (let i = 1; i <= 15; i++) {
      store.save(draft({ aiPrompt: `k${i}` }));
      await sleep(20);
    }
    // 300 ms of typing with a 100 ms debounce: the disk is at most ~100 ms behind.
    const onDisk = Number(store.get('site:acme')!.fields.aiPrompt!.slice(1));
    expect(onDisk).toBeGreaterThanOrEqual(10);
    store.close();
  });

  it('tightens an existing drafts directory created with a looser mode', () => {
    const dir = tempDir();
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    fs.chmodSync(dir, 0o755);
    const store = new DraftStore({ dir });
    store.save(draft({ aiPrompt: 'x' }));
    store.flushSync();
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('flushSync writes pending drafts at once; discard removes the file and anything pending', () => {
    const dir = tempDir();
    const store = new DraftStore({ dir, debounceMs: 60_000 });
    store.save(draft({ aiPrompt: 'one' }, 'site:one'));
    store.save(draft({ aiPrompt: 'two' }, 'site:two'));
    store.flushSync();
    expect(store.list().map((d) => d.id).sort()).toEqual(['site:one', 'site:two']);
    store.save(draft({ aiPrompt: 'one, later' }, 'site:one'));
    store.discard('site:one');
    store.flushSync();
    expect(store.list().map((d) => d.id)).toEqual(['site:two']);
  });

  it('skips corrupt, foreign and half-written files when listing, and removes abandoned temp files', () => {
    const dir = tempDir();
    const store = new DraftStore({ dir });
    store.save(draft({ aiPrompt: 'good' }));
    store.flushSync();
    fs.writeFileSync(path.join(dir, 'broken.draft.json'), '{"format":1,"id":');
    fs.writeFileSync(path.join(dir, 'evil.draft.json'), JSON.stringify({ format: 1, id: 'x', entity: 'site', recordId: 'x', baseVersion: 1, savedAt: 'now', base: {}, fields: { a: 1 } }));
    fs.writeFileSync(path.join(dir, '.site-acme.draft.json.123.1.tmp'), 'partial');
    fs.writeFileSync(path.join(dir, 'prompt-1234.md'), 'an editor file');
    const abandoned = path.join(dir, '.site-old.draft.json.99.1.tmp');
    fs.writeFileSync(abandoned, 'cut short by kill -9');
    fs.utimesSync(abandoned, new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
    expect(store.list().map((d) => d.fields.aiPrompt)).toEqual(['good']);
    // A temp file a minute old is an abandoned write and is cleaned up; a fresh one may be in flight.
    expect(fs.existsSync(abandoned)).toBe(false);
    expect(fs.existsSync(path.join(dir, '.site-acme.draft.json.123.1.tmp'))).toBe(true);
  });

  it('recovers what $EDITOR saved into its temp file after the draft was written', async () => {
    const dir = tempDir();
    const store = new DraftStore({ dir, debounceMs: 60_000 });
    const d = draft({ aiPrompt: 'before the editor' });
    const file = store.attachEditorFile(d, 'aiPrompt', 'before the editor');
    expect(path.dirname(file)).toBe(dir);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    await sleep(20);
    fs.writeFileSync(file, 'saved in vim');
    // A new process (the next start) reads the draft and sees the editor's newer text.
    const recovered = new DraftStore({ dir }).get('site:acme')!;
    expect(recovered.fields.aiPrompt).toBe('saved in vim');
    expect(recovered.fromEditorFile).toBe(true);
    // A flush while the editor runs (SIGHUP) takes the editor's text too.
    fs.writeFileSync(file, 'saved again');
    store.save({ ...d, editor: { field: 'aiPrompt', file } });
    store.flushSync();
    expect(JSON.parse(fs.readFileSync(store.get('site:acme')!.file, 'utf8')).fields.aiPrompt).toBe('saved again');
    store.detachEditorFile({ ...d, fields: { aiPrompt: 'saved again' } });
    expect(fs.existsSync(file)).toBe(false);
    expect(store.get('site:acme')!.editor).toBeUndefined();
  });

  it('compares a recovered draft with the current row as base / theirs / mine', () => {
    const d = draft({ aiPrompt: 'mine', brandName: 'ACME' });
    expect(compareDraft(d, { version: 3, aiPrompt: 'base prompt', brandName: 'ACME' }).status).toBe('current');
    const moved = compareDraft(d, { version: 5, aiPrompt: 'theirs', brandName: 'ACME' });
    expect(moved.status).toBe('moved');
    expect(moved.fields).toEqual([
      { field: 'aiPrompt', base: 'base prompt', theirs: 'theirs', mine: 'mine', conflict: true },
      { field: 'brandName', base: 'ACME', theirs: 'ACME', mine: 'ACME', conflict: false },
    ]);
    expect(compareDraft(d, null).status).toBe('gone');
    expect(compareDraft({ ...d, recordId: null, baseVersion: null }, null).status).toBe('new');
  });

  it('flushes and exits with 128 + signal from the installed handler; a second signal while closing changes nothing', () => {
    const flushed: string[] = [];
    const codes: number[] = [];
    const uninstall = flushDraftsOnSignals({ flushSync: () => flushed.push('flush') }, { exit: (code) => codes.push(code), beforeExit: (s) => flushed.push(s) });
    try {
      process.emit('SIGTERM', 'SIGTERM');
      process.emit('SIGHUP', 'SIGHUP');
    } finally {
      uninstall();
    }
    expect(flushed).toEqual(['flush', 'SIGTERM']);
    expect(codes).toEqual([143]);
  });
});

describe('drafts survive a dropped terminal (child processes)', () => {
  it('a SIGHUP while a draft is pending ends with the draft on disk and exit status 129', async () => {
    const dir = tempDir();
    const c = child('pending', dir, 60_000);
    await c.waitFor(() => c.lines.some((l) => l.text === 'ready'));
    expect(fs.existsSync(dir)).toBe(false);
    c.proc.kill('SIGHUP');
    expect(await c.exited).toEqual({ code: 129, signal: null });
    const [stored] = new DraftStore({ dir }).list();
    expect(stored).toMatchObject({ id: 'site:acme', baseVersion: 7, fields: { aiPrompt: 'typed just before the line dropped' } });
  });

  it('a SIGTERM while a draft is pending ends with the draft on disk and exit status 143', async () => {
    const dir = tempDir();
    const c = child('pending', dir, 60_000);
    await c.waitFor(() => c.lines.some((l) => l.text === 'ready'));
    c.proc.kill('SIGTERM');
    expect(await c.exited).toEqual({ code: 143, signal: null });
    expect(new DraftStore({ dir }).get('site:acme')?.fields.aiPrompt).toBe('typed just before the line dropped');
  });

  it('kill -9 during steady typing leaves a draft at most about one debounce (300 ms) stale', async () => {
    const dir = tempDir();
    const c = child('typing', dir, 300);
    await c.waitFor(() => c.lines.length >= 60);
    c.proc.kill('SIGKILL');
    expect((await c.exited).signal).toBe('SIGKILL');
    const killedAt = Date.now();
    const stored = new DraftStore({ dir }).get('site:acme')!;
    const n = Number(stored.fields.aiPrompt!.replace('keystroke ', ''));
    const typedAt = Number(c.lines.find((l) => l.text.startsWith(`${n} `))!.text.split(' ')[1]);
    const lastTypedAt = Number(c.lines.at(-1)!.text.split(' ')[1]);
    // What was lost is what was typed in the last debounce window (plus scheduling slack), never more.
    expect(lastTypedAt - typedAt).toBeLessThanOrEqual(300 + 150);
    expect(killedAt).toBeGreaterThan(lastTypedAt);
    // The file on disk is whole (atomic rename), never a torn write.
    expect(() => JSON.parse(fs.readFileSync(stored.file, 'utf8'))).not.toThrow();
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')).length).toBeLessThanOrEqual(1);
  });
});


describe('a draft that cannot be written, and drafts of two databases', () => {
  it('a write that fails says why, leaves no temp file, stays pending, and is retried until it succeeds', async () => {
    const dir = tempDir();
    // Where the drafts directory should be, a file: every write fails (ENOTDIR), as on a broken state dir.
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    fs.writeFileSync(dir, 'not a directory');
    const store = new DraftStore({ dir, debounceMs: 10 });
    store.save(draft({ aiPrompt: 'typed' }));
    expect(store.state('site:acme')).toBe('pending');
    await sleep(60);
    expect(store.state('site:acme')).toBe('failed:not a directory');
    expect(store.report()).toEqual({ kept: [], failed: [{ id: 'site:acme', reason: 'not a directory', olderKept: false }] });
    fs.rmSync(dir);
    // The retry (every second) writes it, and only then is it "saved".
    for (let i = 0; i < 40 && store.state('site:acme') !== 'saved'; i++) await sleep(50);
    expect(store.state('site:acme')).toBe('saved');
    expect(store.get('site:acme')?.fields.aiPrompt).toBe('typed');
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(store.report()).toEqual({ kept: ['site:acme'], failed: [] });
  });

  it('a draft of one database is not found on another; adopting it moves it over', () => {
    const dir = tempDir();
    const staging = new DraftStore({ dir });
    staging.setDatabase({ key: 'pg:1/cabinet', label: 'staging' });
    staging.save(draft({ aiPrompt: 'from staging' }));
    staging.flushSync();
    const production = new DraftStore({ dir });
    production.setDatabase({ key: 'pg:2/cabinet', label: 'production' });
    expect(production.get('site:acme')).toBeNull();
    const [listed] = production.list();
    expect(listed?.database).toEqual({ key: 'pg:1/cabinet', label: 'staging' });
    expect(production.belongsHere(listed!)).toBe(false);
    production.adopt(listed!, draft({ aiPrompt: 'from staging' }));
    expect(production.get('site:acme')?.database?.key).toBe('pg:2/cabinet');
    expect(staging.get('site:acme')).toBeNull();
    expect(production.list()).toHaveLength(1);
  });
});
