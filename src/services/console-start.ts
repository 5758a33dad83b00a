import type { CommandContext } from '../commands/command.ts';
import type { DbReader } from '../db/open-reader.ts';

/** The console's read connection, opened before its UI is loaded. */
export interface EarlyReader {
  /** The reader; `log` and `warn` get the lines said while opening it so far, and from now on. */
  take(log: (line: string) => void, warn: (line: string) => void): Promise<DbReader>;
  /** Settles once the connection is open (or failed, or takes long): the UI may load now without holding it up. */
  underway: Promise<void>;
}

/**
 * The longest the UI waits for the handshake once the connection is started: it loads regardless then, and
 * the handshake goes on. A local server answers within it (the answers are then in when Ink first draws); over
 * a far link the UI loads during the round trip (alternating runs at load 1-2: 20 ms or less was 30-50 ms
 * faster through the 50 ms link than 100; on loopback the same in one run and 50 ms slower in another).
 */
const HANDSHAKE_WAIT_MS = 20;
/** The longest it waits for the connection to start at all (a slow name lookup, say). */
const START_WAIT_MS = 1000;
const after = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Starts connecting (TCP, TLS, authentication) and sends the first screen's queries (one round trip, see
 * firstScreenStatements) at once, so they travel while Ink and React load: over a far link the handshake
 * and the queries take about as long as loading the UI. Setup lines (an embedded cluster being created, a
 * guard warning) wait until the UI can show them. One connection: the console's reads are short and take
 * turns (a superseded search is cancelled), and over a far link each new connection costs four round trips.
 *
 * The connection is opened as soon as the target is known (`warm`), not once the first screen's queries
 * are known, and `underway` tells the caller to load the UI once it is open (or a setup line was said, or
 * it takes long: HANDSHAKE_WAIT_MS, START_WAIT_MS). Evaluating Ink and React holds the one thread for a
 * couple of hundred milliseconds, and a handshake begun behind that waited for all of it before the
 * queries could go out; now they travel while the UI loads, and their answers are in when it first draws.
 */
export function startConsoleReader(ctx: CommandContext): EarlyReader {
  const said: { warning: boolean; line: string }[] = [];
  let sink: { log: (line: string) => void; warn: (line: string) => void } | undefined;
  // A setup line (an embedded cluster being created or started) means a wait the UI should show at once.
  let setupSaid: () => void = () => {};
  const setup = new Promise<void>((resolve) => (setupSaid = resolve));
  const log = (line: string) => (setupSaid(), sink ? sink.log(line) : said.push({ warning: false, line }));
  const warn = (line: string) => (sink ? sink.warn(line) : said.push({ warning: true, line }));
  const services = import('./console-services.ts');
  const opening = ctx.openReader({ log, warn, maxConnections: 1 });
  let connected: Promise<void> = Promise.resolve();
  const reader = (async () => {
    const opened = await opening;
    connected = opened.warm();
    const { firstScreenStatements } = await services;
    opened.prefetch(await firstScreenStatements());
    return opened;
  })();
  reader.catch(() => {}); // the console reports it once it asks for the reader
  return {
    take(logTo, warnTo) {
      sink = { log: logTo, warn: warnTo };
      for (const { warning, line } of said.splice(0)) (warning ? warnTo : logTo)(line);
      return reader;
    },
    underway: Promise.race([
      opening.then(
        () => Promise.race([connected, after(HANDSHAKE_WAIT_MS)]),
        () => {},
      ),
      setup,
      after(START_WAIT_MS),
    ]),
  };
}
