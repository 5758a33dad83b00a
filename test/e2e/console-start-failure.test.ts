import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { binCabinet, ensureBuilt, startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';

/**
 * A console that cannot start is a failed run: the reason is on screen, `q` exits 1 (as the same error
 * does for any command), and the reason is still there on the normal screen once the alternate one closed.
 */
let tmux: TmuxSession | undefined;
let silent: net.Server;
const held: net.Socket[] = [];
let scratch: string;

beforeAll(async () => {
  ensureBuilt();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cabinet-start-failure-'));
  // Accepts the connection and never answers: a server that hangs (a dead pooler, a stuck host).
  silent = net.createServer((socket) => void held.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  for (const socket of held) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
  fs.rmSync(scratch, { recursive: true, force: true });
});
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
});

/** The lines after the alternate screen closed: what the shell shows once cabinet is gone. */
async function quitAfterError(t: TmuxSession, reason: RegExp): Promise<{ code: number; after: string }> {
  const screen = await t.waitFor(/press q to\s+quit/, 20_000);
  expect(screen).toMatch(reason);
  expect(t.info('#{alternate_on}')).toBe('1');
  t.keys('q');
  const code = await t.waitForExit();
  expect(t.info('#{alternate_on}')).toBe('0');
  return { code, after: t.capture() };
}

describe('the console cannot start', () => {
  it('a connection that times out: the reason stays readable after q, which exits 1', async () => {
    const port = (silent.address() as net.AddressInfo).port;
    tmux = startTmux([binCabinet], { width: 200, env: terminalEnv({ DATABASE_URL: `postgres://cabinet@127.0.0.1:${port}/cabinet?connect_timeout=1` }) });
    const { code, after } = await quitAfterError(tmux, /timed out|timeout/i);
    expect(code).toBe(1);
    expect(after).toMatch(new RegExp(`^cabinet: .*(timed out|timeout).*127\\.0\\.0\\.1`, 'm'));
    expect(after).not.toContain('press q to quit');
    // The splash line was erased first: the reason starts its own line.
    expect(after).not.toContain('starting…');
  });

  it('a database that is not there: exit 1, the reason on the restored screen', async () => {
    const missing = path.join(scratch, 'no-socket-here');
    tmux = startTmux([binCabinet], { width: 200, env: terminalEnv({ DATABASE_URL: `postgres://nobody@/nothing?host=${encodeURIComponent(missing)}` }) });
    const { code, after } = await quitAfterError(tmux, /no-socket-here/);
    expect(code).toBe(1);
    expect(after).toMatch(/^cabinet: .*no-socket-here/m);
  });

  it('the embedded cluster cannot be created: exit 1, the reason once on the restored screen', async () => {
    // A data directory below a regular file cannot be made, whoever runs the test.
    const file = path.join(scratch, 'a-file');
    fs.writeFileSync(file, '');
    tmux = startTmux([binCabinet], { width: 200, env: terminalEnv({ CABINET_EMBEDDED_DIR: path.join(file, 'postgres') }) });
    const { code, after } = await quitAfterError(tmux, /a-file/);
    expect(code).toBe(1);
    const lines = after.split('\n').filter((l) => l.startsWith('cabinet: '));
    // One line: the reason. The progress lines ("creating the embedded cluster…") were the loading line.
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/a-file/);
  });
});
