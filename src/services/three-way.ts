import { merge } from 'node-diff3';

/**
 * The one rule for a write based on an older version of a row (every path: the console's edit, $EDITOR,
 * recovered drafts, user edits, `sites set --expect-version`, restore, import). Given the row the edit
 * started from (base), the row now (theirs) and the edit (mine), each field is:
 *  - `mine`: only I changed it: my value goes on top of theirs;
 *  - `theirs`: only they changed it: theirs is kept;
 *  - `agreed`: both changed it to the same value: nothing to decide;
 *  - `conflict`: both changed it differently: never written without the person's explicit choice.
 * With no base (a version no history saw), what they changed is unknown, so every field I set that
 * differs from theirs is a conflict.
 */
export interface ThreeWay<F extends string> {
  mine: F[];
  theirs: F[];
  agreed: F[];
  conflicts: F[];
}

export type Value = string | number | boolean | Date | null | undefined;

const key = (v: Value): unknown => (v instanceof Date ? `date:${v.getTime()}` : v === undefined ? null : v);
const same = (a: Value, b: Value): boolean => key(a) === key(b);

/**
 * `mine` holds only the fields the edit sets (a patch, or a form's values already turned into stored
 * values); a field it leaves out is unchanged by me.
 */
export function threeWay<F extends string>(
  fields: readonly F[],
  base: { [K in F]?: Value } | null,
  theirs: { [K in F]?: Value },
  mine: { [K in F]?: Value },
): ThreeWay<F> {
  const out: ThreeWay<F> = { mine: [], theirs: [], agreed: [], conflicts: [] };
  for (const f of fields) {
    const iSet = f in mine;
    if (!base) {
      if (iSet && !same(mine[f], theirs[f])) out.conflicts.push(f);
      continue;
    }
    const meMoved = iSet && !same(mine[f], base[f]);
    const theyMoved = !same(theirs[f], base[f]);
    if (meMoved && theyMoved) (same(mine[f], theirs[f]) ? out.agreed : out.conflicts).push(f);
    else if (meMoved) out.mine.push(f);
    else if (theyMoved) out.theirs.push(f);
  }
  return out;
}

/**
 * A line-level three-way merge (diff3, as `git merge-file` does) of a text both sides changed: the merged
 * text when the two edits touch different lines, null when they overlap. Only ever *offered* to the
 * person (shown, and taken on an explicit key), never applied by itself.
 */
export function mergeLines(base: string, theirs: string, mine: string): string | null {
  const r = merge(mine.split('\n'), base.split('\n'), theirs.split('\n'));
  return r.conflict ? null : r.result.join('\n');
}
