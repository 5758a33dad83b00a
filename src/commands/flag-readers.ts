import { usageError } from '../lib/errors.ts';
import { GLOBAL_FLAGS } from './argv-parse.ts';

/**
 * Which command reads which global flag: the one table. A global flag given to a command that does not
 * read it is refused (one line, exit 2) before anything connects or writes, never silently ignored:
 * `cabinet migrate --to NAME` reads as "apply up to NAME" and once applied every pending migration;
 * `cabinet migrate --json` would print text to a script that parses JSON; `cabinet sites set --yes` or
 * `cabinet seed --demo --actor bot` would let an admin believe something the command never does.
 * `--debug`, `--help` and `--version` apply everywhere. A command's own options are checked per action
 * (options.ts `onlyOptions`).
 */
export type GlobalFlag = Exclude<keyof typeof GLOBAL_FLAGS, (typeof EVERYWHERE)[number]>;
const EVERYWHERE = ['debug', 'help', 'version'] as const;

/** Where to connect; and `--read-only`, which every command that connects keeps (a read writes nothing). */
const CONNECTS = ['databaseUrl', 'allowNonTailnet', 'readOnly'] as const satisfies readonly GlobalFlag[];
/** A write into the history: who made it. */
const WRITES = [...CONNECTS, 'actor'] as const satisfies readonly GlobalFlag[];

/** Keyed by `command action` as typed (`''` is the console; `migrate` is `migrate up`; `seed --demo`). */
export const FLAG_READERS: Readonly<Record<string, readonly GlobalFlag[]>> = {
  '': WRITES,
  'sites list': [...CONNECTS, 'json'],
  'sites show': [...CONNECTS, 'json'],
  'sites create': [...WRITES, 'json'],
  'sites set': [...WRITES, 'json'],
  'sites delete': [...WRITES, 'json', 'yes'],
  'sites history': [...CONNECTS, 'json'],
  'sites diff': [...CONNECTS, 'json'],
  'sites restore': [...WRITES, 'json', 'yes', 'to'],
  'sites export': CONNECTS,
  'sites import': [...WRITES, 'json', 'yes'],
  'users list': [...CONNECTS, 'json'],
  'users show': [...CONNECTS, 'json'],
  'users create': [...WRITES, 'json'],
  'users set': [...WRITES, 'json'],
  'users delete': [...WRITES, 'json', 'yes'],
  'users history': [...CONNECTS, 'json'],
  'users export': CONNECTS,
  'users import': [...WRITES, 'json', 'yes'],
  'seed --demo': [...CONNECTS, 'json', 'yes'],
  'seed site': WRITES,
  doctor: [...CONNECTS, 'json'],
  'roles sql': [],
  'roles apply': [...CONNECTS, 'json', 'yes'],
  'migrate up': CONNECTS,
  'migrate status': [...CONNECTS, 'json'],
  'migrate down': [...CONNECTS, 'yes', 'to'],
  'migrate check': [...CONNECTS, 'json'],
  'migrate create': CONNECTS,
  'embedded status': [],
  'embedded start': [],
  'embedded stop': [],
};

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The table's key for a command line, or undefined when the action is unknown (the command says so). */
export function readerKey(command: string | undefined, action: string | undefined, demo: boolean): string | undefined {
  if (command === undefined) return '';
  const defaults: Record<string, string> = { migrate: 'up', embedded: 'status', seed: demo ? '--demo' : '' };
  const key = command === 'doctor' ? command : `${command} ${action ?? defaults[command] ?? ''}`;
  return Object.hasOwn(FLAG_READERS, key) ? key : undefined;
}

/**
 * Refuses the first of `typed` (camelCase option names as typed) that is a global flag the command does not
 * read, naming the commands that do (or, when many do, where their help is).
 */
export function refuseUnreadFlags(typed: readonly string[], command: string | undefined, action: string | undefined, demo: boolean): void {
  const key = readerKey(command, action, demo);
  if (key === undefined) return;
  const reads = FLAG_READERS[key]!;
  for (const name of typed) {
    if (!isGlobalFlag(name) || reads.includes(name)) continue;
    // As typed: `cabinet migrate` (its default action), `cabinet seed --demo`, `cabinet sites list`.
    const what = ['cabinet', command, action ?? (key === 'seed --demo' ? '--demo' : undefined)].filter(Boolean).join(' ');
    throw usageError(`option --${kebab(name)} does not apply to ${what}`, `${whereItGoes(name, command)}${key === 'migrate up' && name === 'to' ? '; cabinet migrate applies every pending migration, and cannot stop at one' : ''}`);
  }
}

/** The commands that read `flag`: all of them when few do, else those of this command, else where the help is. */
function whereItGoes(flag: GlobalFlag, command: string | undefined): string {
  const readers = Object.keys(FLAG_READERS).filter((k) => FLAG_READERS[k]!.includes(flag));
  const same = command === undefined ? [] : readers.filter((k) => k.split(' ')[0] === command);
  const list = readers.length <= 3 ? readers : same.length > 0 && same.length <= 4 ? same : undefined;
  if (!list) return `see cabinet ${same.length > 0 ? `${command} ` : ''}--help`;
  const names = list.map((k) => (k === '' ? 'the console' : k === 'migrate up' ? 'cabinet migrate' : `cabinet ${k}`));
  return `it goes with ${names.length > 1 ? `${names.slice(0, -1).join(', ')} and ` : ''}${names.at(-1)}`;
}

function isGlobalFlag(name: string): name is GlobalFlag {
  return Object.hasOwn(GLOBAL_FLAGS, name) && !(EVERYWHERE as readonly string[]).includes(name);
}

/**
 * The end of `cabinet COMMAND --help`, drawn from the table: which of the command's actions read each global
 * flag, and which flags none of them reads (given anyway, refused).
 */
export function globalFlagsHelp(command: string): string {
  const keys = Object.keys(FLAG_READERS).filter((k) => k === command || k.startsWith(`${command} `));
  const action = (k: string) => (k === 'migrate up' ? '(none: up)' : k.slice(command.length + 1));
  const everywhere: string[] = [];
  const unread: string[] = [];
  const rows: string[] = [];
  for (const flag of Object.keys(GLOBAL_FLAGS).filter(isGlobalFlag)) {
    const readers = keys.filter((k) => FLAG_READERS[k]!.includes(flag));
    const name = `--${kebab(flag)}`;
    if (readers.length === 0) unread.push(name);
    else if (readers.length === keys.length) everywhere.push(name);
    else rows.push(`  ${name.padEnd(21)}${readers.map(action).join(', ')}`);
  }
  if (everywhere.length > 0) rows.unshift(`  ${keys.length === 1 ? 'read' : 'every action'}: ${everywhere.join(', ')}`);
  if (unread.length > 0) rows.push(`  not read, so refused: ${unread.join(', ')}`);
  return `\nGlobal options here (any other use is refused, exit 2)\n${rows.join('\n')}\n`;
}
