import { CabinetError, usageError, ExitCode } from '../lib/errors.ts';
import { confirmTyped } from './confirm.ts';
import { defaultMigrationsDir } from '../lib/paths.ts';
import { discoverMigrationFiles } from '../services/migration-files.ts';
import { MigrationService } from '../services/migration-service.ts';
import { readMigrationStatus } from '../services/migration-status.ts';
import type { Command, CommandContext } from './command.ts';
import { refuseWhenReadOnly } from './read-only.ts';
import { sanitizeLine } from '../lib/sanitize.ts';

const help = `
Usage
  $ cabinet migrate                 apply every pending migration
  $ cabinet migrate status          list applied and pending migrations (exit 1 when something is pending)
  $ cabinet migrate down [--to NAME] revert the last migration, or all after NAME (--to 0: all); asks first
  $ cabinet migrate check           exit 1 when entities, migrations and the live database disagree
  $ cabinet migrate create NAME     generate a migration from the entity changes (for cabinet developers)

Options
  --to NAME      with down: revert the migrations applied after NAME
  --yes          with down: do not ask (required when stdin is not a terminal)
  --json         machine-readable output (status, check)

Migrations need DDL: run them as the role that owns the tables (cabinet_owner, see cabinet roles sql).
Another role is told why before anything is attempted (exit 1); daily work needs no DDL.
Runs are serialised with a PostgreSQL advisory lock: a second cabinet migrate waits for the first,
then finds nothing to do. Each run is one transaction: a failing migration leaves the schema as it was.

Examples
  $ cabinet migrate
  $ cabinet migrate status --json
  $ cabinet migrate down --to Migration20261123103921_initial_schema --yes
`;

