import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { consoleWorld } from '../helpers/console-world.ts';
import { scratchDir } from '../helpers/scratch.ts';
import { binCabinet, startTmux, terminalEnv } from '../helpers/tmux.ts';

/**
 * An admin who presses Enter the moment the rows show must open the site. Ink turns the terminal raw in an effect
 * that runs after its first frame is written; an Enter typed at that frame before then was cooked by the terminal
 * (ICRNL: "\r" became "\n", which Ink reads as Ctrl-J), and nothing opened. On a loaded machine the gap was wide
 * enough for tests that typed at the first rows to fail. So: raw mode comes before the first frame.
 */
const world = consoleWorld('e2e_raw_first');

describe('keys typed at the first frame', () => {
  it('the terminal is raw before the console writes its first frame, so an Enter at the rows opens the site', async () => {
    const trace = path.join(scratchDir('raw-first-trace'), 'strace.log');
    world.tmux = startTmux(['strace', '-f', '-qq', '-s', '64', '-e', 'trace=execve,write,ioctl', '-o', trace, binCabinet], {
      env: terminalEnv({ DATABASE_URL: world.db.url }),
    });
    await world.tmux.waitFor('Sites (1)', 20_000);
    const lines = fs.readFileSync(trace, 'utf8').split('\n');
    const exec = lines.find((l) => /^\d+\s+execve\("[^"]*\/node", /.test(l) && / = 0$/.test(l));
    expect(exec, lines.slice(0, 20).join('\n')).toBeDefined();
    const mine = lines.filter((l) => l.startsWith(`${exec!.split(/\s+/)[0]} `));
    const frame = mine.findIndex((l) => l.includes('\\33[?1049h'));
    // A terminal setting without ICANON (canonical, line-by-line input) is raw mode.
    const raw = mine.findIndex((l) => /ioctl\(\d+, [^,]*TCSETSW?F?, \{.*c_lflag=[^,}]*/.test(l) && !/c_lflag=[^,}]*ICANON/.test(l));
    expect(frame, mine.slice(-20).join('\n')).toBeGreaterThan(0);
    expect(raw, mine.filter((l) => l.includes('ioctl')).join('\n')).toBeGreaterThanOrEqual(0);
    expect(raw).toBeLessThan(frame);
    world.tmux.keys('Enter');
    await world.tmux.waitFor('Site acme-de', 20_000);
    world.tmux.type('q');
    world.tmux.type('q');
    expect(await world.tmux.waitForExit()).toBe(0);
  });
});
