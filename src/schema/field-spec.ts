import type { FieldResult } from './field-rules.ts';

/**
 * One row of a resource's schema table (site-schema.ts, user-schema.ts), k9s-registry style: everything
 * cabinet knows about a field. Records, inputs, SQL column lists, the row↔record mapper, validation, the
 * CLI's flags and help, the forms, the detail views, history diffs and the transfer columns all derive
 * from the table, so a new column is one row here (plus its migration, entity property and seed data).
 */
export interface FieldSpec {
  /** The record's key (camelCase): `brandName`. */
  readonly name: string;
  /** The table's column (the n8n contract): `brand_name`. */
  readonly column: string;
  /** `line`: one line of text; `prompt`: multi-line text, in its own editor and shown last; the rest the database keeps. */
  readonly kind: 'line' | 'prompt' | 'timestamp' | 'integer';
  /** `identity`: given once, on create (the row's key); `field`: a person edits it; `bookkeeping`: the database sets it. */
  readonly role: 'identity' | 'field' | 'bookkeeping';
  /** What forms, detail views, history and error messages call it. */
  readonly label: string;
  /** The form's hint beside an empty field. */
  readonly hint?: string;
  /** NULL is stored for an empty value ('' clears it); the field may be left out on create. */
  readonly nullable?: boolean;
  /** What a create stores when the field is left out (a blank one-line value too); for a time, `now` or the field whose time it takes. */
  readonly default?: string;
  /** The validator: the value as it would be stored, or one error line. Every field but bookkeeping has one. */
  readonly rule?: (value: string, label: string) => FieldResult<string | null | Date>;
  /** The command line's option (create/set); without `flag`, the column with hyphens (`--brand-name`). */
  readonly cli?: { readonly flag?: string; readonly arg: string; readonly help: readonly string[]; readonly file?: boolean };
  /** What `cabinet seed --site` asks (the wizard on a plain terminal). */
  readonly ask?: string;
  /** A column of the command line's list; `drop`: narrow terminals drop the highest first. A prompt's column shows its size. */
  readonly list?: { readonly header: string; readonly truncate?: boolean; readonly align?: 'right'; readonly drop?: number };
  /**
   * The console's own places for it (users; the site screens have their own lists): `column`, its column in
   * the list (left to right by priority; narrow terminals drop the lowest first); `create`, a field of the
   * new-record form; `edit`, the field the edit form changes.
   */
  readonly console?: {
    readonly column?: { readonly priority: number; readonly flex?: number; readonly min?: number; readonly width?: number; readonly optional?: boolean };
    readonly create?: boolean;
    readonly edit?: boolean;
  };
  /**
   * The list may be ordered by it (the console's `s`, the CLI's `--sort`): `rank`, its place as `s` cycles
   * the sort (the lowest is the list's first order); `descending`, its natural direction (times: newest first).
   */
  readonly sort?: { readonly rank: number; readonly descending?: boolean };
  /**
   * Its value names the record in a one-line summary (users: the email): `users history`'s line for a create
   * (`email anna@acme.de`) and a delete (`deleted anna@acme.de`), the console's delete question.
   */
  readonly names?: boolean;
  /** An import may give it as a JSON integer (HubSpot ids are numbers in HubSpot's own exports). */
  readonly importNumbers?: boolean;
  /** Suggested from another field's value: the wizard asks for that field first (the site id from the domain). */
  readonly suggestedFrom?: string;
}

type ValueOf<F> = F extends { kind: 'timestamp' } ? Date : F extends { kind: 'integer' } ? number : F extends { nullable: true } ? string | null : string;
type InputValueOf<F> = F extends { kind: 'timestamp' } ? string | Date : ValueOf<F>;
type OptionalOnCreate<F> = F extends { nullable: true } ? true : F extends { default: string } ? true : false;
type Given<T extends readonly FieldSpec[]> = Exclude<T[number], { role: 'bookkeeping' }>;

/** The record a table describes: every field, as the services hand it out. */
export type RecordOf<T extends readonly FieldSpec[]> = { -readonly [F in T[number] as F['name']]: ValueOf<F> };

/** What a person gives on create: the required fields, and the optional ones (nullable or with a default). */
export type InputOf<T extends readonly FieldSpec[]> = {
  -readonly [F in Given<T> as OptionalOnCreate<F> extends true ? never : F['name']]: string;
} & {
  -readonly [F in Given<T> as OptionalOnCreate<F> extends true ? F['name'] : never]?: InputValueOf<F>;
};

/** The names of a table's fields of one role. */
export type NameOf<T extends readonly FieldSpec[], Role extends FieldSpec['role']> = Extract<T[number], { role: Role }>['name'];

/** The table's rows by name. */
export function byName<T extends readonly FieldSpec[]>(table: T): Record<T[number]['name'], T[number]> {
  return Object.fromEntries(table.map((f) => [f.name, f])) as Record<T[number]['name'], T[number]>;
}

/** The command-line option of a field, as typed: `brand-name`; undefined when it has none. */
export function flagOf(field: FieldSpec): string | undefined {
  return field.cli ? (field.cli.flag ?? field.column.replace(/_/g, '-')) : undefined;
}

/** The same option as meow's key: `brandName`, `aiPromptFile`. */
export function flagKeyOf(field: FieldSpec): string | undefined {
  return flagOf(field)?.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** A field's option as a usage line writes it: `--email EMAIL` (only for a field with `cli`). */
export function flagUsage(field: FieldSpec): string {
  return `--${flagOf(field)} ${field.cli?.arg ?? ''}`;
}

/** A create cannot do without it: neither nullable nor with a default. */
export function requiredOnCreate(field: FieldSpec): boolean {
  return !field.nullable && field.default === undefined;
}

/** Help lines for a field's option, aligned as the commands' help writes options (the text at column 28). */
export function flagHelp(field: FieldSpec): string[] {
  if (!field.cli) return [];
  const [first = '', ...rest] = field.cli.help;
  return [`  ${`--${flagOf(field)} ${field.cli.arg}`.padEnd(25)}${first}`, ...rest.map((line) => `${' '.repeat(27)}${line}`)];
}

/** What the line-by-line wizard asks for a field: its `ask`, else its label. */
export function askOf(field: FieldSpec): string {
  return field.ask ?? field.label.charAt(0).toUpperCase() + field.label.slice(1);
}

/** Export order: the table's order with long text (the prompt) last. */
export function exportOrder<T extends FieldSpec>(table: readonly T[]): T[] {
  return [...table.filter((f) => f.kind !== 'prompt'), ...table.filter((f) => f.kind === 'prompt')];
}

/** Wizard order: the table's order, but a suggested field right after the field it is suggested from. */
export function wizardOrder<T extends FieldSpec>(table: readonly T[]): T[] {
  const given = table.filter((f) => f.role !== 'bookkeeping');
  const out = given.filter((f) => f.suggestedFrom === undefined);
  for (const f of given.filter((g) => g.suggestedFrom !== undefined)) out.splice(out.findIndex((g) => g.name === f.suggestedFrom) + 1, 0, f);
  return out;
}
