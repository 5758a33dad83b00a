import { useMemo, useReducer, useState, type Dispatch } from 'react';
import type { SiteInput, SiteRecord } from '../../../../services/types.ts';
import { isGoneError, isStaleEditError, type GoneDetails, type StaleDetails } from '../../../../services/edit-errors.ts';
import { SITE_FIELD_LABELS, type SiteField } from '../../../../schema/site-schema.ts';
import { normaliseNewlines } from '../../../editor/editor-state.ts';
import { useEditorStore, useRenderOnSummaryChange, type EditorStore } from '../../../editor/editor-store.ts';
import { promptShape } from '../../../editor/prompt-shape.ts';
import { editInExternalEditor } from '../../../editor/external-editor.ts';
import { useServices } from '../../../services-context.tsx';
import { useShell, type Shell } from '../../../shell/shell-context.tsx';
import { SITE_LINE_FIELDS, checkFields, formValuesOf, patchOf, siteChanges, type FieldChange, type FieldCheck, type SiteLineField } from '../site-changes.ts';
import { changedDomainWarning } from '../site-review.tsx';
import { errorCode, errorLine, isUnreachable, saveSite } from '../save-site.ts';
import { rebaseOnto, siteRule, type ConflictChoice } from '../site-rebase.ts';
import { siteDraft, siteEditorHandle } from '../use-site-draft.ts';
import { useDrafts } from '../../../drafts-context.tsx';
import { useEditController, type EditController } from '../../../edit/use-edit-controller.ts';
import { useSiteMoved } from '../use-site-moved.ts';
import type { EditStart } from '../use-site-edit-start.ts';
import { EDIT_FOCUS, initialSiteForm, siteFormReducer, type EditFocus, type SiteFormAction, type SiteFormState } from './site-form-state.ts';

/** A conflict met on save, or found on opening (a draft or $EDITOR's prompt based on an older version). */
export interface SiteConflict {
  message: string;
  details: StaleDetails<SiteRecord>;
  atStart?: boolean;
}

/**
 * The site edit's controller (lazygit's helper): the state every mode shares and the operations the modes'
 * keys call. Each mode (./modes/) is a component with its own keymap that reads this and draws itself.
 */
export interface SiteEdit {
  shell: Shell;
  /** The row the edit is based on: its version goes with the save. Re-applying onto theirs moves it on. */
  base: SiteRecord;
  form: SiteFormState;
  dispatch: Dispatch<SiteFormAction>;
  /** The prompt's editor: keys go to this store and render only the editor (editor/editor-store.ts). */
  prompt: EditorStore;
  focus: EditFocus;
  /** The prompt as of this render; now() has it as it is, also after keys this render did not see. */
  promptText: string;
  now(): { changes: FieldChange[]; invalid: SiteField[]; dirty: boolean };
  values: Record<SiteField, string>;
  checks: ReturnType<typeof checkFields>;
  changes: FieldChange[];
  invalid: SiteField[];
  dirty: boolean;
  /** The draft and the ways out, shared with the user edit (ui/edit/). */
  controller: EditController;
  serviceErrors: Partial<Record<SiteField, string>>;
  conflict: SiteConflict | null;
  gone: GoneDetails | null;
  /** A domain being set whose label mixes scripts is saved only with M on the review (UTS 39). */
  mixedDomain: string | undefined;
  rule: ReturnType<typeof siteRule> | null;
  busy: string | null;
  notice: string | undefined;
  /** Someone else saved or deleted the site since the edit began (issue #14.2): the form's warning line. */
  moved: string | null;
  openExternal(): Promise<void>;
  toReview(): void;
  save(options?: { force?: boolean; allowMixedScript?: boolean }): Promise<void>;
  reapplyOntoTheirs(choice: ConflictChoice): void;
  recreate(): Promise<void>;
}

