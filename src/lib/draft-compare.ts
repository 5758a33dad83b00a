import type { Draft } from './draft-types.ts';

/** A draft id as a person reads it: `site:acme-de` → `site acme-de`, `site-new` → `the new site`. */
export function draftName(id: string): string {
  if (id === 'site-new') return 'the new site';
  const colon = id.indexOf(':');
  return colon > 0 ? `${id.slice(0, colon)} ${id.slice(colon + 1)}` : id;
}

/** One edited field of a recovered draft, compared with the row as it is now. */
export interface DraftFieldState {
  field: string;
  base: string | null;
  /** The current row's value; undefined when the row is gone. */
  theirs: string | null | undefined;
  mine: string | null;
  /** The row's value moved on since the draft began (and differs from mine). */
  conflict: boolean;
}

export interface DraftComparison {
  /** `gone`: the row was deleted; `moved`: its version is past the draft's base; `current`: nothing changed underneath. */
  status: 'new' | 'gone' | 'moved' | 'current';
  fields: DraftFieldState[];
}

/**
 * Compares a recovered draft with the row as it is now (`current`: the row's values by field name plus its
 * `version`, or null when it no longer exists). Pure; the console shows it as base / theirs / mine.
 */
export function compareDraft(draft: Draft, current: (Record<string, unknown> & { version: number }) | null): DraftComparison {
  const norm = (v: unknown): string | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v));
  const status: DraftComparison['status'] =
    draft.recordId === null ? 'new' : current === null ? 'gone' : current.version !== draft.baseVersion ? 'moved' : 'current';
  const fields = Object.entries(draft.fields).map(([field, mine]): DraftFieldState => {
    const base = draft.base[field] ?? null;
    const theirs = current === null ? undefined : norm(current[field]);
    return { field, base, theirs, mine, conflict: theirs !== undefined && theirs !== base && theirs !== mine };
  });
  return { status, fields };
}

