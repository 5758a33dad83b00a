import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDelayProxy } from '../../bench/delay-proxy.ts';
import { cluster, createMigratedDatabase } from '../helpers/db.ts';
import { scratchDir } from '../helpers/scratch.ts';
import { binCabinet, ensureBuilt, startTmux, terminalEnv, type TmuxSession } from '../helpers/tmux.ts';

/**
 * What the console does before its first rows (issue #13.5), asked of the real binary: a probe preloaded
 * with NODE_OPTIONS=--import records every module Node loads, every expression built on Unicode's
 * RGI_Emoji set (~70 ms of CPU to build and compile) or on the scripts (UTS 39's ~170), every collator and localeCompare (the first sets up
 * ICU's collation, 10-20 ms), every grapheme segmenter and number format (ICU's break rules and number data,
 * ~30 ms together). None of them is needed for a first screen of ASCII rows; each is loaded when a
 * screen needs it, which the second half shows (an emoji sequence in a prompt, an IDN domain). And the
 * connection to the database is opened before Ink and the screens load (services/console-start.ts): a
 * handshake started behind them waited until they were evaluated; and the list's first frame has its rows
 * (services/first-page.ts), where it drew "loading…" and then the rows after Ink's frame throttle.
 */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
let tmux: TmuxSession | undefined;

beforeAll(async () => {
  ensureBuilt();
  db = await createMigratedDatabase('e2e_start_up_work');
  await db.query(`insert into sites (site_id, domain, brand_name, ai_prompt) values ('acme-de', 'acme.de', 'ACME', 'Sei freundlich ❤️ und kurz.')`);
});
afterAll(async () => {
  await db?.close();
});
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
});

function probe(dir: string, log: string): string {
  const file = path.join(dir, 'start-up-probe.mjs');
  fs.writeFileSync(
    file,
    `import fs from 'node:fs';
import module from 'node:module';
import net from 'node:net';
const log = (line) => fs.appendFileSync(${JSON.stringify(log)}, line + '\\n');
const NativeRegExp = RegExp;
let scriptsSeen = false;
globalThis.RegExp = new Proxy(NativeRegExp, {
  construct(target, args, newTarget) {
    if (String(args[0]).includes('RGI_Emoji')) log('RGI_Emoji ' + (new Error().stack.split('\\n')[2] ?? '').trim());
    if (String(args[0]).includes('Script_Extensions=') && !scriptsSeen) (scriptsSeen = true), log('Script_Extensions ' + (new Error().stack.split('\\n')[2] ?? '').trim());
    return Reflect.construct(target, args, newTarget);
  },
});
const NativeCollator = Intl.Collator;
Intl.Collator = new Proxy(NativeCollator, {
  construct(target, args, newTarget) {
    log('Intl.Collator ' + (new Error().stack.split('\\n')[2] ?? '').trim());
    return Reflect.construct(target, args, newTarget);
  },
});
for (const name of ['Segmenter', 'NumberFormat']) {
  const Native = Intl[name];
  Intl[name] = new Proxy(Native, {
    construct(target, args, newTarget) {
      log('Intl.' + name + ' ' + (new Error().stack.split('\\n')[2] ?? '').trim());
      return Reflect.construct(target, args, newTarget);
    },
  });
}
const toLocaleString = Number.prototype.toLocaleString;
Number.prototype.toLocaleString = function (...args) {
  log('Number.toLocaleString ' + (new Error().stack.split('\\n')[2] ?? '').trim());
  return toLocaleString.apply(this, args);
};
const localeCompare = String.prototype.localeCompare;
let compares = 0;
String.prototype.localeCompare = function (...args) {
  if (compares++ < 5) log('localeCompare ' + (new Error().stack.split('\\n')[2] ?? '').trim());
  return localeCompare.apply(this, args);
};
module.registerHooks({ load(url, context, nextLoad) { log('load ' + url); return nextLoad(url, context); } });
const write = process.stdout.write;
process.stdout.write = function (chunk, ...rest) {
  const text = String(chunk);
  if (text.includes('loading…')) log('frame: loading');
  if (/Sites \\(\\d+\\)/.test(text)) log('frame: rows');
  return write.call(this, chunk, ...rest);
};
const sockWrite = net.Socket.prototype.write;
let queryOut = false;
net.Socket.prototype.write = function (chunk, ...rest) {
  if (!queryOut && Buffer.isBuffer(chunk) && chunk.toString('latin1').includes('from sites')) (queryOut = true), log('query out');
  return sockWrite.call(this, chunk, ...rest);
};
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  log('connect ' + JSON.stringify(args[0]?.path ?? args[0]?.port ?? args[0]));
  return connect.apply(this, args);
};
`,
  );
  return file;
}

