import type { FieldSpec } from './field-spec.ts';

/**
 * The one row↔record mapper of every resource. `get` reads a field's raw value wherever the row came from:
 * by column from SQL rows, revision snapshots and export rows, by name from an entity. Text NULLs stay null
 * where the field is nullable and read as '' where it is not; times become Dates, versions numbers.
 */
export function recordFrom<R>(fields: readonly FieldSpec[], get: (field: FieldSpec) => unknown): R {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = get(f);
    if (f.kind === 'timestamp') out[f.name] = new Date((v ?? 0) as string | number | Date);
    else if (f.kind === 'integer') out[f.name] = Number(v ?? 0);
    else out[f.name] = v === null || v === undefined ? (f.nullable ? null : '') : String(v);
  }
  return out as R;
}

/** A record from a row keyed by column name (SQL, snapshots, export rows). */
export function recordFromRow<R>(fields: readonly FieldSpec[], row: Record<string, unknown>): R {
  return recordFrom<R>(fields, (f) => row[f.column]);
}

/**
 * A record as its columns, in `fields`' order; times as ISO strings. `invalidTimes: 'null'` records a time
 * JavaScript cannot hold (psql wrote 'infinity' or a BC date) as unknown instead of throwing.
 */
export function columnsOf(fields: readonly FieldSpec[], record: object, options: { invalidTimes?: 'throw' | 'null' } = {}): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  for (const f of fields) {
    const v = (record as Record<string, unknown>)[f.name];
    if (v instanceof Date) out[f.column] = options.invalidTimes === 'null' && Number.isNaN(v.getTime()) ? null : v.toISOString();
    else out[f.column] = (v ?? null) as string | number | null;
  }
  return out;
}
