import type { DbReader } from '../db/open-reader.ts';
import { usageError } from '../lib/errors.ts';
import type { GlobalFlags, OpenReaderOptions } from './command.ts';

/** The flags that decide where cabinet connects. */
export type ConnectFlags = Pick<GlobalFlags, 'allowNonTailnet' | 'databaseUrl'>;

/**
 * Where a command connects: `--database-url` always wins; a read-only use (listings, export) takes
 * CABINET_DATABASE_URL_RO when it is set, so scripts and cron jobs can run with a role that cannot write.
 */
export function databaseUrlFor(flags: ConnectFlags, readOnly: boolean, env: NodeJS.ProcessEnv = process.env): { databaseUrl?: string } {
  if (flags.databaseUrl !== undefined) return { databaseUrl: flags.databaseUrl };
  const ro = env.CABINET_DATABASE_URL_RO;
  if (!readOnly || !ro) return {};
  if (!/^postgres(ql)?:\/\//i.test(ro)) {
    throw usageError('CABINET_DATABASE_URL_RO is not a PostgreSQL URL', 'expected postgres://user@host:port/database');
  }
  return { databaseUrl: ro };
}

/**
 * The console reads what it writes: its lists come from the database its saves go to, never from
 * CABINET_DATABASE_URL_RO (which may name another database, or another server).
 */
export const CONSOLE_READS = { readOnly: false } as const;

/**
 * The light read path (`CommandContext.openReader`): resolved and guarded as a full session is; a target
 * allowed only by --allow-non-tailnet is said on `warn`. The console's early start (services/console-early.ts)
 * opens its reader through this too, before the CLI's parser has loaded.
 */
export async function openReaderFor(
  flags: ConnectFlags,
  { warn, ...options }: OpenReaderOptions & { log: (line: string) => void; warn: (line: string) => void },
  { readOnly = true }: { readOnly?: boolean } = {},
): Promise<DbReader> {
  const { openReader } = await import('../db/open-reader.ts');
  const reader = await openReader({ allowNonTailnet: flags.allowNonTailnet, ...databaseUrlFor(flags, readOnly), ...options });
  if (!reader.guard.allowed) warn(`--allow-non-tailnet: ${reader.guard.reason}`);
  return reader;
}
