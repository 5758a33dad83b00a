import { sanitizeLine } from '../lib/sanitize.ts';
import { EDITABLE_SITE_FIELDS } from '../schema/site-schema.ts';
import { KEY_OF_SITE_FIELD, siteRecordToRow, siteText } from '../services/transfer/site-columns.ts';
import type { SiteInput, SiteRecord } from '../services/types.ts';
import { validateSiteField, validateSitePatch } from '../services/validation/site-input.ts';
import type { SiteFields } from '../schema/site-schema.ts';
import type { RecordWriteTarget } from './record-write.ts';
import { bool } from './options.ts';
import { checkDomainScripts, columnNames, fieldsToRow, HISTORY_OPTIONS, note, notFound, warnHiddenPrompt } from './site-common.ts';
import { ANY_FIELD_FLAG, fieldInput, FIELD_OPTIONS } from './site-flags.ts';

/** `cabinet sites set|delete`: the sites table for the shared write runner (record-write.ts). */
export const siteWrites: RecordWriteTarget<SiteRecord, Partial<SiteInput>, Partial<SiteFields>> = {
  command: 'sites',
  noun: 'site',
  idOption: 'siteId',
  setOptions: [...FIELD_OPTIONS, ...HISTORY_OPTIONS, 'allowMixedScript'],
  deleteOptions: [...HISTORY_OPTIONS],
  readPatch: fieldInput,
  emptyHint: `give at least one of ${ANY_FIELD_FLAG}`,
  validatePatch: validateSitePatch,
  get: ({ sites }, siteId) => sites.get(siteId),
  update: ({ sites }, siteId, patch, options) => sites.update(siteId, patch, options),
  remove: ({ sites }, siteId, options) => sites.delete(siteId, options),
  writeOptions: (ctx) => ({ ...note(ctx), allowMixedScript: bool(ctx, 'allowMixedScript') }),
  text: (site) => siteText(siteRecordToRow(site)),
  patchedText: (siteId, site, fields) => siteText(fieldsToRow(siteId, fields, siteRecordToRow(site))),
  toJson: siteRecordToRow,
  columns: columnNames,
  notFound,
  beforeDiff(ctx, _siteId, current, fields) {
    // Only what is set is validated; a value written outside cabinet that today's rules refuse is kept, and said.
    for (const f of EDITABLE_SITE_FIELDS) {
      if (f in fields) continue;
      const check = validateSiteField(f, current[f]);
      if (!check.ok) ctx.warn(`${KEY_OF_SITE_FIELD[f]} is kept as stored, though today's rules would refuse it (${sanitizeLine(check.error)})`);
    }
    if (fields.domain !== undefined && fields.domain !== current.domain) checkDomainScripts(ctx, fields.domain);
  },
  afterDiff: (ctx, siteId, current, fields) => warnHiddenPrompt(ctx, siteId, fields.aiPrompt ?? current.aiPrompt),
  beforeDelete: (ctx, siteId) => void ctx.io.stderr.write(`n8n stops finding site ${sanitizeLine(siteId)} on its next run.\n`),
};
