import { sanitizeLine } from '../lib/sanitize.ts';
import { CabinetError, ExitCode, usageError } from '../lib/errors.ts';
import { openDataServices } from '../services/data-services.ts';
import { SeedService } from '../services/seed/seed-service.ts';
import { processActor } from '../services/write-context.ts';
import type { Command, CommandContext } from './command.ts';
import { assertGate, refuseWhenReadOnly } from './read-only.ts';
import { bool, maxArgs, onlyOptions } from './options.ts';
import { printJson } from './output.ts';
import { runSiteWizard } from './seed-site.ts';
import { siteTransfer } from './sites.ts';
import { applyRecords, summary } from './transfer.ts';
import { userTransfer } from './users.ts';

const help = `
Usage
  $ cabinet seed --demo [--force] [--dry-run] [--yes]
  $ cabinet seed site

  seed --demo   fills the database with demo data: six sites in English, German and Russian (with
                real-looking prompts and HubSpot ids) and 300 users with plausible first/last seen
                times. Running it again changes nothing (it says the demo data is in place). It
                refuses to add demo data to a database that already holds sites or users that are
                not demo data, unless --force.
  seed site     asks for one new site field by field (the console's checks; the site id is suggested
                from the domain), shows it, and creates it after a yes. Needs a terminal.

Options
  --demo        seed the demo data
  --force       seed the demo data next to existing, non-demo data
  --dry-run     show what seeding would create or reset, write nothing
  --yes         reset demo rows that were edited since, without asking (no terminal: required)
  --json        the plan as JSON on stdout

Examples
  $ cabinet seed --demo
  $ DATABASE_URL=postgres://cabinet@/cabinet_staging?host=/run/postgresql cabinet seed --demo --dry-run
  $ cabinet seed site
`;

async function demo(ctx: CommandContext): Promise<number> {
  onlyOptions(ctx, 'seed --demo', ['demo', 'force', 'dryRun']);
  const dryRun = bool(ctx, 'dryRun');
  if (!dryRun) refuseWhenReadOnly(ctx, 'seed --demo');
  const db = await ctx.openDb();
  try {
    const services = await openDataServices(db, (l) => ctx.io.stderr.write(`cabinet: ${sanitizeLine(l)}\n`), { readOnly: ctx.flags.readOnly });
    if (!dryRun) for (const table of ['sites', 'users'] as const) assertGate(services.gates[table], 'seed --demo');
    const seed = new SeedService(db);
    const foreign = await seed.foreignRows();
    // Refused only when seeding would add demo rows next to real ones: with the demo data already in place
    // there is nothing to add, and a second run is the no-op it is on a demo-only database.
    if (foreign.sites + foreign.users > 0 && foreign.missingDemo > 0) {
      const what = `${foreign.sites} site${foreign.sites === 1 ? '' : 's'} and ${foreign.users} user${foreign.users === 1 ? '' : 's'}`;
      if (!bool(ctx, 'force')) {
        throw new CabinetError(`refusing to seed demo data: ${db.label} already holds ${what} that are not demo data`, {
          code: 'not-empty',
          hint: 'seed an empty database, or pass --force to add the demo data next to them',
        });
      }
      ctx.warn(`--force: adding demo data next to ${what} that are not demo data`);
    }
    const options = { dryRun, quietPlan: true, diffCreates: false };
    const sites = await applyRecords(ctx, siteTransfer, services, seed.demoSites(), options);
    const users = await applyRecords(ctx, userTransfer, services, seed.demoUsers(), options);
    if (ctx.flags.json) {
      printJson(ctx.io, {
        dry_run: dryRun,
        sites: { created: sites.plan.created, changed: sites.plan.changed, unchanged: sites.plan.unchanged, applied: sites.applied },
        users: { created: users.plan.created, changed: users.plan.changed, unchanged: users.plan.unchanged, applied: users.applied },
      });
    }
    const nothing = [sites, users].every((r) => r.plan.created + r.plan.changed === 0);
    if (nothing) {
      ctx.io.stderr.write(`The demo data is already in place on ${db.label}; nothing to do.\n`);
      return ExitCode.ok;
    }
    ctx.io.stderr.write(`Sites: ${summary(sites.plan, siteTransfer, sites.applied)}\n`);
    ctx.io.stderr.write(`Users: ${summary(users.plan, userTransfer, users.applied)}\n`);
    if (dryRun) ctx.io.stderr.write('Dry run: nothing was written.\n');
    else if (![sites, users].every((r) => r.applied || r.plan.created + r.plan.changed === 0)) return ExitCode.failure;
    return ExitCode.ok;
  } finally {
    await db.close();
  }
}

async function site(ctx: CommandContext): Promise<number> {
  onlyOptions(ctx, 'seed site', []);
  maxArgs(ctx, 'seed site', 0);
  if (!ctx.io.stdin.isTTY) {
    throw usageError('cabinet seed site asks questions, but stdin is not a terminal', 'in scripts use cabinet sites create --domain DOMAIN --brand-name NAME');
  }
  refuseWhenReadOnly(ctx, 'seed site');
  const db = await ctx.openDb();
  try {
    const services = await openDataServices(db, (l) => ctx.io.stderr.write(`cabinet: ${sanitizeLine(l)}\n`), {
      readOnly: ctx.flags.readOnly,
      ...(ctx.flags.actor === undefined ? {} : { actor: processActor(ctx.flags.actor) }),
    });
    // Before the first question: no one should fill in a whole site only to be told it cannot be saved.
    assertGate(services.gates.sites, 'seed site');
    return await runSiteWizard(ctx.io, services.sites);
  } finally {
    await db.close();
  }
}

export const seedCommand: Command = {
  name: 'seed',
  help,
  options: {
    demo: { type: 'boolean' },
    force: { type: 'boolean' },
    dryRun: { type: 'boolean' },
  },
  async run(ctx) {
    const action = ctx.args[0];
    if (action === 'site') {
      if (bool(ctx, 'demo')) throw usageError('cabinet seed site and --demo: choose one');
      return site(ctx);
    }
    if (action !== undefined) throw usageError(`unknown seed action "${action}"`, 'cabinet seed --demo, or cabinet seed site');
    if (!bool(ctx, 'demo')) throw usageError('cabinet seed needs --demo or the action site', 'cabinet seed --demo, or cabinet seed site');
    return demo(ctx);
  },
};
