// A userland TCP proxy that puts a slow link in front of a PostgreSQL on this machine: every chunk waits
// `delayMs` each way (25 ms by default, a 50 ms round trip, about a tailnet hop to another region), a new
// connection pays one extra round trip for TCP's handshake, and the proxy counts what crossed it:
// connections, bytes each way, and round trips (a burst from the client answered by the server; server
// bytes nobody asked for, such as a NOTIFY, are not a round trip). Loopback only, both ends.
//
// From a test or the benchmark:   const proxy = await startDelayProxy({ target: { host: '127.0.0.1', port } });
//                                 ... connect to 127.0.0.1:proxy.port ...; proxy.stats(); await proxy.close();
// From a shell:                   node bench/delay-proxy.ts --target 127.0.0.1:5432 [--delay 25] [--port 0]
//                                 (prints `listening 127.0.0.1:<port>`; prints the counters as JSON on
//                                 SIGUSR2 and on exit by SIGINT/SIGTERM; --trace prints each round trip)
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export type ProxyTarget = { host: string; port: number } | { path: string };

export interface DelayProxyOptions {
  /** Where the real server listens: a loopback host and port, or a Unix socket path. */
  target: ProxyTarget;
  /** Delay each way, in ms (default 25: a 50 ms round trip). */
  delayMs?: number;
  /** Loopback address to listen on (default 127.0.0.1) and port (default 0: any free one). */
  host?: string;
  port?: number;
  /** Charge a new connection one round trip for the TCP handshake a real link would cost (default true). */
  connectRoundTrip?: boolean;
  /** Keep, per connection, which PostgreSQL message types each round trip carried (see `trace()`). */
  trace?: boolean;
}

export interface ConnectionStats {
  id: number;
  /** When the client connected, in ms since the proxy started. */
  openedAt: number;
  roundTrips: number;
  bytesToServer: number;
  bytesToClient: number;
  /** With `trace`: each round trip's client message types, e.g. 'P B D E S' or 'startup'. */
  bursts: string[];
  /** With `trace`: the SQL the client sent (first 2,000 characters), with ms since the proxy started. */
  sql: { at: number; text: string }[];
  /** With `trace`: each round trip, when its answer came (ms since the proxy started) and the SQL it carried. */
  trips: { at: number; sql: string[] }[];
  /** With `trace`: the application_name of the startup packet (cabinet names its pools and session connections). */
  application?: string;
  open: boolean;
}

export interface ProxyStats {
  connections: number;
  roundTrips: number;
  bytesToServer: number;
  bytesToClient: number;
  perConnection: ConnectionStats[];
}

export interface DelayProxy {
  host: string;
  port: number;
  delayMs: number;
  /** Date.now() when the proxy started: what `openedAt` and the traced SQL's `at` count from. */
  startedAt: number;
  stats(): ProxyStats;
  /** Forget what was counted so far: connections, round trips and bytes count from zero (open ones are no longer counted). */
  reset(): void;
  close(): Promise<void>;
}

const loopbackHost = (h: string) => h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);

/**
 * Reads the frontend message types out of the client's byte stream, chunk by chunk (a message may span
 * chunks). The first message (startup, SSL or GSS request, cancel) has no type letter.
 */
function frontendParser(onSql: (text: string) => void, onStartup: (params: Record<string, string>) => void): (chunk: Buffer) => string[] {
  let pending = Buffer.alloc(0);
  let skip = 0;
  let untyped = true; // the next message is a startup-style one (also after an SSL/GSS request's answer)
  return (chunk) => {
    const types: string[] = [];
    const s = Math.min(skip, chunk.length);
    skip -= s;
    pending = Buffer.concat([pending, chunk.subarray(s)]);
    for (;;) {
      if (untyped) {
        if (pending.length < 8) break;
        const length = pending.readInt32BE(0);
        const code = pending.readInt32BE(4);
        types.push(code === 80877103 ? 'ssl' : code === 80877104 ? 'gss' : code === 80877102 ? 'cancel' : 'startup');
        if (code === 196608 && pending.length >= length) {
          const fields = pending.subarray(8, length - 1).toString().split('\0');
          const params: Record<string, string> = {};
          for (let k = 0; k + 1 < fields.length; k += 2) params[fields[k]!] = fields[k + 1]!;
          onStartup(params);
        }
        untyped = code === 80877103 || code === 80877104;
        if (pending.length < length) { skip = length - pending.length; pending = Buffer.alloc(0); break; }
        pending = pending.subarray(length);
      } else {
        if (pending.length < 5) break;
        const type = String.fromCharCode(pending[0]!);
        types.push(type);
        const length = 1 + pending.readInt32BE(1);
        if (type === 'Q' || type === 'P') {
          let at = 5;
          if (type === 'P') at = pending.indexOf(0, at) + 1; // past the statement name
          const end = pending.indexOf(0, at);
          onSql(pending.subarray(at, end < 0 ? Math.min(pending.length, at + 2000) : Math.min(end, at + 2000)).toString().replace(/\s+/g, ' '));
        }
        if (pending.length < length) { skip = length - pending.length; pending = Buffer.alloc(0); break; }
        pending = pending.subarray(length);
      }
    }
    return types;
  };
}

