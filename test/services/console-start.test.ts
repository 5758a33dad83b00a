import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDelayProxy, type DelayProxy } from '../../bench/delay-proxy.ts';
import { CONSOLE_READS, openReaderFor } from '../../src/commands/reader-for.ts';
import { startConsoleReader } from '../../src/services/console-start.ts';
import { cluster, createMigratedDatabase } from '../helpers/db.ts';

/**
 * The console's early reader says whether its handshake is still under way (EarlyReader.handshaking): the console
 * then draws its first frame at once, during the round trips left, rather than waiting for rows that are round
 * trips away (ui/run-console.tsx). Asked of a real connection, on the server's socket and through a far link.
 */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
let proxy: DelayProxy;

beforeAll(async () => {
  db = await createMigratedDatabase('console_start_handshake');
  const c = cluster();
  proxy = await startDelayProxy({ target: { path: path.join(c.socket, `.s.PGSQL.${c.port}`) }, delayMs: 100 });
});
afterAll(async () => {
  await proxy?.close();
  await db?.close();
});

async function handshakeSeen(url: string): Promise<{ atDial: boolean; doneAfterMs: number }> {
  const early = startConsoleReader((options) => openReaderFor({ allowNonTailnet: false, databaseUrl: url }, options, CONSOLE_READS));
  const started = Date.now();
  await early.dialled;
  const atDial = early.handshaking();
  while (early.handshaking()) await new Promise((resolve) => setTimeout(resolve, 5));
  const doneAfterMs = Date.now() - started;
  const reader = await early.take(() => {}, () => {});
  await reader.close();
  return { atDial, doneAfterMs };
}

describe('EarlyReader.handshaking', () => {
  it('is true through a far link until the server has answered the handshake, round trips later, then false', async () => {
    const c = cluster();
    const far = await handshakeSeen(`postgres://${c.user}@127.0.0.1:${proxy.port}/${db.name}?sslmode=disable`);
    expect(far.atDial).toBe(true);
    // 200 ms a round trip: the handshake is not over before the server's answer has come back at least once.
    expect(far.doneAfterMs).toBeGreaterThanOrEqual(190);
  });

  it("is over within a few milliseconds on the server's own socket", async () => {
    const local = await handshakeSeen(db.url);
    expect(local.doneAfterMs).toBeLessThan(500);
  });
});
