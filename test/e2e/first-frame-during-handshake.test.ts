import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { consoleWorld } from '../helpers/console-world.ts';
import { cluster } from '../helpers/db.ts';
import { scratchDir } from '../helpers/scratch.ts';
import { binCabinet, startTmux, terminalEnv } from '../helpers/tmux.ts';

/**
 * A link whose server side is held: what the client sends reaches PostgreSQL at once, what PostgreSQL answers waits
 * until release() (a far database whose answers are still on their way). Loopback only.
 */
async function heldLink(target: { host: string; port: number }): Promise<{ port: number; released: boolean; release(): void; close(): Promise<void> }> {
  const waiting: (() => void)[] = [];
  const sockets = new Set<net.Socket>();
  const link = {
    port: 0,
    released: false,
    release() {
      link.released = true;
      for (const flush of waiting.splice(0)) flush();
    },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(target);
    sockets.add(client).add(upstream);
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => (link.released ? client.write(chunk) : waiting.push(() => client.write(chunk))));
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      a.on('error', () => b.destroy());
      a.on('close', () => b.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  link.port = (server.address() as net.AddressInfo).port;
  return link;
}

/**
 * From strace's log of the console's main thread: what it did between the splash line and Ink's first frame. `slept`
 * adds up the timeouts of the waits that ended by timing out (a timer the console waited on with nothing else to do);
 * a busy machine only shortens them.
 */
function beforeFirstFrame(trace: string): { splash: boolean; frame: boolean; slept: number; waits: string[] } {
  const lines = fs.readFileSync(trace, 'utf8').split('\n');
  const exec = lines.find((l) => /^\d+\s+execve\("[^"]*\/node", /.test(l) && / = 0$/.test(l));
  expect(exec, lines.slice(0, 20).join('\n')).toBeDefined();
  const main = exec!.split(/\s+/)[0]!;
  const mine = lines.filter((l) => l.startsWith(`${main} `));
  const splash = mine.findIndex((l) => l.includes('starting'));
  const frame = mine.findIndex((l) => l.includes('\\33[?1049h'));
  const waits = mine.slice(splash, frame).filter((l) => /epoll_p?wait\(.*\) = 0$/.test(l));
  const slept = waits.reduce((sum, l) => sum + Number(/, (-?\d+)(, NULL, \d+)?\) = 0$/.exec(l)?.[1] ?? 0), 0);
  return { splash: splash >= 0, frame: frame > splash, slept, waits };
}

const world = consoleWorld('e2e_handshake_frame');
let link: Awaited<ReturnType<typeof heldLink>> | undefined;
afterEach(async () => {
  link?.release();
  await link?.close();
  link = undefined;
});

describe('a far database', () => {
  it('the console draws its frame while the handshake is still under way, at once, not after a wait for rows that cannot have come', async () => {
    link = await heldLink({ host: '127.0.0.1', port: cluster().tcpPort });
    const c = cluster();
    const url = `postgres://${c.user}:${encodeURIComponent(c.password)}@127.0.0.1:${link.port}/${world.db.name}`;
    const trace = path.join(scratchDir('handshake-trace'), 'strace.log');
    world.tmux = startTmux(['strace', '-f', '-qq', '-s', '64', '-e', 'trace=execve,write,epoll_wait,epoll_pwait', '-o', trace, binCabinet], {
      env: terminalEnv({ DATABASE_URL: url }),
    });
    // Nothing from the server has come through: the console's own frame is on the screen, on the alternate screen.
    const frame = await world.tmux.waitFor(/cabinet\s*\n\s*connecting…/, 20_000);
    expect(link.released).toBe(false);
    expect(frame).not.toContain('acme.de');
    expect(world.tmux.info('#{alternate_on}')).toBe('1');
    // It did not sit waiting for rows first: through a far link they are round trips away, and the console had
    // nothing else to do (before 4e4ac19 it slept 100 ms on a timer here, with the UI ready, before drawing).
    const before = beforeFirstFrame(trace);
    expect(before.splash && before.frame, fs.readFileSync(trace, 'utf8').slice(-3000)).toBe(true);
    expect(before.slept, before.waits.join('\n')).toBeLessThan(60);
    // The answers arrive: the rows replace the frame, and the console works as ever.
    link.release();
    await world.tmux.waitFor(/Sites \(1\)[\s\S]*acme\.de/, 20_000);
    world.tmux.type('q');
    expect(await world.tmux.waitForExit()).toBe(0);
  });
});
