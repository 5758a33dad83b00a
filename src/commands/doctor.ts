import { CabinetError, ExitCode } from '../lib/errors.ts';
import { useColor } from '../lib/record-diff.ts';
import { sanitizeLine } from '../lib/sanitize.ts';
import { runDoctor, type Check, type CheckStatus } from '../services/doctor-service.ts';
import type { Command, CommandContext } from './command.ts';
import { onlyOptions } from './options.ts';
import { printJson } from './output.ts';

const help = `
Usage
  $ cabinet doctor [--json]

Checks, each marked ✓ (fine), ! (works, but look at it), ? (could not tell) or ✗ (broken, with how
to fix it); exit code 1 when anything is ✗:

  connection path     Unix socket, loopback, tailnet, or another network (--allow-non-tailnet)
  .env                only when the working directory has one with connection settings: whether
                      they chose the database (the shell's environment and --database-url win)
  server version      PostgreSQL 14 or newer
  listen_addresses    as the server reports it (needs a superuser or pg_read_all_settings)
  ssl                 the server's setting, and whether this connection uses TLS
  role                a superuser, or a role that can change the schema, is a warning:
                      daily work should use a least-privilege role (cabinet roles sql)
  migrations          pending, edited or unknown migrations
  schema drift        entities, migrations and the live schema agree (cabinet migrate check)
  n8n's query         SELECT ai_prompt, language, brand_name FROM sites WHERE site_id = $1 runs
  hidden text         a prompt or brand name with invisible characters (tag characters can spell
                      an instruction the model reads and the screen does not show) is a warning

Options
  --json      the checks as JSON: {"ok": true|false, "checks": [{id, title, status, detail, fix}]}

Examples
  $ cabinet doctor
  $ cabinet doctor --json | jq -r '.checks[] | select(.status == "fail") | .fix'
  $ */15 * * * *  cabinet doctor >/dev/null || notify-admins       (cron: exit 1 on a ✗)
`;

const MARK: Record<CheckStatus, string> = { ok: '✓', warn: '!', unknown: '?', fail: '✗' };
const COLOR: Record<CheckStatus, string> = { ok: '32', warn: '33', unknown: '2', fail: '31' };

function render(ctx: CommandContext, checks: Check[], label: string | undefined): void {
  const color = useColor(ctx.io.stdout);
  const width = Math.max(...checks.map((c) => c.title.length)) + 2;
  if (label) ctx.io.stdout.write(`cabinet doctor: ${sanitizeLine(label)}\n`);
  for (const c of checks) {
    const mark = color ? `\x1b[${COLOR[c.status]}m${MARK[c.status]}\x1b[0m` : MARK[c.status];
    ctx.io.stdout.write(`${mark} ${c.title.padEnd(width)}${sanitizeLine(c.detail)}\n`);
    if (c.fix && c.status !== 'ok') ctx.io.stdout.write(`  ${''.padEnd(width)}${c.status === 'fail' ? 'fix' : 'hint'}: ${sanitizeLine(c.fix)}\n`);
  }
  const failed = checks.filter((c) => c.status === 'fail').length;
  const warned = checks.filter((c) => c.status === 'warn').length;
  ctx.io.stdout.write(failed > 0 ? `${failed} problem${failed === 1 ? '' : 's'} to fix.\n` : warned > 0 ? `No problems; ${warned} warning${warned === 1 ? '' : 's'}.\n` : 'No problems.\n');
}

export const doctorCommand: Command = {
  name: 'doctor',
  help,
  async run(ctx) {
    onlyOptions(ctx, 'doctor', []);
    if (ctx.args.length > 0) throw new CabinetError(`unexpected argument "${ctx.args[0]}" for cabinet doctor`, { exitCode: ExitCode.usage, code: 'usage', hint: 'see cabinet doctor --help' });
    let checks: Check[];
    let label: string | undefined;
    let db;
    try {
      db = await ctx.openDb();
    } catch (error) {
      // Not reaching the database is the first thing a doctor reports, not a crash.
      const e = error instanceof CabinetError ? error : new CabinetError(String(error));
      if (e.exitCode === ExitCode.usage) throw e;
      checks = [{ id: 'connection', title: 'connection path', status: 'fail', detail: e.message, fix: e.hint ?? 'check DATABASE_URL and that the server is up (cabinet --help: where cabinet connects)' }];
      if (ctx.flags.json) printJson(ctx.io, { ok: false, checks });
      else render(ctx, checks, undefined);
      return ExitCode.failure;
    }
    try {
      label = db.label;
      checks = await runDoctor(db);
    } finally {
      await db.close();
    }
    const ok = checks.every((c) => c.status !== 'fail');
    if (ctx.flags.json) printJson(ctx.io, { ok, target: label, checks });
    else render(ctx, checks, label);
    return ok ? ExitCode.ok : ExitCode.failure;
  },
};
