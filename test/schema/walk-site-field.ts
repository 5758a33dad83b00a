import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flagKeyOf, flagOf, flagUsage, requiredOnCreate, type FieldSpec } from '../../src/schema/field-spec.ts';
import { SITE_COLUMNS_SQL, SITE_SUMMARY_COLUMNS_SQL, siteFromRow, siteSnapshotOf } from '../../src/schema/site-record.ts';
import type { SiteRecord } from '../../src/schema/site-schema.ts';
import type { CommandContext } from '../../src/commands/command.ts';
import { fieldInput } from '../../src/commands/site-flags.ts';
import { sitesCommand } from '../../src/commands/sites.ts';
import { changedFields, fromSnapshot } from '../../src/services/site-revisions.ts';
import { EDITABLE_KEYS, siteRecordToRow, siteText } from '../../src/services/transfer/site-columns.ts';
import { parseSiteRecord } from '../../src/services/transfer/site-records.ts';
import { validateSite, validateSitePatch } from '../../src/services/validation/site-input.ts';
import { checkFields, formValuesOf, patchOf, siteChanges } from '../../src/ui/screens/sites/site-changes.ts';
import { siteDetailLines } from '../../src/ui/screens/sites/site-detail-screen.tsx';
import { recordDiffLines } from '../../src/ui/screens/sites/history-lines.ts';
import { rebaseOnto } from '../../src/ui/screens/sites/site-rebase.ts';
import { initialWizard, WIZARD_STEPS, wizardDraft, wizardFromDraft } from '../../src/ui/screens/sites/site-wizard-state.ts';
import { site } from '../ui/fake-services.ts';
import { placeChecker } from './place-check.ts';

/** A value each known field accepts as typed and stores unchanged; any other (a new plain text column) gets plain text. */
const SAMPLES: Record<string, string> = {
  siteId: 'walk-site',
  domain: 'walk.example',
  brandName: 'Walk Brand',
  language: 'de',
  aiScriptId: 'script-7',
  hubspotPipeline: 'pipeline-3',
  hubspotStage: 'stage-9',
  aiPrompt: 'Walk prompt\nsecond line',
};
export const sampleOf = (field: FieldSpec): string => SAMPLES[field.name] ?? 'Walk value';

type Row = Record<string, unknown>;

/**
 * Walks every place a site field must appear, from its schema row, and returns the places that miss it:
 * the record and its mapper, the SQL column lists, validation, the edit form, the rebase onto a newer row,
 * the detail view, the wizard, the CLI's flag and help, export, import, history (diff fields, the CLI's diff
 * text and the console's diff), and the test fake's defaults. An empty list: the field flows everywhere.
 */