export async function startDelayProxy(options: DelayProxyOptions): Promise<DelayProxy> {
  const delayMs = options.delayMs ?? 25;
  const host = options.host ?? '127.0.0.1';
  if (!loopbackHost(host)) throw new Error(`delay-proxy: listens on loopback only, not ${host}`);
  if ('host' in options.target && !loopbackHost(options.target.host)) {
    throw new Error(`delay-proxy: forwards to loopback or a Unix socket only, not ${options.target.host}`);
  }
  const connectDelay = options.connectRoundTrip === false ? 0 : 2 * delayMs;
  let all: ConnectionStats[] = [];
  const sockets = new Set<net.Socket>();
  let nextId = 1;
  const startedAt = Date.now();

  const server = net.createServer((client) => {
    const acceptedAt = Date.now();
    const stats: ConnectionStats = { id: nextId++, openedAt: acceptedAt - startedAt, roundTrips: 0, bytesToServer: 0, bytesToClient: 0, bursts: [], sql: [], trips: [], open: true };
    all.push(stats);
    const upstream = 'path' in options.target
      ? net.connect(options.target.path)
      : net.connect(options.target.port, options.target.host);
    sockets.add(client);
    sockets.add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    let asked = false; // the client sent something the server has not answered yet
    let tripSql: string[] = [];
    const parse = frontendParser(
      (text) => {
        stats.sql.push({ at: Date.now() - startedAt, text });
        tripSql.push(text);
      },
      (params) => {
        if (params.application_name !== undefined) stats.application = params.application_name;
      },
    );
    let burst: string[] = [];

    // Same delay for every chunk of a direction, so timers fire in arrival order. A full socket pauses the
    // sending side until it drains, so a large COPY does not pile up in the proxy.
    const pipe = (from: net.Socket, to: net.Socket, onData: (chunk: Buffer) => void, notBefore: () => number) => {
      from.on('data', (chunk: Buffer) => {
        onData(chunk);
        const wait = Math.max(delayMs, notBefore() - Date.now());
        setTimeout(() => {
          if (to.destroyed) return;
          if (!to.write(chunk)) {
            from.pause();
            to.once('drain', () => from.resume());
          }
        }, wait);
      });
      from.on('end', () => setTimeout(() => to.end(), delayMs));
    };
    pipe(client, upstream, (chunk) => {
      stats.bytesToServer += chunk.length;
      if (options.trace) burst.push(...parse(chunk));
      asked = true;
    }, () => acceptedAt + connectDelay + delayMs);
    pipe(upstream, client, (chunk) => {
      stats.bytesToClient += chunk.length;
      if (asked) {
        stats.roundTrips++;
        if (options.trace) {
          stats.bursts.push(burst.join(' '));
          stats.trips.push({ at: Date.now() - startedAt, sql: tripSql });
        }
        burst = [];
        tripSql = [];
        asked = false;
      }
    }, () => 0);
    const finish = () => {
      stats.open = false;
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', () => setTimeout(finish, delayMs));
    upstream.on('close', () => setTimeout(finish, delayMs));
    client.on('error', () => {});
    upstream.on('error', () => {});
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  return {
    host,
    port: address.port,
    delayMs,
    startedAt,
    stats() {
      const sum = (k: 'roundTrips' | 'bytesToServer' | 'bytesToClient') => all.reduce((n, c) => n + c[k], 0);
      return {
        connections: all.length,
        roundTrips: sum('roundTrips'),
        bytesToServer: sum('bytesToServer'),
        bytesToClient: sum('bytesToClient'),
        perConnection: all.map((c) => ({ ...c, bursts: [...c.bursts], sql: [...c.sql], trips: [...c.trips] })),
      };
    },
    reset() {
      // Connections still open keep running but are no longer counted: the next figures start at zero.
      all = [];
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function parseTarget(text: string): ProxyTarget {
  if (text.startsWith('/')) return { path: text };
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(text);
  if (!m) throw new Error(`delay-proxy: --target is host:port or a Unix socket path, not ${text}`);
  return { host: m[1]!, port: Number(m[2]) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      target: { type: 'string' },
      delay: { type: 'string', default: '25' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
      'no-connect-rtt': { type: 'boolean', default: false },
      trace: { type: 'boolean', default: false },
    },
  });
  if (!values.target) {
    console.error('usage: node bench/delay-proxy.ts --target host:port|/socket/path [--delay ms] [--port n] [--trace]');
    process.exit(2);
  }
  const proxy = await startDelayProxy({
    target: parseTarget(values.target),
    delayMs: Number(values.delay),
    host: values.host,
    port: Number(values.port),
    connectRoundTrip: !values['no-connect-rtt'],
    trace: values.trace,
  });
  console.log(`listening ${proxy.host}:${proxy.port}`);
  const print = () => console.log(JSON.stringify(values.trace ? proxy.stats() : { ...proxy.stats(), perConnection: undefined }));
  process.on('SIGUSR2', print);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      print();
      void proxy.close().then(() => process.exit(0));
    });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  });
}
