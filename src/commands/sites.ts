import { ExitCode, usageError } from '../lib/errors.ts';
import { sanitizeLine, sanitizeText } from '../lib/sanitize.ts';
import { siteRecordToRow, siteSummaryToJson, siteText } from '../services/transfer/site-columns.ts';
import type { SiteInput, SiteRecord, SiteSortKey, SiteSummary } from '../services/types.ts';
import { domainForDisplay } from '../schema/field-rules.ts';
import { suggestSiteId, validateSite } from '../services/validation/site-input.ts';
import { SITE_COLUMNS, SITE_LINE_FIELDS, SITE_SCHEMA } from '../schema/site-schema.ts';
import type { Column } from '../lib/table.ts';
import { listedDomain, MIXED_SCRIPT_MARK, mixedScriptWarning } from '../services/validation/domain-scripts.ts';
import type { Command, CommandContext } from './command.ts';
import { withReadServices } from './data.ts';
import { CREATE_REQUIRED_USAGE, FIELD_FLAG_OPTIONS, FIELD_OPTIONS, fieldInput, fieldOptionsHelp } from './site-flags.ts';
import { bool, idArgument, LIST_OPTIONS, maxArgs, onlyOptions, parseLimit, parseSort, str, TRANSFER_OPTIONS, runAction } from './options.ts';
import { formatTime, printDiff, printJson } from './output.ts';
import { printListing } from './listing.ts';
import { exportObjects, runExport, runImport, type TransferKind } from './transfer.ts';
import { diff, history, restore } from './site-history.ts';
import { checkDomainScripts, fieldsToRow, HISTORY_OPTIONS, name, note, notFound, warnHiddenPrompt, withServices } from './site-common.ts';
import { runRecordWrite } from './record-write.ts';
import { siteWrites } from './site-writes.ts';

const help = `
Usage
  $ cabinet sites list [--filter TEXT] [--sort [-]KEY] [--limit N] [--json | --ndjson]
  $ cabinet sites show SITE_ID [--json]
  $ cabinet sites create [SITE_ID] ${CREATE_REQUIRED_USAGE} [field options]
  $ cabinet sites set SITE_ID [field options] [--expect-version N]
  $ cabinet sites delete SITE_ID [--yes] [--expect-version N]
  $ cabinet sites history SITE_ID [--limit N] [--before REV] [--json]
  $ cabinet sites diff SITE_ID REV [REV2 | current] [--json]
  $ cabinet sites restore SITE_ID --to REV [--note TEXT] [--yes]
  $ cabinet sites export [--ndjson] [--output FILE]
  $ cabinet sites import [FILE | -] [--dry-run] [--yes] [--force]

Field options (create, set)
${fieldOptionsHelp({
  domain: [
    '  --allow-mixed-script     create/set: accept a domain whose label mixes scripts (the Cyrillic а in',
    '                           аpple.com); without it such a domain is refused, since it passes for another',
  ],
})}

Options
  --filter TEXT            list: case-insensitive text in the id, domain or brand name
  --sort KEY               list: site_id, domain, brand_name, language, prompt_chars, created_at;
                           -KEY sorts descending (default site_id)
  --limit N                list: at most N sites (default all); history: the last N revisions (100)
  --before REV             history: the revisions older than REV (next page: the oldest REV shown)
  --json                   list, history: a JSON array; show/create/set/delete/restore: the site;
                           diff: both sides and the changed fields; import: the plan
  --ndjson                 list, export: one JSON object per line
  --output FILE, -o FILE   export: write FILE (mode 0600, put in place only when complete)
  --expect-version N       set/delete: write only if the site is still at version N (the version
                           line of show, "version" of --json); otherwise refuse, write nothing, exit 1
  --force                  import: a row exported at an older version may overwrite fields changed
                           since (without it such a row is refused, naming the fields, who and when)
  --to REV                 restore: the revision whose values come back (see history)
  --note TEXT              create/set/delete/restore/import: why, kept in the site's history
  --actor NAME             who, for the history (default: the OS user, or SUDO_USER, with the SSH
                           client address)
  --dry-run                create/set/delete/restore/import: show what would change, write nothing
  --yes                    delete, restore, or an import that changes existing sites, without asking
                           (required when stdin is not a terminal)
  --read-only              refuse every write (also automatic when the role may not write sites)

A write prints a unified diff of the site on stderr first, and is recorded in the site's history.
Without --expect-version a scripted set is last-writer-wins: it applies its fields over whatever the
row holds by then, including a change someone made a moment earlier. With it, a change made since
(in the console, by n8n, by psql) makes the write fail with the version now in the database.
history lists cabinet's revisions newest first, and changes made outside cabinet as gaps with the
time the database recorded; restore writes a revision's values back as a new revision.
Data goes to stdout, everything else to stderr. list, show, history, diff and export connect with
CABINET_DATABASE_URL_RO when it is set. Export writes every column, ordered by site id; import takes
that format (a JSON array or NDJSON), upserts by site_id (fields left out stay as they are), checks
every row first and applies all of them in one transaction, or none. A row whose "version" is older
than the site's now writes only the fields the file changed; fields changed since stay as they are,
and a field both changed refuses the import unless --force.

Examples
  $ cabinet sites list --filter acme --sort -created_at
  $ cabinet sites show acme-de --json | jq -r .ai_prompt
  $ cabinet sites create --domain acme.de --brand-name "ACME GmbH" --language de --ai-prompt-file prompt.md
  $ git show HEAD:prompts/acme-de.md | cabinet sites set acme-de --ai-prompt-file -
  $ v=$(cabinet sites show acme-de --json | jq .version); cabinet sites set acme-de --brand-name ACME --expect-version $v
  $ cabinet sites history acme-de
  $ cabinet sites diff acme-de 3            (revision 3 against the site as it is now)
  $ cabinet sites restore acme-de --to 3 --note "undo the rebrand" --yes
  $ cabinet sites delete acme-de --yes
  $ cabinet sites export -o sites-$(date +%F).json
  $ cabinet sites import sites.json --dry-run
`;

