import { assertArgvIsUtf8 } from '../commands/argv-encoding.ts';
import { MOVED_DATABASE_URL } from '../commands/moved-arguments.ts';
import { CONSOLE_READS, openReaderFor, type ConnectFlags } from '../commands/reader-for.ts';
import { startConsoleReader, type EarlyReader } from './console-start.ts';

/**
 * The console's connection, started before the CLI's parser (meow) and everything after it is loaded: over a
 * far link TCP and authentication then travel during that work, and the first screen's queries go out as
 * soon as they are done, not behind it. Only for a plain `cabinet` whose arguments meow will accept as
 * they are (main.ts asks opensConsole first): each console flag at most once, a value for each value flag,
 * valid UTF-8, a good --actor. meow still parses and owns the command line; cli.ts takes this reader only
 * when meow's flags name the same database (takeEarlyConsole), and closes it otherwise.
 */
let early: { flags: ConnectFlags; reader: EarlyReader } | undefined;

/** Starts the console's reader when the arguments allow it; settles once the connect is issued (see EarlyReader.dialled). */
export async function startEarlyConsole(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const flags = await consoleConnectFlags(argv, env);
  if (!flags) return;
  const reader = startConsoleReader((options) => openReaderFor(flags, options, CONSOLE_READS));
  early = { flags, reader };
  await reader.dialled;
}

/** The early reader, when it was opened for these flags (else it is closed, and the caller opens its own). */
export function takeEarlyConsole(flags: ConnectFlags): EarlyReader | undefined {
  const started = early;
  early = undefined;
  if (!started) return undefined;
  if (started.flags.databaseUrl === flags.databaseUrl && started.flags.allowNonTailnet === flags.allowNonTailnet) return started.reader;
  started.reader.discard();
  return undefined;
}

/** Closes an early reader the CLI did not take (its arguments were refused). */
export function discardEarlyConsole(): void {
  early?.reader.discard();
  early = undefined;
}

/** --database-url and --allow-non-tailnet as meow will read them, or undefined when meow might refuse the arguments. */
async function consoleConnectFlags(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<ConnectFlags | undefined> {
  try {
    assertArgvIsUtf8(argv);
  } catch {
    return undefined;
  }
  const given = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (given.has(name)) return undefined;
    if (name === '--database-url' || name === '--actor') {
      const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
      if (value === undefined) return undefined;
      given.set(name, value);
    } else {
      if (eq !== -1) return undefined;
      given.set(name, true);
    }
  }
  // bin/cabinet moved a --database-url value into the environment (cli.ts puts it back as the first argument).
  const moved = env[MOVED_DATABASE_URL];
  if (moved !== undefined && given.has('--database-url')) return undefined;
  const actor = given.get('--actor');
  if (typeof actor === 'string') {
    const { checkActor } = await import('./actor.ts');
    if (!checkActor(actor).ok) return undefined;
  }
  const url = moved ?? given.get('--database-url');
  return { allowNonTailnet: given.has('--allow-non-tailnet'), ...(typeof url === 'string' ? { databaseUrl: url } : {}) };
}
