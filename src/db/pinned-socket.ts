import net from 'node:net';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | { address: string; family: number }[], family?: number) => void;

/**
 * A `lookup` for net.connect that answers with the addresses the tailnet guard already vetted instead of
 * asking DNS again. Resolving twice would let an answer that changed in between (DNS rebinding, a short
 * TTL) send the connection somewhere the guard never saw; this way the guard's decision is the connection.
 */
export function vettedLookup(addresses: readonly string[]) {
  const all = addresses.map((address) => ({ address, family: net.isIP(address) }));
  return (hostname: string, options: { family?: number | string; all?: boolean }, callback: LookupCallback): void => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : Number(options.family ?? 0);
    const usable = family === 4 || family === 6 ? all.filter((a) => a.family === family) : all;
    if (usable.length === 0) {
      const error: NodeJS.ErrnoException = new Error(
        all.length === 0 ? `${hostname} was not resolved by the tailnet guard; cabinet does not look it up again` : `no vetted address of family ${family}`,
      );
      error.code = 'ENOTFOUND';
      callback(error, []);
      return;
    }
    if (options.all) callback(null, usable);
    else callback(null, usable[0]!.address, usable[0]!.family);
  };
}

/**
 * node-postgres's `stream` option: a TCP socket whose host name resolves only to `addresses`. pg calls
 * `connect(port, host)`; the host name stays as given, so TLS still checks the certificate against it.
 */
export function pinnedStream(addresses: readonly string[], create: () => net.Socket = () => new net.Socket()): () => net.Socket {
  const lookup = vettedLookup(addresses);
  return () => {
    const socket = create();
    const connect = socket.connect.bind(socket) as (options: net.TcpSocketConnectOpts) => net.Socket;
    socket.connect = ((port: number, host: string) => connect({ port, host, lookup })) as unknown as typeof socket.connect;
    return socket;
  };
}