const SORT_KEYS: Record<string, SiteSortKey> = {
  site_id: 'siteId',
  domain: 'domain',
  brand_name: 'brandName',
  language: 'language',
  prompt_chars: 'promptChars',
  created_at: 'createdAt',
};

async function list(ctx: CommandContext): Promise<number> {
  onlyOptions(ctx, 'sites list', Object.keys(LIST_OPTIONS));
  maxArgs(ctx, 'sites list', 0);
  const limit = parseLimit(str(ctx, 'limit'));
  const sort = parseSort(str(ctx, 'sort'), SORT_KEYS);
  const filter = str(ctx, 'filter');
  const ndjson = bool(ctx, 'ndjson');
  if (ndjson && ctx.flags.json) throw usageError('--json and --ndjson: choose one');
  return withReadServices(ctx, 'sites list', ({ sites }) =>
    printListing<SiteSummary>(ctx, {
      limit,
      page: (p) => sites.list({ ...p, ...(filter === undefined ? {} : { filter }), ...(sort ? { sort: sort.sort, descending: sort.descending } : {}) }),
      ndjson,
      toJson: siteSummaryToJson,
      empty: filter ? `No sites match "${sanitizeLine(filter)}".` : 'No sites yet (cabinet sites create, or cabinet seed --demo).',
      columns: listColumns(),
    }),
  );
}

/** The list's columns: each field with a `list` column in the schema table, in the table's order; the prompt as its size. */
function listColumns(): Column<SiteSummary>[] {
  return SITE_SCHEMA.flatMap((f): Column<SiteSummary>[] => {
    if (!('list' in f)) return [];
    const { header, ...how } = f.list;
    const value = (s: SiteSummary): string => {
      if (f.kind === 'prompt') return s.promptChars.toLocaleString('en');
      if (f.name === 'domain') return listedDomain(s.domain);
      const v = s[f.name as keyof SiteSummary];
      return v instanceof Date ? formatTime(v) : v === null ? '' : String(v);
    };
    return [{ header, value, ...how }];
  });
}

/** `kubectl describe`-style: one `key: value` line per column, then the prompt. */
function describe(site: SiteRecord): string {
  const shownDomain = domainForDisplay(site.domain);
  const mixed = mixedScriptWarning(site.domain);
  const lines: [string, string][] = [
    ...SITE_LINE_FIELDS.map((f): [string, string] => [
      SITE_COLUMNS[f],
      f === 'domain' ? `${shownDomain === site.domain ? site.domain : `${shownDomain} (${site.domain})`}${mixed ? `  ${MIXED_SCRIPT_MARK}: ${mixed}` : ''}` : (site[f] ?? '(none)'),
    ]),
    ['created_at', site.createdAt.toISOString()],
    ['updated_at', site.updatedAt.toISOString()],
    ['version', String(site.version)],
  ];
  const width = Math.max(...lines.map(([k]) => k.length)) + 2;
  const head = lines.map(([k, v]) => `${`${k}:`.padEnd(width)}${sanitizeLine(v)}`).join('\n');
  const chars = [...site.aiPrompt].length;
  const prompt = site.aiPrompt === '' ? '' : `\n${sanitizeText(site.aiPrompt).replace(/\n?$/, '\n')}`;
  return `${head}\n${'ai_prompt:'.padEnd(width)}(${chars.toLocaleString('en')} characters)\n${prompt}`;
}

