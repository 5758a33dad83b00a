import { CabinetError } from '../lib/errors.ts';
import { hiddenTextWarning } from '../lib/hidden-text.ts';
import { sanitizeLine } from '../lib/sanitize.ts';
import type { DataServices } from '../services/data-services.ts';
import { KEY_OF_SITE_FIELD, type EditableKey, type SiteRow } from '../services/transfer/site-columns.ts';
import { EDITABLE_SITE_FIELDS } from '../schema/site-schema.ts';
import type { SiteRecord } from '../services/types.ts';
import { domainForDisplay } from '../schema/field-rules.ts';
import { assertDomainScripts, mixedScriptWarning } from '../services/validation/domain-scripts.ts';
import type { CommandContext } from './command.ts';
import { withDataServices } from './data.ts';
import { bool, str } from './options.ts';

/** What the sites actions (sites.ts) and the history actions (site-history.ts) share. */

/** `--note` for the history entry of this write. */
export function note(ctx: CommandContext): { note?: string } {
  const v = str(ctx, 'note');
  return v === undefined ? {} : { note: v };
}

/** Opens the database and the services for `sites ACTION`; a write (not a dry run) is refused up front when read-only. */
export function withServices<T>(ctx: CommandContext, action: string, writes: boolean, fn: (services: DataServices) => Promise<T>): Promise<T> {
  return withDataServices(ctx, { action: `sites ${action}`, writes: writes && !bool(ctx, 'dryRun') ? 'sites' : undefined }, fn);
}

export function notFound(siteId: string): CabinetError {
  return new CabinetError(`no site with id ${siteId}`, { code: 'not-found', hint: 'see cabinet sites list' });
}

export const name = (siteId: string) => `sites/${siteId}`;

/** A site's given fields as an export row's columns (over `base`), for the diff shown before a write. */
export function fieldsToRow(siteId: string, f: Partial<Omit<SiteRecord, 'createdAt'>>, base?: SiteRow): Partial<SiteRow> {
  const row: Partial<SiteRow> = { ...(base ?? {}), site_id: siteId };
  for (const field of EDITABLE_SITE_FIELDS) {
    const value = f[field];
    if (value !== undefined) row[KEY_OF_SITE_FIELD[field] as EditableKey] = value;
  }
  return row;
}

/** Field names as the table's columns (brand_name), as scripts and n8n know them. */
export function columnNames(fields: readonly string[]): string {
  return fields.map((f) => KEY_OF_SITE_FIELD[f as keyof typeof KEY_OF_SITE_FIELD] ?? f).join(', ');
}

/**
 * A warning on stderr when the prompt hides text (tag characters spelling an instruction, zero-width
 * characters): a language model reads it, while the terminal shows it only as escapes.
 */
export function warnHiddenPrompt(ctx: CommandContext, siteId: string, prompt: string | undefined): void {
  const warning = prompt === undefined ? undefined : hiddenTextWarning('prompt', prompt);
  if (warning) ctx.io.stderr.write(`cabinet: warning: site ${sanitizeLine(siteId)}: ${warning}\n`);
}

/** Recorded with each change in the site's history (who: the global --actor). */
export const HISTORY_OPTIONS = ['note'] as const;

/** A domain mixing scripts is refused (exit 1) unless --allow-mixed-script, which still says what it accepted. */
export function checkDomainScripts(ctx: CommandContext, domain: string): void {
  const allowed = bool(ctx, 'allowMixedScript');
  assertDomainScripts(domain, allowed);
  const warning = allowed ? mixedScriptWarning(domain) : undefined;
  if (warning) ctx.io.stderr.write(`cabinet: warning: domain ${sanitizeLine(domainForDisplay(domain))}: ${sanitizeLine(warning)} (accepted: --allow-mixed-script)\n`);
}
