import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { consoleWorld } from '../helpers/console-world.ts';
import { binCabinet, startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';

const world = consoleWorld('e2e_restore');

async function openConsole(): Promise<TmuxSession> {
  const t = startTmux([binCabinet], { env: terminalEnv({ DATABASE_URL: world.db.url }) });
  world.tmux = t;
  await t.waitFor('Sites (1)');
  expect(t.info('#{alternate_on} #{cursor_flag}')).toBe('1 0');
  return t;
}

/** Back on the main screen with the cursor shown, and the shell's output where the console was. */
function expectRestored(t: TmuxSession): void {
  expect(t.info('#{alternate_on} #{cursor_flag}')).toBe('0 1');
  expect(t.capture()).not.toContain('Sites (1)');
}

describe('the terminal is given back on every way out', () => {
  it('Ctrl-C quits from a form, restoring the terminal', async () => {
    const t = await openConsole();
    t.type('e');
    await t.waitFor('Edit site acme-de');
    t.keys('C-c');
    expect(await t.waitForExit()).toBe(0);
    expectRestored(t);
  });

  it('SIGTERM unmounts and restores the terminal (exit status 143)', async () => {
    const t = await openConsole();
    const shell = t.info('#{pane_pid}');
    const cabinet = execFileSync('pgrep', ['-P', shell]).toString().trim().split('\n')[0]!;
    process.kill(Number(cabinet), 'SIGTERM');
    expect(await t.waitForExit()).toBe(143);
    expectRestored(t);
  });

  it(':quit from the palette', async () => {
    const t = await openConsole();
    t.type(':');
    t.type('qu');
    t.keys('Tab', 'Enter');
    expect(await t.waitForExit()).toBe(0);
    expectRestored(t);
  });

  it('redraws to a resized terminal and says when it is too small', async () => {
    const t = await openConsole();
    t.resize(50, 12);
    await t.waitFor('Terminal too small: 50×12');
    t.resize(120, 40);
    const screen = await t.waitFor('Sites (1)');
    expect(screen.split('\n')[0]).toMatch(/read-write\s*$/);
    t.type('q');
    expect(await t.waitForExit()).toBe(0);
  });
});