async function show(ctx: CommandContext): Promise<number> {
  onlyOptions(ctx, 'sites show', ['siteId']);
  maxArgs(ctx, 'sites show', 1);
  const siteId = idArgument(ctx, 'sites show', 'siteId', true)!;
  return withReadServices(ctx, 'sites show', async ({ sites }) => {
    const site = await sites.get(siteId);
    if (!site) throw notFound(siteId);
    warnHiddenPrompt(ctx, site.siteId, site.aiPrompt);
    if (ctx.flags.json) printJson(ctx.io, siteRecordToRow(site));
    else ctx.io.stdout.write(describe(site));
    return ExitCode.ok;
  });
}

async function create(ctx: CommandContext): Promise<number> {
  onlyOptions(ctx, 'sites create', [...FIELD_OPTIONS, ...HISTORY_OPTIONS, 'siteId', 'dryRun', 'allowMixedScript']);
  maxArgs(ctx, 'sites create', 1);
  const input = await fieldInput(ctx);
  let siteId = idArgument(ctx, 'sites create', 'siteId', false);
  const suggested = !siteId;
  if (!siteId) {
    if (!input.domain) throw usageError('cabinet sites create needs --domain (and --brand-name)', 'cabinet sites create --domain acme.de --brand-name ACME');
    siteId = suggestSiteId(input.domain);
  }
  const full: SiteInput = { siteId, domain: input.domain ?? '', brandName: input.brandName ?? '', ...input };
  // Checked before connecting, with the services' own validators (the service checks again).
  const fields = validateSite(full);
  checkDomainScripts(ctx, fields.domain);
  const preview = () => {
    if (suggested) ctx.io.stderr.write(`Site id ${sanitizeLine(siteId)} (from the domain; give SITE_ID to choose another).\n`);
    printDiff(ctx.io, name(siteId), null, siteText(fieldsToRow(siteId, fields)));
    warnHiddenPrompt(ctx, siteId, fields.aiPrompt);
  };
  if (bool(ctx, 'dryRun')) {
    preview();
    ctx.io.stderr.write('Dry run: nothing was written.\n');
    return ExitCode.ok;
  }
  // Connected first, so a role that may not write is told so before the diff of a site it cannot create.
  return withServices(ctx, 'create', true, async ({ sites }) => {
    preview();
    const site = await sites.create(full, { ...note(ctx), allowMixedScript: bool(ctx, 'allowMixedScript') });
    ctx.io.stderr.write(`Created site ${sanitizeLine(site.siteId)}.\n`);
    if (ctx.flags.json) printJson(ctx.io, siteRecordToRow(site));
    return ExitCode.ok;
  });
}

export const siteTransfer: TransferKind = {
  command: 'sites',
  noun: 'site',
  plural: 'sites',
  export: exportObjects((services, write) => services.exports.sites(write)),
  import: (services, records, options) => services.siteTransfer.import(records, options),
};

const actions: Record<string, (ctx: CommandContext) => Promise<number>> = {
  list,
  show,
  create,
  set: runRecordWrite('set', siteWrites),
  delete: runRecordWrite('delete', siteWrites),
  history,
  diff,
  restore,
  export: (ctx) => runExport(ctx, siteTransfer),
  import: (ctx) => runImport(ctx, siteTransfer, [...HISTORY_OPTIONS, 'force']),
};

export const sitesCommand: Command = {
  name: 'sites',
  help,
  options: {
    ...LIST_OPTIONS,
    ...TRANSFER_OPTIONS,
    ...FIELD_FLAG_OPTIONS,
    note: { type: 'string' },
    expectVersion: { type: 'string' },
    before: { type: 'string' },
    force: { type: 'boolean' },
    allowMixedScript: { type: 'boolean' },
  },
  run: (ctx) => runAction('sites', actions, ctx),
};