async function withService<T>(ctx: CommandContext, fn: (svc: MigrationService, label: string) => Promise<T>): Promise<T> {
  // DDL may legitimately run for long; the lock wait is bounded separately (lock_timeout).
  const db = await ctx.openDb({ statementTimeoutMs: 0 });
  try {
    return await fn(new MigrationService(db.orm, db.target), db.label);
  } catch (error) {
    if (error instanceof CabinetError && error.code === 'db-permission' && !error.message.includes('cannot change the schema')) {
      throw new CabinetError(`${error.message}; role ${db.info.user} cannot change the schema`, {
        code: error.code,
        hint: 'run cabinet migrate with the owner role (see cabinet roles sql)',
        cause: error,
      });
    }
    throw error;
  } finally {
    await db.close();
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

async function up(ctx: CommandContext): Promise<number> {
  refuseWhenReadOnly(ctx, 'migrate');
  return withService(ctx, async (svc, label) => {
    // The console's :migrate applies through the same call (the DDL refusal, lock and checksums).
    const applied = await svc.apply({
      onWaiting: () => ctx.warn('another cabinet migrate is running on this database; waiting for it to finish'),
      onAdopted: (names) =>
        ctx.io.stderr.write(
          `cabinet: recorded the checksums of ${plural(names.length, 'migration')} applied without cabinet (MikroORM's CLI?): ${sanitizeLine(names.join(', '))}; an edit of ${names.length === 1 ? 'it' : 'them'} is caught from now on\n`,
        ),
    });
    const out = ctx.io.stdout;
    if (applied.length === 0) {
      out.write(`Nothing to migrate: ${label} is up to date.\n`);
    } else {
      out.write(`Applied ${plural(applied.length, 'migration')} on ${label}:\n`);
      for (const name of applied) out.write(`  ${sanitizeLine(name)}\n`);
    }
    return ExitCode.ok;
  });
}

async function status(ctx: CommandContext): Promise<number> {
  // Status only reads the bookkeeping: the light read path answers without loading the ORM.
  const reader = await ctx.openReader();
  const label = reader.label;
  try {
    const s = await readMigrationStatus((sql) => reader.query(sql), discoverMigrationFiles(defaultMigrationsDir())).catch((error: unknown) => {
      if (!(error instanceof CabinetError && error.code === 'db-permission')) throw error;
      throw new CabinetError(`cannot read the migrations as role ${reader.target.user}: it may not read mikro_orm_migrations`, {
        code: error.code,
        hint: 'the n8n and read-only roles need not; run it as the app or owner role',
        cause: error,
      });
    });
    const out = ctx.io.stdout;
    if (ctx.flags.json) {
      out.write(JSON.stringify(s, null, 2) + '\n');
    } else {
      out.write(`Migrations on ${label}:\n`);
      for (const m of s.applied) {
        const mark = s.edited.includes(m.name) ? 'EDITED ' : s.unknown.includes(m.name) ? 'UNKNOWN' : 'applied';
        const when = m.executedAt ? new Date(m.executedAt).toISOString().replace('T', ' ').slice(0, 19) : '';
        const note = s.unrecorded.includes(m.name) ? '  (applied without cabinet: no checksum recorded yet; cabinet migrate records it)' : '';
        out.write(`  ${mark}  ${sanitizeLine(m.name)}  ${when}${note}\n`);
      }
      for (const name of s.pending) out.write(`  pending  ${sanitizeLine(name)}\n`);
      if (s.applied.length === 0 && s.pending.length === 0) out.write('  (no migrations)\n');
      out.write(
        s.pending.length > 0
          ? `${plural(s.pending.length, 'migration')} pending: run cabinet migrate\n`
          : s.edited.length + s.unknown.length > 0
            ? 'The applied migrations do not match this cabinet (see EDITED/UNKNOWN above).\n'
            : 'Up to date.\n',
      );
    }
    return s.pending.length + s.edited.length + s.unknown.length > 0 ? ExitCode.failure : ExitCode.ok;
  } finally {
    await reader.close();
  }
}

async function down(ctx: CommandContext): Promise<number> {
  refuseWhenReadOnly(ctx, 'migrate down');
  return withService(ctx, async (svc, label) => {
    const to = ctx.flags.to;
    const plan = await svc.planDown(to);
    const out = ctx.io.stdout;
    if (plan.length === 0) {
      out.write(`Nothing to revert on ${label}.\n`);
      return ExitCode.ok;
    }
    await svc.assertCanMigrate('migrate down');
    ctx.io.stderr.write(`This reverts ${plural(plan.length, 'migration')} on ${label}, dropping what they created:\n`);
    for (const name of plan) ctx.io.stderr.write(`  ${sanitizeLine(name)}\n`);
    if (!(await confirmTyped(ctx.io, 'Revert?', 'yes', ctx.flags.yes))) {
      ctx.io.stderr.write('Nothing was reverted.\n');
      return ExitCode.failure;
    }
    const reverted = await svc.down(to);
    out.write(`Reverted ${plural(reverted.length, 'migration')}:\n`);
    for (const name of reverted) out.write(`  ${sanitizeLine(name)}\n`);
    return ExitCode.ok;
  });
}

async function check(ctx: CommandContext): Promise<number> {
  return withService(ctx, async (svc, label) => {
    const problems = await svc.check();
    if (ctx.flags.json) ctx.io.stdout.write(JSON.stringify({ ok: problems.length === 0, problems }, null, 2) + '\n');
    else if (problems.length === 0) ctx.io.stdout.write(`✓ entities, migrations and the live schema of ${label} agree\n`);
    else for (const p of problems) ctx.io.stdout.write(`✗ ${sanitizeLine(p)}\n`);
    return problems.length === 0 ? ExitCode.ok : ExitCode.failure;
  });
}

async function create(ctx: CommandContext): Promise<number> {
  const name = ctx.args[1];
  if (!name) throw usageError('migrate create needs a NAME', 'cabinet migrate create add_site_notes');
  return withService(ctx, async (svc) => {
    const result = await svc.create(name);
    if (!result.fileName) {
      ctx.io.stdout.write('No changes: the entities match the schema snapshot; no migration written.\n');
    } else {
      ctx.io.stdout.write(`Wrote ${svc.directory}/${result.fileName} (${plural(result.statements, 'statement')}); review it before committing.\n`);
    }
    return ExitCode.ok;
  });
}

const actions: Record<string, (ctx: CommandContext) => Promise<number>> = { up, status, down, check, create };

export const migrateCommand: Command = {
  name: 'migrate',
  help,
  async run(ctx) {
    const action = ctx.args[0] ?? 'up';
    const fn = actions[action];
    if (!fn) throw usageError(`unknown migrate action "${action}"`, `one of: ${Object.keys(actions).join(', ')}`);
    return fn(ctx);
  },
};