export async function missingPlaces(field: FieldSpec): Promise<string[]> {
  const { missing, check } = placeChecker();
  const v = sampleOf(field);
  const editable = field.role === 'field';
  const base: SiteRecord = site({ siteId: 'walk-site', domain: 'base.example' });
  const withValue = { ...base, [field.name]: v } as SiteRecord;

  // The record, the one mapper, the SQL column lists, the revision snapshots.
  const asRow: Row = { ...siteSnapshotOf(base), [field.column]: v };
  check('mapper: row → record', () => (siteFromRow(asRow) as unknown as Row)[field.name] === v);
  check('mapper: record → snapshot', () => siteSnapshotOf(withValue)[field.column] === v);
  check('history: snapshot round trip', () => (fromSnapshot(siteSnapshotOf(withValue)) as unknown as Row | null)?.[field.name] === v);
  check('sql: every column', () => SITE_COLUMNS_SQL.split(', ').includes(field.column));
  check('sql: list columns', () => field.kind === 'prompt' || SITE_SUMMARY_COLUMNS_SQL.split(', ').includes(field.column));
  check('test fake: site() default', () => field.name in site({ siteId: 'x', domain: 'x.example' }));

  // Validation: a create keeps it, a patch of an editable field too.
  const input = { siteId: 'walk-site', domain: 'walk.example', brandName: 'Walk Brand', [field.name]: v };
  check('validation: create', () => (validateSite(input as never) as unknown as Row)[field.name] === v);
  if (editable) check('validation: patch', () => (validateSitePatch({ [field.name]: v } as never) as unknown as Row)[field.name] === v);

  // The edit form: its text, a change to it seen and saved, and kept when the edit moves onto a newer row.
  const shown = formValuesOf(withValue) as Row;
  check('form: values', () => shown[field.name] === v);
  if (editable) {
    const typed = { ...formValuesOf(base), [field.name]: v };
    check('form: change and save', () => {
      const changes = siteChanges(base, checkFields(typed, base));
      return changes.some((c) => c.field === field.name && c.label === field.label) && (patchOf(changes) as Row)[field.name] === v;
    });
    const theirs = { ...base, version: 2 };
    check('form: rebase keeps mine', () => (rebaseOnto(base, typed, theirs, 'mine') as Row)[field.name] === v);
  }

  // The detail view: its label and value (the prompt under its own heading).
  check('detail', () => {
    const detail = siteDetailLines(withValue, 200).map((l) => l.text);
    return field.kind === 'prompt' ? detail.some((t) => t === 'second line') : detail.some((t) => t.startsWith(field.label) && t.includes(v));
  });

  // The wizard: a step for it, and what was typed survives a dropped link (its draft).
  check('wizard: step', () => (WIZARD_STEPS as readonly string[]).includes(field.name));
  if (field.kind === 'line') {
    const state = initialWizard();
    const inputs = state.inputs as Record<string, { value: string }>;
    check('wizard: input', () => field.name in inputs);
    if (field.name in inputs) {
      inputs[field.name] = { ...inputs[field.name]!, value: v };
      const draft = wizardDraft(state, '');
      check('wizard: draft', () => draft !== null && (wizardFromDraft(draft).state.inputs as Record<string, { value: string }>)[field.name]?.value === v);
    }
  }

  // The command line: the option in the help and in meow's options, and what it gives the services.
  const flag = flagOf(field);
  check('cli: flag', () => flag !== undefined && sitesCommand.help.includes(`--${flag} `) && flagKeyOf(field)! in (sitesCommand.options ?? {}));
  // A create cannot do without it: its usage line names the option (the rest are `[field options]`).
  if (editable && flag && requiredOnCreate(field)) {
    check('cli: create usage', () => (sitesCommand.help.match(/^ {2}\$ cabinet sites create .*$/m)?.[0] ?? '').includes(` ${flagUsage(field)} `));
  }
  if (editable && flag) {
    const given = field.cli?.file ? writeTemp(v) : v;
    const ctx = { args: [], flags: {}, options: { [flagKeyOf(field)!]: given }, io: { stdin: process.stdin } } as unknown as CommandContext;
    const read = (await fieldInput(ctx).catch(() => ({}))) as Row;
    check('cli: field input', () => read[field.name] === v);
  }

  // Export and import: the column, as scripts and n8n know it.
  check('export', () => siteRecordToRow(withValue)[field.column as keyof ReturnType<typeof siteRecordToRow>] === v);
  const parsed = parseSiteRecord({ site_id: 'walk-site', domain: 'walk.example', brand_name: 'Walk Brand', [field.column]: v });
  check('import', () => parsed.ok && (field.role === 'identity' ? parsed.row.siteId === v : (parsed.row.values as Row)[field.column] === v));
  if (editable) check('import: may update', () => (EDITABLE_KEYS as string[]).includes(field.column));

  // History: the diff's fields, the CLI's diff text, the console's diff.
  if (editable) {
    check('history: changed fields', () => (changedFields(base, withValue) as string[]).includes(field.name));
    check('history: cli diff text', () => siteText(siteRecordToRow(withValue)).includes(field.kind === 'prompt' ? `  second line` : `${field.column}: ${v}`));
    check('history: console diff', () => {
      const lines = recordDiffLines(base, withValue, 200, { from: 'rev 1', to: 'rev 2' }).map((l) => l.text);
      return field.kind === 'prompt' ? lines.some((t) => t.includes('second line')) : lines.some((t) => t.includes(field.label) && t.includes(v));
    });
  }
  return missing;
}

function writeTemp(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'cabinet-walk-')), 'value.txt');
  writeFileSync(file, text);
  return file;
}
