import { confirmTyped } from './confirm.ts';
import { ExitCode, usageError } from '../lib/errors.ts';
import { applyRoles, PASSWORD_ENV, roleSet, rolesScript, ROLE_KINDS } from '../services/roles-service.ts';
import { refuseWhenReadOnly } from './read-only.ts';
import type { Command, CommandContext } from './command.ts';
import { maxArgs, onlyOptions, str } from './options.ts';
import { printJson } from './output.ts';

const help = `
Usage
  $ cabinet roles sql [--prefix NAME]          print the SQL (psql-ready, no passwords)
  $ cabinet roles apply [--prefix NAME] [--yes] run it on the database, as a superuser

The recommended roles (NAME defaults to cabinet):
  NAME_owner      owns the tables; the only role that runs cabinet migrate (DDL)
  NAME_app        daily work: SELECT/INSERT/UPDATE/DELETE on sites and users, append-only
                  site_revisions, reads the migration bookkeeping, no DDL
  NAME_n8n        n8n: SELECT on sites only (its one query; users' e-mail addresses stay out)
  NAME_readonly   SELECT on every table: listings and exports via CABINET_DATABASE_URL_RO
All are LOGIN, NOSUPERUSER, NOCREATEDB, NOCREATEROLE. Running either again is safe: roles are kept,
grants are reset to exactly this set. Apply needs the migrations applied first (cabinet migrate).

Passwords are never printed. apply sets a role's password only when its variable is set
(CABINET_OWNER_PASSWORD, CABINET_APP_PASSWORD, CABINET_N8N_PASSWORD, CABINET_READONLY_PASSWORD),
sending a SCRAM-SHA-256 verifier computed here, so the password is not in the SQL or server logs.
A role without one can log in only where pg_hba.conf trusts it (e.g. peer on the Unix socket); set
one later with psql's \\password ROLE.

Options
  --prefix NAME   the roles' common prefix (lower-case letters, digits, _)
  --yes           apply without asking (required when stdin is not a terminal)
  --json          apply: the roles and whether each has a password, as JSON

Examples
  $ cabinet roles sql > roles.sql && psql -v ON_ERROR_STOP=1 -d cabinet -f roles.sql
  $ read -rs CABINET_APP_PASSWORD && export CABINET_APP_PASSWORD && cabinet roles apply
  $ DATABASE_URL=postgres://postgres@/cabinet?host=/run/postgresql cabinet roles apply --prefix ai --yes
`;

function urlFor(role: string, target: { host: string; port: number; database: string }): string {
  const db = encodeURIComponent(target.database);
  if (target.host.startsWith('/')) return `postgres://${role}@/${db}?host=${encodeURIComponent(target.host)}${target.port === 5432 ? '' : `&port=${target.port}`}`;
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `postgres://${role}@${host}${target.port === 5432 ? '' : `:${target.port}`}/${db}`;
}

async function sql(ctx: CommandContext): Promise<number> {
  onlyOptions(ctx, 'roles sql', ['prefix']);
  maxArgs(ctx, 'roles sql', 0);
  ctx.io.stdout.write(rolesScript(roleSet(str(ctx, 'prefix'))));
  return ExitCode.ok;
}

async function apply(ctx: CommandContext): Promise<number> {
  onlyOptions(ctx, 'roles apply', ['prefix']);
  maxArgs(ctx, 'roles apply', 0);
  const roles = roleSet(str(ctx, 'prefix'));
  refuseWhenReadOnly(ctx, 'roles apply');
  const db = await ctx.openDb();
  try {
    const err = ctx.io.stderr;
    err.write(`On ${db.label} this creates or updates the roles ${ROLE_KINDS.map((k) => roles[k]).join(', ')},\n`);
    err.write(`makes ${roles.owner} the owner of every table, sequence and function in schema public, revokes CREATE on\n`);
    err.write(`schema public from PUBLIC, and resets these roles' grants to the set shown by cabinet roles sql.\n`);
    for (const kind of ROLE_KINDS) {
      err.write(`  ${roles[kind].padEnd(24)} password: ${process.env[PASSWORD_ENV[kind]] ? `set from ${PASSWORD_ENV[kind]}` : 'left as it is'}\n`);
    }
    if (!(await confirmTyped(ctx.io, 'Apply?', 'yes', ctx.flags.yes))) {
      err.write('Nothing was changed.\n');
      return ExitCode.failure;
    }
    const applied = await applyRoles(db, roles);
    if (ctx.flags.json) {
      printJson(ctx.io, applied.map((r) => ({ kind: r.kind, role: r.name, password: r.password, url: urlFor(r.name, db.target) })));
      return ExitCode.ok;
    }
    const out = ctx.io.stdout;
    out.write(`Roles ready on ${db.label}:\n`);
    for (const r of applied) {
      const pw =
        r.password === 'set'
          ? `password set from ${PASSWORD_ENV[r.kind]}`
          : r.password === 'kept'
            ? 'password unchanged'
            : `no password (psql: \\password ${r.name}, or set ${PASSWORD_ENV[r.kind]} and run apply again)`;
      out.write(`  ${r.name.padEnd(24)} ${pw}\n`);
    }
    out.write(`\nConnect with (passwords in ~/.pgpass, chmod 600, never in the URL):\n`);
    out.write(`  cabinet migrate            DATABASE_URL=${urlFor(roles.owner, db.target)}\n`);
    out.write(`  the console, scripts       DATABASE_URL=${urlFor(roles.app, db.target)}\n`);
    out.write(`  listings and exports       CABINET_DATABASE_URL_RO=${urlFor(roles.readonly, db.target)}\n`);
    out.write(`  n8n's Postgres credential  user ${roles.n8n}, database ${db.target.database}\n`);
    return ExitCode.ok;
  } finally {
    await db.close();
  }
}

const actions: Record<string, (ctx: CommandContext) => Promise<number>> = { sql, apply };

export const rolesCommand: Command = {
  name: 'roles',
  help,
  options: { prefix: { type: 'string' } },
  async run(ctx) {
    const action = ctx.args[0];
    const fn = action === undefined ? undefined : actions[action];
    if (!fn) throw usageError(action === undefined ? 'cabinet roles needs an action' : `unknown roles action "${action}"`, 'one of: sql, apply');
    return fn(ctx);
  },
};
