import type { OpenReaderOptions } from '../commands/command.ts';
import type { DbReader } from '../db/open-reader.ts';

/** The console's read connection, opened before its UI is loaded. */
export interface EarlyReader {
  /** The reader; `log` and `warn` get the lines said while opening it so far, and from now on. */
  take(log: (line: string) => void, warn: (line: string) => void): Promise<DbReader>;
  /**
   * Settles once the connection is under way: the connect was issued (or opening failed, or a setup line
   * was said, or it takes long). An early start (services/console-early.ts) waits for this before the CLI loads.
   */
  dialled: Promise<void>;
  /**
   * Settles once the handshake is done, or HANDSHAKE_WAIT_MS from now, or as `dialled` does on a failure or a
   * setup line: the UI may load then without holding up the first screen's queries.
   */
  underway(): Promise<void>;
  /** Closes the connection of a reader nobody took (the CLI refused its arguments). */
  discard(): void;
  /** True while the handshake is still going on (round trips away from the first rows, over a far link). */
  handshaking(): boolean;
  /** Settles once the handshake is over (or failed): the first screen's queries go out in the same turn. */
  handshaken: Promise<void>;
}

/**
 * The longest the UI waits for the handshake once the connection is started: it loads regardless then, and
 * the handshake goes on. A local server answers within it (the answers are then in when Ink first draws); over
 * a far link the UI loads during the round trip (alternating runs at load 1-2: 20 ms or less was 30-50 ms
 * faster through the 50 ms link than 100; on loopback the same in one run and 50 ms slower in another).
 */
const HANDSHAKE_WAIT_MS = 20;
/** The longest the early start waits for the socket to open before it loads the CLI (loopback TCP takes 1-3 ms). */
const SOCKET_WAIT_MS = 5;
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
export function startConsoleReader(open: (options: OpenReaderOptions & { log: (line: string) => void; warn: (line: string) => void }) => Promise<DbReader>): EarlyReader {
  const said: { warning: boolean; line: string }[] = [];
  let sink: { log: (line: string) => void; warn: (line: string) => void } | undefined;
  // A setup line (an embedded cluster being created or started) means a wait the UI should show at once.
  let setupSaid: () => void = () => {};
  const setup = new Promise<void>((resolve) => (setupSaid = resolve));
  const log = (line: string) => (setupSaid(), sink ? sink.log(line) : said.push({ warning: false, line }));
  const warn = (line: string) => (sink ? sink.warn(line) : said.push({ warning: true, line }));
  const opening = open({ log, warn, maxConnections: 1 });
  let connected: Promise<void> | undefined;
  let shaken = false;
  let shake: () => void = () => {};
  const handshaken = new Promise<void>((resolve) => (shake = resolve));
  let dial: () => void = () => {};
  const dialling = new Promise<void>((resolve) => (dial = resolve));
  const reader = (async () => {
    const opened = await opening;
    // The connect goes out now (pg writes the startup packet once TCP is up); the statements follow it.
    connected = opened.warm();
    const over = () => {
      shaken = true;
      shake();
    };
    connected.then(over, over);
    // Node loads a module graph without giving the event loop a turn: the startup packet goes out once the
    // socket is open (at once on loopback; a far link's TCP handshake is not waited for), not behind the CLI.
    await Promise.race([opened.socketOpen, after(SOCKET_WAIT_MS)]);
    dial();
    const { firstScreenStatements } = await import('./console-services.ts');
    opened.prefetch(await firstScreenStatements());
    return opened;
  })();
  reader.catch(() => (dial(), shake())); // the console reports it once it asks for the reader
  const dialled = Promise.race([dialling, setup, after(START_WAIT_MS)]);
  return {
    take(logTo, warnTo) {
      sink = { log: logTo, warn: warnTo };
      for (const { warning, line } of said.splice(0)) (warning ? warnTo : logTo)(line);
      return reader;
    },
    dialled,
    underway: () => Promise.race([dialled.then(() => (connected ? Promise.race([connected, after(HANDSHAKE_WAIT_MS)]) : undefined)), setup]),
    discard: () => void reader.then((r) => r.close()).catch(() => {}),
    handshaking: () => connected !== undefined && !shaken,
    handshaken,
  };
}
