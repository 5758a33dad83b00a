import { describe, expect, it, vi } from 'vitest';
import type { FieldSpec } from '../../src/schema/field-spec.ts';
import { SITE_SCHEMA } from '../../src/schema/site-schema.ts';
import { missingPlaces, sampleOf } from './walk-site-field.ts';

/**
 * What a newcomer does to add a plain text column to `sites`, beside the migration, the entity and the seed:
 * one row in the table. Here the table gains `crm_owner` and nothing else changes; every derivation (the
 * record, validation, form, detail, wizard, CLI flag and help, export, import, history) picks it up.
 */
vi.mock('../../src/schema/site-table.ts', async (importOriginal) => {
  const { SITE_SCHEMA: table } = await importOriginal<typeof import('../../src/schema/site-table.ts')>();
  const { optionalLine } = await import('../../src/schema/field-rules.ts');
  const crmOwner = {
    name: 'crmOwner',
    column: 'crm_owner',
    kind: 'line',
    role: 'field',
    label: 'CRM owner',
    hint: 'optional',
    nullable: true,
    rule: optionalLine,
    cli: { arg: 'NAME', help: ['who owns the site in the CRM; "" clears it'] },
  };
  const prompt = table.findIndex((f) => f.kind === 'prompt');
  return { SITE_SCHEMA: [...table.slice(0, prompt), crmOwner, ...table.slice(prompt)] };
});

describe('a text column added to the site schema table', () => {
  const added = (SITE_SCHEMA as readonly FieldSpec[]).find((f) => f.name === 'crmOwner')!;

  it('is in the table the code sees', () => {
    expect(added).toBeDefined();
    expect(sampleOf(added)).toBe('Walk value');
  });

  it('flows to every place a site field must appear', async () => {
    expect(await missingPlaces(added)).toEqual([]);
  });

  it('the fields that were there still do', async () => {
    for (const f of SITE_SCHEMA.filter((g) => g.role !== 'bookkeeping')) expect(await missingPlaces(f), f.name).toEqual([]);
  });
});
