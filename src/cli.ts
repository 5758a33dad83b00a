import meow from 'meow';
import { commands, findCommand } from './commands/index.ts';
import type { CommandContext, CommandIO, GlobalFlags } from './commands/command.ts';
import { CabinetError, ExitCode, usageError } from './lib/errors.ts';
import { sanitizeLine } from './lib/sanitize.ts';

const commandList = commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n');

const help = `
Usage
  $ cabinet [command] [options]

  With no command, cabinet opens the console (a full-screen terminal UI).

Commands
${commandList}

Options
  --database-url URL     connect to this database (else CABINET_DATABASE_URL, DATABASE_URL,
                         PG* variables; with none of them, the embedded PostgreSQL)
  --allow-non-tailnet    connect even if the host is not on the Tailscale network
  --yes                  answer yes to confirmations (required when stdin is not a terminal)
  --json                 machine-readable output where a command supports it
  --debug                show stack traces
  --help                 show help (also: cabinet COMMAND --help)
  --version              show the version

Exit codes: 0 ok, 1 failure, 2 usage error.

Examples
  $ cabinet                                   open the console
  $ cabinet migrate status
  $ DATABASE_URL=postgres://cabinet@db.tailnet-name.ts.net/cabinet cabinet migrate
`;

export async function main(argv: string[], io: CommandIO): Promise<number> {
  const cli = meow(help, {
    importMeta: import.meta,
    argv,
    autoHelp: false,
    autoVersion: false,
    // Checked below, so an unknown flag gets the same one-line error and exit code 2 as any usage error.
    allowUnknownFlags: true,
    booleanDefault: undefined,
    flags: {
      databaseUrl: { type: 'string' },
      allowNonTailnet: { type: 'boolean', default: false },
      yes: { type: 'boolean', shortFlag: 'y', default: false },
      json: { type: 'boolean', default: false },
      debug: { type: 'boolean', default: false },
      to: { type: 'string' },
      help: { type: 'boolean', shortFlag: 'h', default: false },
      version: { type: 'boolean', default: false },
    },
  });
  const known = new Set(['databaseUrl', 'database-url', 'allowNonTailnet', 'allow-non-tailnet', 'yes', 'y', 'json', 'debug', 'to', 'help', 'h', 'version']);
  const unknown = Object.keys(cli.unnormalizedFlags).find((f) => !known.has(f));
  if (unknown) throw usageError(`unknown option ${unknown.length === 1 ? '-' : '--'}${unknown}`, 'see cabinet --help');
  const [name, ...args] = cli.input;
  if (cli.flags.version) {
    io.stdout.write(`${cli.pkg.version ?? '0.0.0'}\n`);
    return ExitCode.ok;
  }
  const command = name === undefined ? undefined : findCommand(name);
  if (name !== undefined && !command) throw usageError(`unknown command "${name}"`, 'see cabinet --help');
  if (cli.flags.help) {
    io.stdout.write(command ? `${command.summary}\n${command.help.replace(/^\n/, '')}` : cli.help.replace(/^\n/, '') + '\n');
    return ExitCode.ok;
  }
  const flags: GlobalFlags = {
    allowNonTailnet: cli.flags.allowNonTailnet,
    yes: cli.flags.yes,
    debug: cli.flags.debug,
    json: cli.flags.json,
    ...(cli.flags.databaseUrl === undefined ? {} : { databaseUrl: cli.flags.databaseUrl }),
    ...(cli.flags.to === undefined ? {} : { to: cli.flags.to }),
  };
  const warn = (line: string) => io.stderr.write(`cabinet: warning: ${line}\n`);
  const ctx: CommandContext = {
    args,
    flags,
    io,
    warn,
    async openDb(options = {}) {
      const { openSession } = await import('./db/session.ts');
      const session = await openSession({
        allowNonTailnet: flags.allowNonTailnet,
        debug: flags.debug,
        ...(flags.databaseUrl === undefined ? {} : { databaseUrl: flags.databaseUrl }),
        log: (line) => io.stderr.write(`cabinet: ${line}\n`),
        ...options,
      });
      if (!session.guard.allowed) warn(`--allow-non-tailnet: ${session.guard.reason}`);
      return session;
    },
  };
  if (command) return command.run(ctx);
  if (!io.stdin.isTTY || !io.stdout.isTTY) {
    throw usageError(
      'the console needs a terminal (stdin and stdout are not both a TTY)',
      'for scripts use the commands: cabinet migrate, cabinet --help',
    );
  }
  const { runConsole } = await import('./ui/run-console.tsx');
  return runConsole(ctx);
}

/** The one top-level error path: a one-line message on stderr and an exit code; the stack only with --debug. */
export function reportError(error: unknown, io: CommandIO, debug: boolean): number {
  if (error instanceof CabinetError) {
    io.stderr.write(`cabinet: ${sanitizeLine(error.line)}\n`);
    if (debug && error.cause instanceof Error) io.stderr.write(`${error.cause.stack ?? ''}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  // meow reports unknown flags by throwing/exiting; anything else unexpected is a failure.
  io.stderr.write(`cabinet: unexpected error: ${sanitizeLine(message.split('\n')[0] ?? message)}\n`);
  if (debug && error instanceof Error) io.stderr.write(`${error.stack ?? ''}\n`);
  return ExitCode.failure;
}

export async function run(): Promise<void> {
  const io: CommandIO = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
  const argv = process.argv.slice(2);
  const debug = argv.includes('--debug');
  let code: number;
  try {
    code = await main(argv, io);
  } catch (error) {
    code = reportError(error, io, debug);
  }
  process.exitCode = code;
}
