import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCabinet } from '../helpers/cli.ts';
import { createMigratedDatabase } from '../helpers/db.ts';
import { binCabinet, ensureBuilt, startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';

/** A new admin's first screen on an empty database says what to do next, and `?` says it again. */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
let tmux: TmuxSession | undefined;

beforeAll(async () => {
  ensureBuilt();
  db = await createMigratedDatabase('e2e_empty');
});
afterAll(async () => {
  await db?.close();
});
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
});

describe('the empty first screen', () => {
  it('names n for a new site and cabinet seed --demo for demo data, on the screen and in ? help; both work', async () => {
    tmux = startTmux([binCabinet], { width: 140, env: terminalEnv({ DATABASE_URL: db.url }) });
    const screen = await tmux.waitFor('No sites yet');
    expect(screen).toContain('No sites yet. Press n to create one, or run cabinet seed --demo in a shell for demo data (? shows both).');
    tmux.keys('?');
    const help = await tmux.waitFor('In a shell');
    expect(help).toMatch(/n\s+new site/);
    expect(help).toMatch(/cabinet seed --demo\s+demo sites and users for an empty database/);
    tmux.keys('Escape');
    await tmux.waitFor('No sites yet');
    // n does what the screen says.
    tmux.keys('n');
    await tmux.waitFor('New site  step 1 of');
    tmux.keys('Escape');
    await tmux.waitFor('No sites yet');
    tmux.keys('q');
    expect(await tmux.waitForExit()).toBe(0);

    // And so does the command it names.
    const seed = await runCabinet(['seed', '--demo'], { env: cleanEnv({ DATABASE_URL: db.url }) });
    expect(seed.code, seed.stderr).toBe(0);
    tmux.kill();
    tmux = startTmux([binCabinet], { width: 140, env: terminalEnv({ DATABASE_URL: db.url }) });
    const seeded = await tmux.waitFor(/Sites \(6\)/);
    expect(seeded).not.toContain('No sites yet');
    tmux.keys('q');
    expect(await tmux.waitForExit()).toBe(0);
  });
});
