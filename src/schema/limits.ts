/**
 * Limits of the stored data, at the bottom of the tree: the entities (CHECK constraints), the validators,
 * the prompt editor and the importers all read them from here.
 */

/** The largest prompt cabinet accepts (also a CHECK constraint in the database). */
export const PROMPT_MAX_CHARS = 100_000;

/** The longest one-line text field (brand name, a plain text column). */
export const LINE_MAX_CHARS = 200;