describe('the console before its first rows', () => {
  it('connects before it loads the UI; builds no RGI_Emoji set, sets up no collator, loads no IDNA tables (each comes when a screen needs it)', async () => {
    const dir = scratchDir('start-up-probe');
    const log = path.join(dir, 'probe.log');
    tmux = startTmux([binCabinet], { env: terminalEnv({ DATABASE_URL: db.url, NODE_OPTIONS: `--import=${probe(dir, log)}` }), width: 120, height: 30 });
    await tmux.waitFor('Sites (1)');
    const before = fs.readFileSync(log, 'utf8').split('\n');
    // The probe sees the loads (a control: the driver is loaded from node_modules).
    expect(before.some((l) => /^load .*\/node_modules\/pg\//.test(l))).toBe(true);
    expect(before.filter((l) => l.startsWith('RGI_Emoji') || l.startsWith('Script_Extensions'))).toEqual([]);
    expect(before.filter((l) => l.startsWith('localeCompare') || l.startsWith('Intl.Collator'))).toEqual([]);
    // Nor ICU's grapheme segmenter or number formatting (~30 ms of CPU together): the first rows' text is
    // segmented without it (lib/grapheme-segments.ts) and their count grouped by hand (lib/grouped-count.ts).
    expect(before.filter((l) => l.startsWith('Intl.Segmenter') || l.startsWith('Intl.NumberFormat') || l.startsWith('Number.toLocaleString'))).toEqual([]);
    expect(before.filter((l) => /^load .*\/node_modules\/tr46\//.test(l))).toEqual([]);
    // Ink's first frame of the list has its rows: the page read as the console opened, no "loading…" first.
    const frames = before.filter((l) => l.startsWith('frame: '));
    expect(frames[0], before.join('\n')).toBe('frame: rows');
    // The database connection went out before the UI's code was loaded.
    const connected = before.findIndex((l) => l.startsWith('connect ') && l.includes('.s.PGSQL.'));
    const ui = before.findIndex((l) => /^load .*\/dist\/chunks\/run-console-/.test(l));
    expect(connected, before.join('\n')).toBeGreaterThanOrEqual(0);
    expect(ui).toBeGreaterThan(connected);
    // The IDNA tables are not carried in the bundle either (they come from node_modules when needed).
    const chunks = path.join(path.dirname(binCabinet), '..', 'dist', 'chunks');
    expect(fs.readdirSync(chunks).filter((f) => f.endsWith('.js') && fs.readFileSync(path.join(chunks, f), 'utf8').includes('mappingTable'))).toEqual([]);

    // The prompt's ❤️ (a variation sequence) is kept as it is: the whole set is built for it now.
    tmux.keys('Enter');
    await tmux.waitFor('❤️ und kurz');
    expect(fs.readFileSync(log, 'utf8').split('\n').some((l) => l.startsWith('RGI_Emoji'))).toBe(true);
    tmux.type('q');
    tmux.type('q');
    expect(await tmux.waitForExit()).toBe(0);
    tmux.kill();

    // A punycode domain on the first screen: the tables are loaded for it, and it is shown decoded.
    await db.query(`insert into sites (site_id, domain, brand_name) values ('bcme-de', 'xn--mnchen-3ya.de', 'BCME')`);
    fs.rmSync(log);
    tmux = startTmux([binCabinet], { env: terminalEnv({ DATABASE_URL: db.url, NODE_OPTIONS: `--import=${probe(dir, log)}` }), width: 120, height: 30 });
    await tmux.waitFor('münchen.de');
    expect(fs.readFileSync(log, 'utf8').split('\n').some((l) => /^load .*\/node_modules\/tr46\//.test(l))).toBe(true);
    tmux.type('q');
    expect(await tmux.waitForExit()).toBe(0);
  });

  it("starts connecting before the CLI's parser loads; through a far link the first screen's queries go out before the screens load", async () => {
    const dir = scratchDir('start-up-early');
    const log = path.join(dir, 'probe.log');
    const lines = () => fs.readFileSync(log, 'utf8').split('\n');
    tmux = startTmux([binCabinet], { env: terminalEnv({ DATABASE_URL: db.url, NODE_OPTIONS: `--import=${probe(dir, log)}` }), width: 120, height: 30 });
    await tmux.waitFor(/Sites \(\d+\)/);
    const local = lines();
    // The socket to the server is opened before the CLI's chunk (meow and the commands) is loaded.
    const connected = local.findIndex((l) => l.startsWith('connect ') && l.includes('.s.PGSQL.'));
    const cli = local.findIndex((l) => /^load .*\/dist\/chunks\/cli-/.test(l));
    expect(connected, local.join('\n')).toBeGreaterThanOrEqual(0);
    expect(cli, local.join('\n')).toBeGreaterThan(connected);
    tmux.type('q');
    expect(await tmux.waitForExit()).toBe(0);
    tmux.kill();

    // Through a link with 10 ms each way (TCP's handshake and the startup packet: 40 ms), the handshake's reply
    // is read while the UI loads, and the first screen's queries are on the wire before its screens are loaded
    // (they went out only after the whole UI was evaluated, ~100 ms of the one thread, before).
    const c = cluster();
    const proxy = await startDelayProxy({ target: { path: path.join(c.socket, `.s.PGSQL.${c.port}`) }, delayMs: 10 });
    try {
      fs.rmSync(log);
      const far = `postgres://${c.user}@127.0.0.1:${proxy.port}/${db.name}?sslmode=disable`;
      tmux = startTmux([binCabinet], { env: terminalEnv({ DATABASE_URL: far, NODE_OPTIONS: `--import=${probe(dir, log)}` }), width: 120, height: 30 });
      await tmux.waitFor(/Sites \(\d+\)/);
      const linked = lines();
      const out = linked.indexOf('query out');
      const screens = linked.findIndex((l) => /^load .*\/dist\/chunks\/run-console-/.test(l));
      expect(out, linked.join('\n')).toBeGreaterThanOrEqual(0);
      expect(screens, linked.join('\n')).toBeGreaterThan(out);
      tmux.type('q');
      expect(await tmux.waitForExit()).toBe(0);
    } finally {
      await proxy.close();
    }
  });
});
