/**
 * libpq's connection URI, parsed as libpq parses it (conninfo_uri_parse in fe-connect.c):
 *
 *   postgres[ql]://[user[:password]@][host[:port][,host[:port]…]][/dbname][?param=value&…]
 *
 * Several hosts (the HA form of Patroni and managed services), `[v6]` hosts, an empty host
 * (`postgres://user@:5433/db?host=/run/pg`), percent-encoding everywhere (`%2Frun%2Fpg` for a socket
 * directory) and query parameters that override the URI's parts. pg-connection-string takes one host
 * and rejects the empty one; the `connection-string` package reads `?host=/dir` as path segments, so
 * neither does the job.
 */
export interface LibpqUrl {
  /** One entry per host in the list; '' where the URI left it empty (libpq's default applies). */
  hosts: string[];
  /** Ports as written: one for all hosts, one per host, or none. */
  ports: string[];
  user?: string;
  password?: string;
  dbname?: string;
  /** Every query parameter except those that override the parts above. */
  params: Map<string, string>;
}

/** libpq's keywords a URI may carry (`invalid URI query parameter` for anything else, as psql says). */
const KEYWORDS = new Set([
  'host', 'hostaddr', 'port', 'dbname', 'user', 'password', 'passfile', 'require_auth', 'channel_binding',
  'connect_timeout', 'client_encoding', 'options', 'application_name', 'fallback_application_name',
  'keepalives', 'keepalives_idle', 'keepalives_interval', 'keepalives_count', 'tcp_user_timeout',
  'replication', 'gssencmode', 'sslmode', 'sslnegotiation', 'sslcompression', 'sslcert', 'sslkey',
  'sslpassword', 'sslcertmode', 'sslrootcert', 'sslcrl', 'sslcrldir', 'sslsni', 'requirepeer',
  'ssl_min_protocol_version', 'ssl_max_protocol_version', 'krbsrvname', 'gsslib', 'gssdelegation',
  'service', 'target_session_attrs', 'load_balance_hosts', 'min_protocol_version', 'max_protocol_version',
  // JDBC-style aliases libpq accepts in URIs
  'ssl',
]);

export class LibpqUrlError extends Error {}

function decode(text: string, what: string): string {
  if (/%(?![0-9a-f]{2})/i.test(text)) throw new LibpqUrlError(`invalid percent-encoded token in the ${what}`);
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '%') {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i]!, 'utf8'));
    }
  }
  if (bytes.includes(0)) throw new LibpqUrlError(`forbidden value %00 in the ${what}`);
  return Buffer.from(bytes).toString('utf8');
}

export function parseLibpqUrl(url: string): LibpqUrl {
  const scheme = /^postgres(?:ql)?:\/\//i.exec(url);
  if (!scheme) throw new LibpqUrlError('not a postgres:// or postgresql:// URI');
  let rest = url.slice(scheme[0].length);
  const result: LibpqUrl = { hosts: [], ports: [], params: new Map() };

  // User credentials: everything before the first '@' ahead of the first '/' (libpq's look-ahead; also
  // ahead of '?', so that an '@' inside a query value is not taken for one).
  const end = rest.search(/[/?]/);
  const at = rest.indexOf('@');
  if (at >= 0 && (end < 0 || at < end)) {
    const credentials = rest.slice(0, at);
    const colon = credentials.indexOf(':');
    const user = colon < 0 ? credentials : credentials.slice(0, colon);
    if (user !== '') result.user = decode(user, 'user name');
    if (colon >= 0) result.password = decode(credentials.slice(colon + 1), 'password');
    rest = rest.slice(at + 1);
  }

  // The host list, up to the database or the parameters.
  let i = 0;
  for (;;) {
    let host: string;
    if (rest[i] === '[') {
      const close = rest.indexOf(']', i);
      if (close < 0) throw new LibpqUrlError('missing "]" after an IPv6 host address');
      host = rest.slice(i + 1, close);
      if (host === '') throw new LibpqUrlError('an IPv6 host address may not be empty');
      i = close + 1;
      if (i < rest.length && !':,/?'.includes(rest[i]!)) throw new LibpqUrlError(`unexpected character "${rest[i]}" after an IPv6 host address`);
    } else {
      const start = i;
      while (i < rest.length && !':,/?'.includes(rest[i]!)) i++;
      host = decode(rest.slice(start, i), 'host');
    }
    let port = '';
    if (rest[i] === ':') {
      const start = ++i;
      while (i < rest.length && !',/?'.includes(rest[i]!)) i++;
      port = decode(rest.slice(start, i), 'port');
    }
    result.hosts.push(host);
    result.ports.push(port);
    if (rest[i] !== ',') break;
    i++;
  }
  rest = rest.slice(i);
  if (result.ports.every((p) => p === '')) result.ports = [];

  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  if (rest.startsWith('/')) {
    const dbname = rest.slice(1);
    if (dbname !== '') result.dbname = decode(dbname, 'database name');
  } else if (rest !== '') {
    throw new LibpqUrlError(`unexpected "${rest[0]}" after the host`);
  }

  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if (eq < 0) throw new LibpqUrlError(`missing "=" in URI query parameter "${decode(pair, 'query')}"`);
    const key = decode(pair.slice(0, eq), 'query');
    const value = decode(pair.slice(eq + 1), 'query');
    if (!KEYWORDS.has(key)) throw new LibpqUrlError(`invalid URI query parameter: "${key}"`);
    switch (key) {
      case 'host':
        result.hosts = value.split(',');
        break;
      case 'port':
        result.ports = value.split(',');
        break;
      case 'user':
        result.user = value;
        break;
      case 'password':
        result.password = value;
        break;
      case 'dbname':
        result.dbname = value;
        break;
      case 'ssl':
        // libpq: ssl=true means sslmode=require
        if (value === 'true') result.params.set('sslmode', 'require');
        break;
      default:
        result.params.set(key, value);
    }
  }
  return result;
}
