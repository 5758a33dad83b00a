import { DraftStore, type StoredDraft } from '../../src/lib/drafts.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits on the drafts directory, as the next session would read it, instead of sleeping for the debounce:
 * until draft `id` is there and `ok` holds for it (it was written, with these fields); returns it.
 */
export async function waitForDraft(dir: string, id: string, ok: (draft: StoredDraft) => boolean = () => true, timeoutMs = 3000): Promise<StoredDraft> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const draft = new DraftStore({ dir }).get(id);
    if (draft && ok(draft)) return draft;
    if (Date.now() > deadline) throw new Error(`timed out waiting for draft ${id}; on disk: ${JSON.stringify(draft?.fields ?? null)}`);
    await sleep(10);
  }
}

/**
 * Waits until draft `id` is gone from disk and the console's store has no write of it pending (a pending
 * write would bring it back). Check first that it was written (waitForDraft), or "gone" proves nothing.
 */
export async function waitForDraftGone(dir: string, id: string, store: DraftStore, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (store.state(id) === 'none' && new DraftStore({ dir }).get(id) === null) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for draft ${id} to go (state ${store.state(id)})`);
    await sleep(10);
  }
}
