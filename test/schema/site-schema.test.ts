import { describe, expect, it } from 'vitest';
import { SiteSchema } from '../../src/db/entities/site.ts';
import type { FieldSpec } from '../../src/schema/field-spec.ts';
import { SITE_SCHEMA } from '../../src/schema/site-schema.ts';
import { missingPlaces } from './walk-site-field.ts';

/**
 * A site's shape is declared once (src/schema/site-table.ts). This walks, from the table, every place a field
 * must appear (form, detail, wizard, CLI flag, export, import, history diff, …): a field left out anywhere
 * fails here, by name and place.
 */
describe('the site schema table', () => {
  const given = SITE_SCHEMA.filter((f) => f.role !== 'bookkeeping');

  it.each(given.map((f) => [f.name, f] as const))('%s appears everywhere a site field must', async (_name, field) => {
    expect(await missingPlaces(field)).toEqual([]);
  });

  it('the walk fails for a field the table does not hold (it cannot pass vacuously)', async () => {
    const stray: FieldSpec = { name: 'crmOwner', column: 'crm_owner', kind: 'line', role: 'field', label: 'CRM owner', nullable: true, cli: { arg: 'NAME', help: ['x'] } };
    const missing = await missingPlaces(stray);
    for (const place of ['form: values', 'form: change and save', 'detail', 'wizard: step', 'cli: flag', 'export', 'import', 'history: changed fields', 'history: console diff', 'mapper: row → record', 'sql: every column']) {
      expect(missing).toContain(place);
    }
  });

  it('every field a person gives has a validator, a label and a hint; every one-line field a question for seed --site', () => {
    for (const f of given) {
      expect(f.rule, f.name).toBeTypeOf('function');
      expect(f.label, f.name).not.toBe('');
      expect(f.hint, f.name).toBeTypeOf('string');
      if (f.kind === 'line') expect(f.cli, f.name).toBeDefined();
    }
  });

  it('the entity maps the same columns with the same nullability (the entity is the one other place a column is declared)', () => {
    const props = SiteSchema.meta.properties as Record<string, { fieldName?: string; nullable?: boolean }>;
    expect(Object.keys(props).sort()).toEqual(SITE_SCHEMA.map((f) => f.name).sort());
    for (const f of SITE_SCHEMA) {
      expect(props[f.name]?.fieldName, f.name).toBe(f.column);
      expect(Boolean(props[f.name]?.nullable), f.name).toBe('nullable' in f && f.nullable === true);
    }
  });
});
