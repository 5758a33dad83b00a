import { afterEach } from 'vitest';

/** What the keypress tests share: waiting, and unmounting the console a test rendered once it is done. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `ok()` holds, for at most two seconds. */
export async function until(ok: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 2000; !ok(); await sleep(5)) if (Date.now() > deadline) throw new Error('timed out');
}

/** Unmounts what a test hands to `mounted(ui.unmount)` after each test of the file that calls it. */
export function unmountAfterEach(): (unmount: () => void) => void {
  let unmount: (() => void) | undefined;
  afterEach(() => {
    unmount?.();
    unmount = undefined;
  });
  return (next) => {
    unmount = next;
  };
}
