import { ExitCode, usageError } from '../lib/errors.ts';
import { sanitizeLine } from '../lib/sanitize.ts';
import type { UserInput, UserRecord, UserSortKey } from '../services/types.ts';
import { validateUser } from '../services/validation/user-input.ts';
import { USER_SCHEMA } from '../schema/user-schema.ts';
import type { Command, CommandContext } from './command.ts';
import { withReadServices } from './data.ts';
import { bool, idArgument, LIST_OPTIONS, maxArgs, onlyOptions, parseLimit, parseSort, str, TRANSFER_OPTIONS, runAction } from './options.ts';
import { formatTime, printDiff, printJson } from './output.ts';
import type { Column } from '../lib/table.ts';
import { printListing } from './listing.ts';
import { runRecordWrite } from './record-write.ts';
import { runExport, runImport, type TransferKind } from './transfer.ts';
import { name, noteOf, notFound, withServices } from './user-common.ts';
import { CREATE_USAGE, FIELD_FLAG_OPTIONS, FIELD_OPTIONS, FIELD_OPTIONS_HELP, fieldInput, SET_USAGE, userText, userToJson } from './user-flags.ts';
import { userHistoryCommand } from './user-history.ts';
import { userWrites } from './user-writes.ts';

/** `--sort` takes the columns of the table's sortable fields (src/schema/user-table.ts), in table order. */
const SORT_KEYS: Record<string, UserSortKey> = Object.fromEntries(USER_SCHEMA.filter((f) => 'sort' in f).map((f) => [f.column, f.name]));

const help = `
Usage
  $ cabinet users list [--filter TEXT] [--sort [-]KEY] [--limit N] [--json | --ndjson]
  $ cabinet users show USER_ID [--json]
  $ cabinet users create USER_ID ${CREATE_USAGE}
  $ cabinet users set USER_ID ${SET_USAGE} [--expect-version N]
  $ cabinet users delete USER_ID [--yes] [--expect-version N]
  $ cabinet users export [--ndjson] [--output FILE] [--jobs N]
  $ cabinet users import [FILE | -] [--dry-run] [--yes] [--note TEXT] [--force]
  $ cabinet users history USER_ID [--limit N] [--before REV] [--json]

Field options (create, set)
${FIELD_OPTIONS_HELP}

Options
  --filter TEXT            list: case-insensitive text in the e-mail address or user id;
                           ^TEXT: the address or id starts with TEXT (fast on a big table)
  --sort KEY               list: ${Object.keys(SORT_KEYS).join(', ')}; -KEY sorts descending
                           (default -last_seen: most recently seen first)
  --limit N                list: at most N users (default 100; the table can be large: see export)
  --json                   list, history: a JSON array; show/create/set/delete: the user;
                           import: the plan
  --ndjson                 list, export: one JSON object per line
  --output FILE, -o FILE   export: write FILE (mode 0600, put in place only when complete)
  --jobs N                 export: N parallel COPY streams over one snapshot, 1 to 3 (default: 1
                           when the id index gives the order, else by the table's size); the file
                           is the same, in order, as of one moment
  --expect-version N       set/delete: write only if the user is still at version N (see show);
                           otherwise refuse, write nothing, exit 1. Without it a set is
                           last-writer-wins. Sign-ins that update last_seen bump the version too.
  --dry-run                create/set/delete/import: show what would change, write nothing
  --note TEXT              create/set/delete/import: why, kept in the user's history
  --limit N                history: the last N revisions (default 100)
  --before REV             history: the revisions older than REV (next page: the oldest REV shown)
  --read-only              refuse every write (also automatic when the role may not write users)
  --actor NAME             who, for the history (default: the OS user, or SUDO_USER, with the SSH
                           client address)
  --force                  import: a row exported at an older version may overwrite what changed
                           since (a sign-in's last_seen too); without it such a row is refused
  --yes                    delete, or an import that changes existing users, without asking
                           (required when stdin is not a terminal)

A write prints a unified diff of the user on stderr first, and is recorded in the user's history
(user_revisions: who, from where, when, old and new values; history shows changes made outside
cabinet, such as sign-ins, as gaps). list, show and export connect with
CABINET_DATABASE_URL_RO when it is set. Export and import stream through PostgreSQL's COPY, so a
million users take flat memory; import checks every row first and applies all in one transaction, or
none. Fields left out of an imported row keep their current value.

Examples
  $ cabinet users list --filter @acme.de --sort -last_seen --limit 20
  $ cabinet users list --filter ^anna.
  $ cabinet users show 281992467209388035 --json
  $ cabinet users create 281992467209388035 --email anna@acme.de
  $ cabinet users set 281992467209388035 --email anna.schmidt@acme.de --note "ticket 4711"
  $ cabinet users history 281992467209388035
  $ cabinet users export --ndjson | gzip > users-$(date +%F).ndjson.gz
  $ gunzip -c users.ndjson.gz | cabinet users import - --dry-run
`;

