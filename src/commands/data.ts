import { CabinetError, usageError } from '../lib/errors.ts';
import { sanitizeLine } from '../lib/sanitize.ts';
import type { DataServices } from '../services/data-services.ts';
import { defaultMigrationsDir } from '../lib/paths.ts';
import { discoverMigrationFiles } from '../services/migration-files.ts';
import { readMigrationStatus } from '../services/migration-status.ts';
import { readServices, type ReadServices } from '../services/read-services.ts';
import { changedByText, isGoneError, isStaleEditError } from '../services/edit-errors.ts';
import { SITE_COLUMNS } from '../schema/site-schema.ts';
import { processActor } from '../services/write-context.ts';
import type { CommandContext } from './command.ts';
import { assertGate, explainRefusal, refuseWhenReadOnly } from './read-only.ts';

export type WriteTable = 'sites' | 'users';

export interface DataUse {
  /** `cabinet sites set`: named in the read-only refusal. */
  action: string;
  /** The table this command writes; undefined for reads (and dry runs, which write nothing). */
  writes?: WriteTable | undefined;
}

/**
 * Opens the database and the data services for one command and always closes the connection. A command
 * that writes is refused in one line before it reads anything: with `--read-only` before connecting, and
 * when the role may not write the table (asked of PostgreSQL) before the diff or the confirmation.
 * Reads connect with CABINET_DATABASE_URL_RO when it is set.
 */
export async function withDataServices<T>(ctx: CommandContext, use: DataUse, fn: (services: DataServices) => Promise<T>): Promise<T> {
  if (use.writes) refuseWhenReadOnly(ctx, use.action);
  const db = await ctx.openDb({ readOnly: use.writes === undefined });
  try {
    const { openDataServices } = await import('../services/data-services.ts');
    const services = await openDataServices(db, (l) => ctx.io.stderr.write(`cabinet: ${sanitizeLine(l)}\n`), {
      ...(ctx.flags.actor === undefined ? {} : { actor: processActor(ctx.flags.actor) }),
      readOnly: ctx.flags.readOnly,
    });
    if (use.writes) assertGate(services.gates[use.writes], use.action);
    return await fn(services);
  } catch (error) {
    throw explainRefusal(error, use.action);
  } finally {
    await db.close();
  }
}

/**
 * Runs a command that only reads (list, show) on the light read path: no ORM is loaded, so it answers in a
 * fraction of the time. The embedded sandbox is migrated on first use, which needs the full session: when
 * it has pending migrations, this falls back to withDataServices (which applies them).
 */
export async function withReadServices<T>(ctx: CommandContext, action: string, fn: (services: ReadServices) => Promise<T>): Promise<T> {
  const reader = await ctx.openReader();
  let fallback = false;
  try {
    if (reader.target.source === 'embedded') {
      const status = await readMigrationStatus((sql) => reader.query(sql), discoverMigrationFiles(defaultMigrationsDir()));
      fallback = status.pending.length > 0;
    }
    if (!fallback) return await fn(readServices(reader.query, reader.transaction));
  } finally {
    await reader.close();
  }
  return withDataServices(ctx, { action }, fn);
}

/** `--expect-version N`: a whole number ≥ 1. */
export function parseExpectVersion(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw usageError(`--expect-version must be a row version (a whole number ≥ 1), not "${sanitizeLine(value)}"`, 'see the version line of cabinet sites show');
  }
  return Number(value);
}

const COLUMN_OF = SITE_COLUMNS as Record<string, string>;

/**
 * A refused stale or gone write as one line for a script: which version the row is at now, who changed it
 * and when, what to do. Everything comes from the error's details, built once by the service that refused
 * the write: nothing is asked of the database again. Anything else passes through unchanged.
 */
export function explainEditError(error: unknown, command: WriteTable): unknown {
  if (isStaleEditError(error)) {
    const { id, expectedVersion, theirs, changedBy, changedUnderneath, conflicts } = error.details;
    const noun = command === 'sites' ? 'site' : 'user';
    const who = changedByText(changedBy);
    const fields = changedUnderneath?.length ? ` (${changedUnderneath.map((f) => COLUMN_OF[f] ?? f).join(', ')})` : '';
    // The one rule's verdict (services/three-way.ts): the fields this write set that they changed too.
    const both = conflicts?.length ? `; changed on both sides: ${conflicts.map((f) => COLUMN_OF[f] ?? f).join(', ')}` : '';
    return new CabinetError(
      `${noun} ${sanitizeLine(id)} changed since version ${expectedVersion}: it is now version ${theirs.version}, changed ${who ? `${who} ` : ''}at ${theirs.updatedAt.toISOString()}${fields}${both}; nothing was written`,
      {
        code: 'stale',
        exitCode: 1,
        hint: `see cabinet ${command} ${command === 'sites' ? 'history' : 'show'} ${sanitizeLine(id)}; --expect-version ${theirs.version} writes over it`,
        cause: error,
      },
    );
  }
  if (isGoneError(error)) {
    const { entity, id, deletedBy, deletedAt, rev, history } = error.details;
    if (!deletedBy) {
      // Deleted outside cabinet, or never there: the site's history told the service; users have none.
      const what =
        history === 'never'
          ? `no ${entity} with id ${sanitizeLine(id)}`
          : history === 'outside'
            ? `${entity} ${sanitizeLine(id)} was deleted outside cabinet`
            : `${entity} ${sanitizeLine(id)} does not exist (deleted, or never created)`;
      return new CabinetError(`${what}; nothing was written`, { code: history === 'never' ? 'not-found' : 'gone', cause: error });
    }
    const at = deletedAt ? ` at ${deletedAt.toISOString()}` : '';
    return new CabinetError(`${entity} ${sanitizeLine(id)} was deleted by ${sanitizeLine(deletedBy)}${at}; nothing was written`, {
      code: 'gone',
      ...(rev ? { hint: `cabinet sites restore ${sanitizeLine(id)} --to ${rev} brings it back` } : {}),
      cause: error,
    });
  }
  return error;
}
