import { flagHelp, flagKeyOf, flagOf, flagUsage, requiredOnCreate } from '../schema/field-spec.ts';
import { SITE_SCHEMA, type SiteSpec } from '../schema/site-schema.ts';
import type { SiteInput } from '../services/types.ts';
import type { CommandContext } from './command.ts';
import { str } from './options.ts';
import { readPromptFile } from './prompt-input.ts';

/** The sites command's field options, all from the schema table (src/schema/site-schema.ts). */

type FlaggedSpec = Extract<SiteSpec, { cli: object }>;
const flagged = SITE_SCHEMA.filter((f): f is FlaggedSpec => 'cli' in f);

/** The editable fields' options in form order (create, set); the site id has its own. */
const EDITABLE_FLAGS = flagged.filter((f) => f.role === 'field');
const IDENTITY_FLAGS = flagged.filter((f) => f.role === 'identity');

/** meow's keys of the editable fields' options (`brandName`, `aiPromptFile`). */
export const FIELD_OPTIONS = EDITABLE_FLAGS.map((f) => flagKeyOf(f)!);

/** Every field option for meow: each takes a string. */
export const FIELD_FLAG_OPTIONS = Object.fromEntries(flagged.map((f) => [flagKeyOf(f)!, { type: 'string' as const }]));

/** `give at least one of --domain, …` for a set with nothing to set. */
export const ANY_FIELD_FLAG = EDITABLE_FLAGS.map((f) => `--${flagOf(f)}`).join(', ');

/** The create's usage line names the options it cannot do without (`--domain DOMAIN --brand-name NAME`); the rest are `[field options]`. */
export const CREATE_REQUIRED_USAGE = EDITABLE_FLAGS.filter(requiredOnCreate).map(flagUsage).join(' ');

/**
 * The "Field options" help section: each field's option in form order, `extra` lines after the field they
 * belong to (--allow-mixed-script after --domain), the site id's option last.
 */
export function fieldOptionsHelp(extra: Partial<Record<SiteSpec['name'], readonly string[]>> = {}): string {
  return [...EDITABLE_FLAGS, ...IDENTITY_FLAGS].flatMap((f) => [...flagHelp(f), ...(extra[f.name] ?? [])]).join('\n');
}

/** The fields given as options; a file option's value (the prompt) read from its file, or stdin. */
export async function fieldInput(ctx: CommandContext): Promise<Partial<SiteInput>> {
  const input: Record<string, string> = {};
  for (const f of EDITABLE_FLAGS) {
    const v = str(ctx, flagKeyOf(f)!);
    if (v === undefined) continue;
    input[f.name] = 'file' in f.cli && f.cli.file ? await readPromptFile(ctx, v) : v;
  }
  return input as Partial<SiteInput>;
}