const DEFAULT_LIMIT = 100;

/** The list's columns: each field with a `list` column in the users table, in the table's order. */
export function userListColumns(): Column<UserRecord>[] {
  return USER_SCHEMA.flatMap((f): Column<UserRecord>[] => {
    if (!('list' in f)) return [];
    const { header, ...how } = f.list;
    const value = (u: UserRecord): string => {
      const v = (u as unknown as Record<string, unknown>)[f.name];
      return v instanceof Date ? formatTime(v) : v === null || v === undefined ? '' : String(v);
    };
    return [{ header, value, ...how }];
  });
}

async function list(ctx: CommandContext): Promise<number> {
  onlyOptions(ctx, 'users list', Object.keys(LIST_OPTIONS));
  maxArgs(ctx, 'users list', 0);
  const limit = parseLimit(str(ctx, 'limit')) ?? DEFAULT_LIMIT;
  const sort = parseSort(str(ctx, 'sort'), SORT_KEYS);
  const filter = str(ctx, 'filter');
  const ndjson = bool(ctx, 'ndjson');
  if (ndjson && ctx.flags.json) throw usageError('--json and --ndjson: choose one');
  return withReadServices(ctx, 'users list', ({ users }) =>
    printListing<UserRecord>(ctx, {
      limit,
      page: (p) => users.list({ ...p, ...(filter === undefined ? {} : { filter }), ...(sort ? { sort: sort.sort, descending: sort.descending } : {}) }),
      ndjson,
      toJson: userToJson,
      empty: filter ? `No users match "${sanitizeLine(filter)}".` : 'No users yet.',
      more: `Showing the first ${limit.toLocaleString('en')}; more match (--limit N, or cabinet users export).`,
      columns: userListColumns(),
    }),
  );
}

async function show(ctx: CommandContext): Promise<number> {
  onlyOptions(ctx, 'users show', ['userId']);
  maxArgs(ctx, 'users show', 1);
  const userId = idArgument(ctx, 'users show', 'userId', true)!;
  return withReadServices(ctx, 'users show', async ({ users }) => {
    const user = await users.get(userId);
    if (!user) throw notFound(userId);
    if (ctx.flags.json) printJson(ctx.io, userToJson(user));
    else {
      const lines: [string, string][] = [
        ...Object.entries(userToJson(user)).filter(([k]) => k !== 'version' && k !== 'updated_at').map(([k, v]): [string, string] => [k, String(v)]),
        ['updated_at', user.updatedAt.toISOString()],
        ['version', String(user.version)],
      ];
      ctx.io.stdout.write(lines.map(([k, v]) => `${`${k}:`.padEnd(12)}${sanitizeLine(v)}\n`).join(''));
    }
    return ExitCode.ok;
  });
}

async function create(ctx: CommandContext): Promise<number> {
  onlyOptions(ctx, 'users create', [...FIELD_OPTIONS, 'userId', 'dryRun', 'note']);
  maxArgs(ctx, 'users create', 1);
  const userId = idArgument(ctx, 'users create', 'userId', true)!;
  // A field left out that a create cannot do without is refused by validateUser, naming it.
  const input = { userId, ...fieldInput(ctx) } as UserInput;
  const record = validateUser(input);
  const preview = () => printDiff(ctx.io, name(record.userId), null, userText(record));
  if (bool(ctx, 'dryRun')) {
    preview();
    ctx.io.stderr.write('Dry run: nothing was written.\n');
    return ExitCode.ok;
  }
  // Connected first, so a role that may not write is told so before the diff.
  return withServices(ctx, 'create', true, async ({ users }) => {
    preview();
    const user = await users.create(input, noteOf(ctx));
    ctx.io.stderr.write(`Created user ${sanitizeLine(user.userId)}.\n`);
    if (ctx.flags.json) printJson(ctx.io, userToJson(user));
    return ExitCode.ok;
  });
}

export const userTransfer: TransferKind = {
  command: 'users',
  noun: 'user',
  plural: 'users',
  export: (services, format, write, options) => services.exports.users(format, write, options),
  import: (services, records, options) => services.userTransfer.import(records, options),
};

const actions: Record<string, (ctx: CommandContext) => Promise<number>> = {
  list,
  show,
  create,
  set: runRecordWrite('set', userWrites),
  delete: runRecordWrite('delete', userWrites),
  export: (ctx) => runExport(ctx, userTransfer, ['jobs']),
  import: (ctx) => runImport(ctx, userTransfer, ['note', 'force']),
  history: userHistoryCommand,
};

export const usersCommand: Command = {
  name: 'users',
  help,
  options: {
    ...LIST_OPTIONS,
    ...TRANSFER_OPTIONS,
    ...FIELD_FLAG_OPTIONS,
    expectVersion: { type: 'string' },
    note: { type: 'string' },
    force: { type: 'boolean' },
    before: { type: 'string' },
    jobs: { type: 'string' },
  },
  run: (ctx) => runAction('users', actions, ctx),
};
