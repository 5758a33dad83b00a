import meow from 'meow';
import { commands, findCommand } from './commands/index.ts';
import type { CommandContext, CommandIO, GlobalFlags } from './commands/command.ts';
import { allOptions, commandNameOf, GLOBAL_FLAGS, joinStringValues, optionLabel, typedOptions } from './commands/argv-parse.ts';
import { CabinetError, ExitCode, usageError } from './lib/errors.ts';
import { sanitizeLine, sanitizeText } from './lib/sanitize.ts';
import { assertArgvIsUtf8 } from './commands/argv-encoding.ts';
import { restoreMovedArguments } from './commands/moved-arguments.ts';
import { CONSOLE_READS, databaseUrlFor, openReaderFor } from './commands/reader-for.ts';
import { globalFlagsHelp, refuseUnreadFlags } from './commands/flag-readers.ts';
import { debugLogFile, debugLogUsed } from './lib/debug-log.ts';
import { clearSplash } from './lib/splash.ts';

/** package.json's name, version and description, put into the bundle by scripts/build.ts (undefined from src/). */
declare const __CABINET_PKG__: Record<string, unknown> | undefined;
const BUNDLED_PKG = typeof __CABINET_PKG__ === 'undefined' ? undefined : __CABINET_PKG__;

const commandList = commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n');

const help = `
Usage
  $ cabinet [command] [options]

  With no command, cabinet opens the console (a full-screen terminal UI).

Commands
${commandList}

Options
  --database-url URL     connect to this database (else CABINET_DATABASE_URL, DATABASE_URL,
                         PG* variables; with none of them, the embedded PostgreSQL). A password
                         is safest in PGPASSWORD or ~/.pgpass: cabinet takes a URL given here out
                         of its arguments (ps) as it starts, but the shell history keeps it
  --allow-non-tailnet    connect even if the host is not on the Tailscale network
  --yes                  answer yes to confirmations (required when stdin is not a terminal)
  --read-only            refuse every write (automatic when the role may not write sites)
  --actor NAME           who makes the change, for the site history (default: the OS user, or
                         SUDO_USER, with the SSH client address)
  --json                 machine-readable output where a command supports it
  --debug                show stack traces; log the ORM's queries to a file in the state directory
  --help                 show help (also: cabinet COMMAND --help)
  --version              show the version

Exit codes: 0 ok, 1 failure, 2 usage error.

Read-only commands (list, show, history, diff, export) connect with CABINET_DATABASE_URL_RO when it
is set; the console does not (it lists the database it saves to).

Examples
  $ cabinet                                   open the console
  $ cabinet sites list --filter acme
  $ cabinet sites set acme-de --ai-prompt-file prompt.md --expect-version 7 --actor deploy-bot
  $ cabinet sites history acme-de
  $ cabinet --read-only                       the console, with every write disabled
  $ cabinet doctor
  $ DATABASE_URL=postgres://cabinet@db.tailnet-name.ts.net/cabinet cabinet migrate
`;

