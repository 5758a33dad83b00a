import { usageError } from '../lib/errors.ts';
import type { CommandContext, OptionSpec } from './command.ts';

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Options shared by the list commands. */
export const LIST_OPTIONS = {
  filter: { type: 'string' },
  limit: { type: 'string' },
  sort: { type: 'string' },
  ndjson: { type: 'boolean' },
} as const satisfies Record<string, OptionSpec>;

export const TRANSFER_OPTIONS = {
  output: { type: 'string', shortFlag: 'o' },
  dryRun: { type: 'boolean' },
} as const satisfies Record<string, OptionSpec>;

/** A string option's value, or undefined when not given. */
export function str(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.options[name];
  return typeof v === 'string' ? v : undefined;
}

export function bool(ctx: CommandContext, name: string): boolean {
  return ctx.options[name] === true;
}

/** Refuses the command's options that make no sense for this action (`--domain` with `sites list`). */
export function onlyOptions(ctx: CommandContext, action: string, allowed: readonly string[]): void {
  for (const [name, value] of Object.entries(ctx.options)) {
    if (value === undefined || allowed.includes(name)) continue;
    throw usageError(`option --${kebab(name)} does not apply to cabinet ${action}`, `see cabinet ${action.split(' ')[0]} --help`);
  }
}

/** Refuses positional arguments beyond `max` (after the action). */
export function maxArgs(ctx: CommandContext, action: string, max: number): void {
  const extra = ctx.args.slice(1 + max);
  if (extra.length > 0) throw usageError(`unexpected argument "${extra[0]}" for cabinet ${action}`, `see cabinet ${action.split(' ')[0]} --help`);
}

/** The record id from the positional argument or `--site-id`/`--user-id`; both must agree. */
export function idArgument(ctx: CommandContext, action: string, flag: 'siteId' | 'userId', required: boolean): string | undefined {
  const positional = ctx.args[1];
  const option = str(ctx, flag);
  if (positional !== undefined && option !== undefined && positional !== option) {
    throw usageError(`two different ids: "${positional}" and --${kebab(flag)} "${option}"`);
  }
  const id = positional ?? option;
  if (required && (id === undefined || id.trim() === '')) {
    const noun = flag === 'siteId' ? 'SITE_ID' : 'USER_ID';
    throw usageError(`cabinet ${action} needs a ${noun}`, `cabinet ${action} ${noun}`);
  }
  return id?.trim();
}

/** `--limit N`: a positive whole number. */
export function parseLimit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw usageError(`--limit must be a positive whole number, not "${value}"`);
  return Number(value);
}

/** `--sort KEY` or `--sort -KEY` (descending), KEY a column name. */
export function parseSort<K extends string>(value: string | undefined, keys: Record<string, K>): { sort: K; descending: boolean } | undefined {
  if (value === undefined) return undefined;
  const descending = value.startsWith('-');
  const name = value.replace(/^[-+]/, '').trim();
  const sort = keys[name];
  if (!sort) throw usageError(`cannot sort by "${name}"`, `one of: ${Object.keys(keys).join(', ')} (prefix - for descending)`);
  return { sort, descending };
}

/** `cabinet NOUN ACTION …`: runs the named action, or says which actions there are (exit 2). */
export function runAction(noun: string, actions: Record<string, (ctx: CommandContext) => Promise<number>>, ctx: CommandContext): Promise<number> {
  const action = ctx.args[0];
  const names = Object.keys(actions).join(', ');
  if (action === undefined) throw usageError(`cabinet ${noun} needs an action`, `one of: ${names} (see cabinet ${noun} --help)`);
  const fn = actions[action];
  if (!fn) throw usageError(`unknown ${noun} action "${action}"`, `one of: ${names}`);
  return fn(ctx);
}
