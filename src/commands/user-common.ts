import { CabinetError } from '../lib/errors.ts';
import type { DataServices } from '../services/data-services.ts';
import type { CommandContext } from './command.ts';
import { withDataServices } from './data.ts';
import { bool, str } from './options.ts';

/** What the users actions (users.ts) and their writes (user-writes.ts) share. */

/** Opens the database and the services for `users ACTION`; a write (not a dry run) is refused up front when read-only. */
export function withServices<T>(ctx: CommandContext, action: string, writes: boolean, fn: (services: DataServices) => Promise<T>): Promise<T> {
  return withDataServices(ctx, { action: `users ${action}`, writes: writes && !bool(ctx, 'dryRun') ? 'users' : undefined }, fn);
}

export function notFound(userId: string): CabinetError {
  return new CabinetError(`no user with id ${userId}`, { code: 'not-found', hint: 'see cabinet users list --filter' });
}

export const name = (userId: string) => `users/${userId}`;

/** `--note`: why, for the user's history. */
export function noteOf(ctx: CommandContext): { note?: string } {
  const v = str(ctx, 'note');
  return v === undefined ? {} : { note: v };
}
