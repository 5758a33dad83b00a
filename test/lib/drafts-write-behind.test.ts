import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DraftStore, type Draft } from '../../src/lib/drafts.ts';
import { scratchDir } from '../helpers/scratch.ts';

// The draft follows every key in the prompt editor; at 99,000 characters a debounced write is ~115 KB and
// an fsync. Those writes must not block the main thread (a key arriving would wait for them), yet a
// synchronous flush (SIGHUP, exit) and a discard must win over a write under way.

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const base = scratchDir('drafts-wb');
  dirs.push(base);
  return path.join(base, 'state', 'cabinet', 'drafts');
}

const big = (tag: string): Draft => ({
  id: 'site:big',
  entity: 'site',
  recordId: 'big',
  baseVersion: 1,
  base: { aiPrompt: 'b'.repeat(99_000) },
  fields: { aiPrompt: `${'x'.repeat(99_000)}${tag}` },
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const onDisk = (store: DraftStore) => store.get('site:big')?.fields.aiPrompt?.slice(99_000);

async function until(predicate: () => boolean) {
  for (let i = 0; i < 200 && !predicate(); i++) await sleep(10);
  expect(predicate()).toBe(true);
}

describe('debounced draft writes happen off the main thread', () => {
  it('the debounced write neither fsyncs nor writes the file on the main thread; the draft lands all the same', async () => {
    const dir = tempDir();
    const store = new DraftStore({ dir, debounceMs: 20 });
    const fsyncSync = vi.spyOn(fs, 'fsyncSync');
    const writeFileSync = vi.spyOn(fs, 'writeFileSync');
    store.save(big('1'));
    await until(() => store.state('site:big') === 'saved' && !store.hasPending);
    expect(onDisk(store)).toBe('1');
    expect(fsyncSync).not.toHaveBeenCalled();
    expect(writeFileSync).not.toHaveBeenCalled();
    // The signal path stays synchronous and durable.
    store.save(big('2'));
    store.flushSync();
    expect(fsyncSync).toHaveBeenCalled();
    expect(onDisk(store)).toBe('2');
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a synchronous flush during a background write wins: the file ends with the newest text', async () => {
    const dir = tempDir();
    const store = new DraftStore({ dir, debounceMs: 1 });
    store.save(big('old'));
    await sleep(5); // the background write of "old" is under way
    store.save(big('new'));
    store.flushSync();
    expect(onDisk(store)).toBe('new');
    await sleep(300); // whatever the background write does when it ends, it does not put "old" back
    expect(onDisk(store)).toBe('new');
    expect(store.hasPending).toBe(false);
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a discard during a background write is final: no draft file comes back', async () => {
    const dir = tempDir();
    const store = new DraftStore({ dir, debounceMs: 1 });
    store.save(big('gone'));
    await sleep(5);
    store.discard('site:big');
    await sleep(300);
    expect(store.get('site:big')).toBeNull();
    expect(store.list()).toEqual([]);
    expect(store.state('site:big')).toBe('none');
  });

  it('a change made while a write is under way reaches the disk too', async () => {
    const dir = tempDir();
    const store = new DraftStore({ dir, debounceMs: 10 });
    for (let i = 1; i <= 30; i++) {
      store.save(big(String(i)));
      await sleep(3);
    }
    await until(() => !store.hasPending);
    expect(onDisk(store)).toBe('30');
  });
});