export async function main(argv: string[], io: CommandIO): Promise<number> {
  const requested = commandNameOf(argv);
  const entry = requested === undefined ? undefined : findCommand(requested);
  // Only the command that runs is loaded (see commands/index.ts).
  const found = entry ? await entry.load() : undefined;
  const specs = allOptions(found);
  const joined = joinStringValues(argv, specs);
  let cli;
  try {
    cli = meow(help, {
      importMeta: import.meta,
      ...(BUNDLED_PKG ? { pkg: BUNDLED_PKG } : {}),
      argv: joined,
      autoHelp: false,
      autoVersion: false,
      // Checked below, so an unknown flag gets the same one-line error and exit code 2 as any usage error.
      allowUnknownFlags: true,
      booleanDefault: undefined,
      flags: specs,
    });
  } catch (error) {
    // meow's own checks, e.g. "The flag --sort can only be set once."
    throw usageError(String((error as Error).message).replace(/\.$/, '').replace(/^The flag/, 'option'), 'see cabinet --help');
  }
  const allowed = new Set([...Object.keys(GLOBAL_FLAGS), ...Object.keys(found?.options ?? {})]);
  for (const name of typedOptions(joined, specs)) {
    if (allowed.has(name)) continue;
    if (specs[name] && found) {
      throw usageError(`option ${optionLabel(name)} does not apply to cabinet ${found.name}`, `see cabinet ${found.name} --help`);
    }
    throw usageError(`unknown option ${optionLabel(name)}`, found ? `see cabinet ${found.name} --help` : 'see cabinet --help');
  }
  const [name, ...args] = cli.input;
  if (cli.flags.version) {
    io.stdout.write(`${cli.pkg.version ?? '0.0.0'}\n`);
    return ExitCode.ok;
  }
  const command = name !== undefined && name === found?.name ? found : undefined;
  if (name !== undefined && !command) throw usageError(`unknown command "${name}"`, 'see cabinet --help');
  if (cli.flags.help) {
    io.stdout.write(command && entry ? `${entry.summary}\n${command.help.replace(/^\n/, '')}${globalFlagsHelp(command.name)}` : cli.help.replace(/^\n/, '') + '\n');
    return ExitCode.ok;
  }
  const raw = cli.flags as Record<string, string | boolean | undefined>;
  const flags: GlobalFlags = {
    allowNonTailnet: raw.allowNonTailnet === true,
    yes: raw.yes === true,
    debug: raw.debug === true,
    json: raw.json === true,
    readOnly: raw.readOnly === true,
    ...(typeof raw.actor === 'string' ? { actor: await checkedActor(raw.actor) } : {}),
    ...(typeof raw.databaseUrl === 'string' ? { databaseUrl: raw.databaseUrl } : {}),
    ...(typeof raw.to === 'string' ? { to: raw.to } : {}),
  };
  refuseUnreadFlags(typedOptions(joined, specs), command?.name, args[0], raw.demo === true);
  const options: Record<string, string | boolean | undefined> = {};
  for (const key of Object.keys(command?.options ?? {})) options[key] = raw[key];
  // Escaped here once for every caller: a warning often quotes a stored value (sanitizeLine leaves escapes already made as they are).
  const warn = (line: string) => io.stderr.write(`cabinet: warning: ${sanitizeLine(line)}\n`);
  const ctx: CommandContext = {
    args,
    flags,
    options,
    io,
    warn,
    async openDb({ readOnly, warn: warnTo = warn, ...sessionOptions } = {}) {
      const { openSession } = await import('./db/session.ts');
      const session = await openSession({
        allowNonTailnet: flags.allowNonTailnet,
        debug: flags.debug,
        ...databaseUrlFor(flags, readOnly === true),
        log: (line) => io.stderr.write(`cabinet: ${line}\n`),
        ...sessionOptions,
      });
      if (!session.guard.allowed) warnTo(`--allow-non-tailnet: ${session.guard.reason}`);
      return session;
    },
    openReader: ({ warn: warnTo = warn, log = (line: string) => io.stderr.write(`cabinet: ${line}\n`), ...options } = {}) => openReaderFor(flags, { log, warn: warnTo, ...options }),
  };
  if (command) return command.run(ctx);
  if (!io.stdin.isTTY || !io.stdout.isTTY) {
    throw usageError(
      'the console needs a terminal (stdin and stdout are not both a TTY)',
      'for scripts use the commands: cabinet migrate, cabinet --help',
    );
  }
  // Connecting and the first screen's queries started before meow loaded (main.ts), or start now, and travel
  // while Ink and React load.
  const { startConsoleReader } = await import('./services/console-start.ts');
  const { takeEarlyConsole } = await import('./services/console-early.ts');
  const early = takeEarlyConsole(flags) ?? startConsoleReader((options) => openReaderFor(flags, options, CONSOLE_READS));
  await early.underway();
  // In steps, so that the connection is answered in between (ui/load-console-ui.ts).
  const { loadConsoleUi } = await import('./ui/load-console-ui.ts');
  const runConsole = await loadConsoleUi();
  return runConsole(ctx, early);
}

/** `--actor NAME`: one line, no control or invisible characters; a bad one is a usage error before anything runs. */
async function checkedActor(value: string): Promise<string> {
  const { checkActor } = await import('./services/actor.ts');
  const r = checkActor(value);
  if (!r.ok) throw usageError(`invalid --actor: ${r.error}`, 'e.g. --actor deploy-bot');
  return r.value;
}

/** The one top-level error path: a one-line message on stderr and an exit code; the stack only with --debug. */
export function reportError(error: unknown, io: CommandIO, debug: boolean): number {
  if (error instanceof CabinetError) {
    io.stderr.write(`cabinet: ${sanitizeLine(error.line)}\n`);
    // A server error's stack carries its message, which can echo a stored value: escaped like everything else.
    if (debug && error.cause instanceof Error) io.stderr.write(`${sanitizeText(error.cause.stack ?? '')}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  // meow reports unknown flags by throwing/exiting; anything else unexpected is a failure.
  io.stderr.write(`cabinet: unexpected error: ${sanitizeLine(message.split('\n')[0] ?? message)}\n`);
  if (debug && error instanceof Error) io.stderr.write(`${sanitizeText(error.stack ?? '')}\n`);
  return ExitCode.failure;
}

export async function run(): Promise<void> {
  const io: CommandIO = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    // The reader went away (`cabinet users export | head`): stop quietly, as Unix tools do on SIGPIPE.
    if (error.code === 'EPIPE') process.exit(ExitCode.ok);
    throw error;
  });
  const typed = process.argv.slice(2);
  const debug = typed.includes('--debug');
  let code: number;
  try {
    assertArgvIsUtf8(typed);
    code = await main(restoreMovedArguments(typed), io);
  } catch (error) {
    code = reportError(error, io, debug);
  }
  // --debug logs to a file (the console owns the screen): say where, once, last, on the restored screen.
  if (debugLogUsed()) {
    clearSplash();
    io.stderr.write(`cabinet: --debug: the log is in ${sanitizeLine(debugLogFile())}\n`);
  }
  process.exitCode = code;
  // Done is done: a socket that a failed connection left open (node-postgres keeps it while the server
  // waits for a password it will never get, up to authentication_timeout) must not hold the admin's shell.
  // Unref'd, so a clean finish exits at once; stdout and stderr are synchronous on Linux pipes and files.
  setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
}

/** After a command returned, how long anything it left running may hold the process. */
const EXIT_GRACE_MS = 500;
