/**
 * Waits until `ok()` holds (a file on disk, a row, a process gone), polling every 50 ms; throws naming `what`
 * after `timeoutMs`. For the end state a person would see, instead of a fixed sleep that a loaded machine outlasts.
 */
export async function until(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await ok()); await new Promise((resolve) => setTimeout(resolve, 50))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}
