import type { CommandContext } from '../commands/command.ts';
import type { DbReader } from '../db/open-reader.ts';

/** The console's read connection, opened before its UI is loaded. */
export interface EarlyReader {
  /** The reader; `log` and `warn` get the lines said while opening it so far, and from now on. */
  take(log: (line: string) => void, warn: (line: string) => void): Promise<DbReader>;
}

/**
 * Starts connecting (TCP, TLS, authentication) and sends the first screen's queries (one round trip, see
 * firstScreenStatements) at once, so they travel while Ink and React load: over a far link the handshake
 * and the queries take about as long as loading the UI. Setup lines (an embedded cluster being created, a
 * guard warning) wait until the UI can show them. One connection: the console's reads are short and take
 * turns (a superseded search is cancelled), and over a far link each new connection costs four round trips.
 */
export function startConsoleReader(ctx: CommandContext): EarlyReader {
  const said: { warning: boolean; line: string }[] = [];
  let sink: { log: (line: string) => void; warn: (line: string) => void } | undefined;
  const log = (line: string) => (sink ? sink.log(line) : said.push({ warning: false, line }));
  const warn = (line: string) => (sink ? sink.warn(line) : said.push({ warning: true, line }));
  const reader = (async () => {
    const [opened, { firstScreenStatements }] = await Promise.all([ctx.openReader({ log, warn, maxConnections: 1 }), import('./console-services.ts')]);
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
  };
}