export function useSiteEdit(start: EditStart): SiteEdit {
  const { sites } = useServices();
  const shell = useShell();
  const [base, setBase] = useState<SiteRecord>(start.original);
  const [form, dispatch] = useReducer(siteFormReducer, undefined, () => ({
    ...initialSiteForm(start.original, start.values),
    ...(start.gone ? { mode: 'gone' as const } : start.conflict ? { mode: 'conflict' as const } : {}),
  }));
  const prompt = useEditorStore(start.values.aiPrompt);
  const [serviceErrors, setServiceErrors] = useState<Partial<Record<SiteField, string>>>({});
  const [conflict, setConflict] = useState<SiteConflict | null>(start.conflict ? { ...start.conflict, atStart: true } : null);
  const [gone, setGone] = useState<GoneDetails | null>(start.gone ?? null);
  const [busy, setBusy] = useState<string | null>(null);

  const focus = EDIT_FOCUS[form.focus]!;
  // The prompt as it is now, read at each render (joined once per change of the text).
  const promptText = prompt.text();
  const lineValues = useMemo(() => Object.fromEntries(SITE_LINE_FIELDS.map((f) => [f, form.inputs[f].value])) as Record<SiteLineField, string>, [form.inputs]);
  const values = useMemo(() => ({ ...lineValues, aiPrompt: promptText }), [lineValues, promptText]);
  // Fields left as stored are not re-validated (a value written outside cabinet is shown with a warning).
  // The prompt is checked on its own, so typing in a one-line field does not re-validate 100,000 characters.
  const lineChecks = useMemo(() => checkFields(lineValues as Record<SiteField, string>, base), [lineValues, base]);
  const promptCheck = useMemo(() => checkPrompt(promptText, base), [promptText, base]);
  const checks = useMemo(() => ({ ...lineChecks, aiPrompt: promptCheck }) as Record<SiteField, FieldCheck>, [lineChecks, promptCheck]);
  const changes = useMemo(() => siteChanges(base, checks), [base, checks]);
  const invalid = (Object.keys(checks) as SiteField[]).filter((f) => f !== 'siteId' && !checks[f].ok);
  const dirty = changes.length > 0 || invalid.length > 0;
  const drafts = useDrafts();
  const draftNow = useMemo(() => siteDraft(base, values), [base, values]);
  const controller = useEditController(draftNow, dirty, { label: base.siteId });
  // The prompt is part of the edit when it is not the text the form showed for the row.
  const shownPrompt = useMemo(() => normaliseNewlines(formValuesOf(base).aiPrompt), [base]);
  const lineDirty = changes.some((c) => c.field !== 'aiPrompt') || invalid.some((f) => f !== 'aiPrompt');
  // What the form shows about the prompt (valid or why not, edited or not): when typing changes it, the
  // form renders again, shortly after the key's own frame; otherwise a key renders only the editor. The
  // draft follows every key at once, so a dropped link loses nothing.
  useRenderOnSummaryChange(
    prompt,
    promptShape(prompt.get(), promptText, shownPrompt),
    (text, state) => promptShape(state, text, shownPrompt),
    (a, b) => a === b,
    (text) => controller.draft.update(siteDraft(base, { ...lineValues, aiPrompt: text }), lineDirty || text !== shownPrompt),
  );
  const now = () => {
    const text = prompt.text();
    if (text === promptText) return { changes, invalid, dirty };
    const check = checkPrompt(text, base);
    const nowChanges = siteChanges(base, { ...checks, aiPrompt: check });
    const nowInvalid = [...invalid.filter((f) => f !== 'aiPrompt'), ...(check.ok ? [] : ['aiPrompt' as SiteField])];
    return { changes: nowChanges, invalid: nowInvalid, dirty: nowChanges.length > 0 || nowInvalid.length > 0 };
  };
  const mixedDomain = useMemo(() => changedDomainWarning(changes), [changes]);
  const rule = useMemo(() => (conflict ? siteRule(conflict.details.base ?? base, values, conflict.details.theirs) : null), [conflict, base, values]);

  const loadValues = (next: Record<SiteField, string>) => {
    dispatch({ type: 'load', values: next });
    if (next.aiPrompt !== prompt.text()) prompt.dispatch({ type: 'replaceAll', text: next.aiPrompt });
  };

  const openExternal = async () => {
    try {
      const result = await shell.suspend(() => editInExternalEditor(prompt.text(), { name: base.siteId, draft: siteEditorHandle(drafts, controller.draft.latest()) }));
      if (!result.changed) {
        if (!now().dirty) controller.draft.discard();
        shell.notify('prompt unchanged in the editor');
      } else {
        prompt.dispatch({ type: 'replaceAll', text: result.text });
        dispatch({ type: 'focusField', field: 'aiPrompt' });
        shell.notify(
          result.endedBy ? `the editor was ended by ${result.endedBy}: took what it had saved (Ctrl-Z undoes it)` : 'prompt taken from the editor (Ctrl-Z undoes it)',
          'accent',
        );
      }
    } catch (error) {
      shell.notify(errorLine(error), 'error');
    }
  };

  const moved = useSiteMoved(base);

  const toReview = () => {
    // Keys may have reached the prompt since this render: review the edit as it is now.
    const { changes, invalid } = now();
    if (invalid.length > 0) {
      const first = invalid[0]!;
      dispatch({ type: 'focusField', field: first as EditFocus });
      dispatch({ type: 'error', message: `fix ${invalid.length === 1 ? 'this field' : `${invalid.length} fields`} first: ${first === 'aiPrompt' ? checkPrompt(prompt.text(), base).error : checks[first].error}` });
      return;
    }
    if (changes.length === 0) {
      shell.notify('nothing changed');
      return;
    }
    dispatch({ type: 'error', message: null });
    // Known to be based on an older version: the save is refused and shows the conflict (or the deletion).
    if (moved) return void save();
    dispatch({ type: 'mode', mode: 'review' });
  };

  const save = async (options: { force?: boolean; allowMixedScript?: boolean } = {}) => {
    if (changes.length === 0) {
      dispatch({ type: 'mode', mode: 'editing' });
      shell.notify('nothing left to change');
      return;
    }
    dispatch({ type: 'mode', mode: 'saving' });
    try {
      const result = await saveSite(sites, { original: base, patch: patchOf(changes), note: form.note.value, ...options });
      const names = result.changed.length > 0 ? result.changed.map((f) => SITE_FIELD_LABELS[f as SiteField] ?? f).join(', ') : 'nothing (already so)';
      controller.finish(`saved ${base.siteId}${options.force ? ' (overwrote the newer version)' : ''}: ${names}${result.rev ? ` · revision ${result.rev}` : ''}`);
    } catch (error) {
      const code = errorCode(error);
      dispatch({ type: 'error', message: null });
      if (isStaleEditError<SiteRecord>(error)) {
        setConflict({ message: error.message, details: error.details });
        dispatch({ type: 'mode', mode: 'conflict' });
        return;
      }
      if (isGoneError(error)) {
        setGone(error.details);
        dispatch({ type: 'mode', mode: 'gone' });
        return;
      }
      const e = error as { fields?: Record<string, string> };
      if (code === 'validation' && e.fields) {
        setServiceErrors(e.fields as Partial<Record<SiteField, string>>);
        dispatch({ type: 'mode', mode: 'editing' });
      } else dispatch({ type: 'mode', mode: 'review' });
      const message = isUnreachable(error)
        ? `not saved: the database is unreachable · your edit is kept; Ctrl-S or y tries again · ${(error as Error).message}`
        : `not saved: ${errorLine(error)}`;
      dispatch({ type: 'error', message });
    }
  };

  /**
   * r / t / g on the conflict: theirs becomes the base, my changes go on top, and the fields both changed
   * take what the person chose (mine, theirs, or the offered prompt merge); the review shows the result.
   */
  const reapplyOntoTheirs = (choice: ConflictChoice) => {
    if (!conflict || !rule) return;
    if (choice === 'merged' && rule.mergedPrompt === null) return;
    const theirs = conflict.details.theirs;
    const next = rebaseOnto(conflict.details.base ?? base, values, theirs, choice, rule);
    setBase(theirs);
    loadValues(next);
    setConflict(null);
    const both = rule.conflicts.map((f) => SITE_FIELD_LABELS[f]).join(', ');
    const took = choice === 'theirs' ? 'theirs taken' : choice === 'merged' ? 'prompt merged line by line' : 'yours kept';
    shell.notify(`re-applied your changes onto version ${theirs.version}${both ? `; changed on both sides: ${both} (${took})` : ''}`, 'accent');
    // The review (against theirs) is drawn from the next render's changes.
    dispatch({ type: 'mode', mode: 'review' });
  };

  const recreate = async () => {
    setBusy('re-creating…');
    try {
      const input = Object.fromEntries((Object.keys(checks) as SiteField[]).map((f) => [f, values[f]])) as unknown as SiteInput;
      const note = form.note.value.trim();
      const created = await sites.create({ ...input, siteId: base.siteId }, note ? { note } : {});
      controller.draft.discard();
      shell.notify(`re-created site ${created.siteId} with your values`, 'ok');
      shell.replace({ name: 'site', siteId: created.siteId });
    } catch (error) {
      setBusy(null);
      const e = error as { fields?: Record<string, string> };
      if (errorCode(error) === 'validation' && e.fields) {
        setServiceErrors(e.fields as Partial<Record<SiteField, string>>);
        dispatch({ type: 'mode', mode: 'editing' });
      }
      dispatch({ type: 'error', message: `not re-created: ${errorLine(error)}` });
    }
  };

  return {
    shell,
    base,
    form,
    dispatch,
    prompt,
    focus,
    promptText,
    now,
    values,
    checks,
    changes,
    invalid,
    dirty,
    controller,
    serviceErrors,
    conflict,
    gone,
    mixedDomain,
    rule,
    busy,
    notice: start.notice,
    moved,
    openExternal,
    toReview,
    save,
    reapplyOntoTheirs,
    recreate,
  };
}

/** The prompt checked as the form shows it (left as stored, it is kept with a warning). */
function checkPrompt(text: string, base: SiteRecord): FieldCheck {
  return checkFields({ aiPrompt: text } as Record<SiteField, string>, base).aiPrompt;
}
