/**
 * A tiny hostile DNS server for the tailnet guard's tests, run inside a private network namespace only.
 * It answers the first question about a name one way and every later question another way, so a client
 * that asks twice is caught: the first label of the name says how.
 *
 *   servfail-*   first: SERVFAIL           later: A 8.8.8.8 / AAAA 2001:4860:4860::8888
 *   timeout-*    first: no answer at all   later: the same public addresses
 *   rebind-*     first: A 127.0.0.2        later: the same public addresses
 *
 * "First" is per name and record type (a resolver asks A and AAAA). Every question is printed as one line,
 * `query NAME TYPE ACTION`, on stdout; `ready` once it listens. Usage: node dns-responder.ts [port].
 */
import dgram from 'node:dgram';

const PUBLIC_A = [8, 8, 8, 8];
const PUBLIC_AAAA = [0x20, 0x01, 0x48, 0x60, 0x48, 0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0x88, 0x88];
const TYPE_A = 1;
const TYPE_AAAA = 28;

const seen = new Map<string, number>();
const socket = dgram.createSocket('udp4');

function question(packet: Buffer): { name: string; type: number; end: number } | undefined {
  const labels: string[] = [];
  let at = 12;
  while (at < packet.length && packet[at] !== 0) {
    const length = packet[at]!;
    labels.push(packet.subarray(at + 1, at + 1 + length).toString('latin1'));
    at += 1 + length;
  }
  if (at + 5 > packet.length) return undefined;
  return { name: labels.join('.').toLowerCase(), type: packet.readUInt16BE(at + 1), end: at + 5 };
}

function reply(query: Buffer, end: number, rcode: number, answers: { type: number; data: number[] }[]): Buffer {
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // id
  header.writeUInt16BE(0x8000 | (query.readUInt16BE(2) & 0x0100) | 0x0080 | rcode, 2); // QR, RD as asked, RA
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  const records = answers.map(({ type, data }) => {
    const record = Buffer.alloc(12 + data.length);
    record.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
    record.writeUInt16BE(type, 2);
    record.writeUInt16BE(1, 4); // IN
    record.writeUInt32BE(0, 6); // TTL 0: nothing may be cached
    record.writeUInt16BE(data.length, 10);
    Buffer.from(data).copy(record, 12);
    return record;
  });
  return Buffer.concat([header, query.subarray(12, end), ...records]);
}

socket.on('message', (packet, from) => {
  const q = question(packet);
  if (!q) return;
  const key = `${q.name} ${q.type}`;
  const count = (seen.get(key) ?? 0) + 1;
  seen.set(key, count);
  const mode = q.name.split('-')[0];
  const publicAnswer = q.type === TYPE_A ? [{ type: TYPE_A, data: PUBLIC_A }] : q.type === TYPE_AAAA ? [{ type: TYPE_AAAA, data: PUBLIC_AAAA }] : [];
  let action: string;
  let response: Buffer | undefined;
  if (count > 1) {
    action = 'public';
    response = reply(packet, q.end, 0, publicAnswer);
  } else if (mode === 'servfail') {
    action = 'servfail';
    response = reply(packet, q.end, 2, []);
  } else if (mode === 'timeout') {
    action = 'dropped';
  } else if (mode === 'rebind') {
    action = q.type === TYPE_A ? 'loopback' : 'nodata';
    response = reply(packet, q.end, 0, q.type === TYPE_A ? [{ type: TYPE_A, data: [127, 0, 0, 2] }] : []);
  } else {
    action = 'nxdomain';
    response = reply(packet, q.end, 3, []);
  }
  process.stdout.write(`query ${q.name} ${q.type === TYPE_A ? 'A' : q.type === TYPE_AAAA ? 'AAAA' : q.type} ${action}\n`);
  if (response) socket.send(response, from.port, from.address);
});

socket.bind(Number(process.argv[2] ?? 53), '127.0.0.1', () => process.stdout.write('ready\n'));
