import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stopEmbeddedServer } from '../../src/db/embedded.ts';
import { cleanEnv, runCabinet } from '../helpers/cli.ts';
import { binCabinet, ensureBuilt, startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';

/**
 * A new user's first run: the embedded sandbox is migrated as the console opens (its full path), and that
 * console is as live as any other: the header says `live`, a site created by another cabinet shows up
 * without a key, and opening its form asks who else is editing without an error. (Presence and the live
 * feed once ran their $1-parameter SQL on the ORM, which binds ?: the first run polled, and every form
 * said "could not tell who else is editing".)
 */
let tmux: TmuxSession | undefined;
beforeAll(() => ensureBuilt());
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
});

describe('the first run on the embedded database', () => {
  it('is live: the header says so, another cabinet\'s site appears by itself, and its form opens without a presence error', async () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'cabinet-first-live-'));
    // As root the cluster runs as the postgres user, who must be able to reach its directory.
    fs.chmodSync(base, 0o755);
    const root = path.join(base, 'pg');
    try {
      tmux = startTmux([binCabinet], { width: 140, env: terminalEnv({ CABINET_EMBEDDED_DIR: root }) });
      await tmux.waitFor('No sites yet', 60_000);
      const header = await tmux.waitFor(/^cabinet .* live · read-write$/m, 20_000);
      expect(header).not.toContain('polling');
      const created = await runCabinet(['sites', 'create', 'first-live', '--domain', 'first-live.example', '--brand-name', 'First Live'], {
        env: cleanEnv({ CABINET_EMBEDDED_DIR: root }),
      });
      expect(created.code, created.stderr).toBe(0);
      // No key pressed: the list follows the database.
      await tmux.waitFor(/first-live\s+first-live\.example/, 15_000);
      tmux.keys('e');
      const form = await tmux.waitFor(/brand name/, 15_000);
      expect(form).not.toContain('could not tell who else is editing');
      tmux.keys('Escape');
      await tmux.waitFor('Sites (1)');
      tmux.keys('q');
      expect(await tmux.waitForExit()).toBe(0);
    } finally {
      await stopEmbeddedServer(root).catch(() => {});
      fs.rmSync(base, { recursive: true, force: true });
    }
  }, 150_000);
});
