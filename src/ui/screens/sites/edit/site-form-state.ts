import { lineInput, lineInputReducer, type LineInputAction, type LineInputState } from '../../../components/line-input.tsx';
import type { SiteRecord } from '../../../../services/types.ts';
import type { SiteField } from '../../../../schema/site-schema.ts';
import { SITE_LINE_FIELDS, formValuesOf, type SiteLineField } from '../site-changes.ts';

/**
 * One mode at a time, each with its own component and keymap (./modes/): typing in the fields, asking to
 * discard them, the review, the note written on the review, the save under way, and the outcomes a save can
 * end in besides success: `conflict` (the row changed underneath), `gone` (it was deleted).
 */
export type SiteEditMode = 'editing' | 'discard' | 'review' | 'note' | 'saving' | 'conflict' | 'gone';

/**
 * Edit form: the one-line fields' inputs, which field has focus, and the mode. The edit itself survives
 * every mode.
 */
export interface SiteFormState {
  inputs: Record<SiteLineField, LineInputState>;
  /** Index into EDIT_FOCUS. */
  focus: number;
  mode: SiteEditMode;
  /** The last service error, one line; the edit is kept. */
  error: string | null;
  /** Scroll of the review, conflict or gone view. */
  reviewScroll: number;
  /** The note asked on the review ("why"), kept with the revision. */
  note: LineInputState;
}

/** Focus order of the edit form: the site id is shown but cannot change. */
export const EDIT_FOCUS = [...SITE_LINE_FIELDS.filter((f) => f !== 'siteId'), 'aiPrompt'] as const;
export type EditFocus = (typeof EDIT_FOCUS)[number];

/** The service's limit for a revision note. */
export const NOTE_MAX_CHARS = 500;

export type SiteFormAction =
  | { type: 'input'; field: SiteLineField; action: LineInputAction }
  | { type: 'load'; values: Record<SiteField, string> }
  | { type: 'focus'; delta: number }
  | { type: 'focusField'; field: EditFocus }
  | { type: 'mode'; mode: SiteFormState['mode'] }
  | { type: 'error'; message: string | null }
  | { type: 'scroll'; offset: number }
  | { type: 'note'; action: LineInputAction };

export function initialSiteForm(site: SiteRecord, values: Record<SiteField, string> = formValuesOf(site)): SiteFormState {
  const inputs = Object.fromEntries(SITE_LINE_FIELDS.map((f) => [f, lineInput(values[f])])) as Record<SiteLineField, LineInputState>;
  return { inputs, focus: 0, mode: 'editing', error: null, reviewScroll: 0, note: lineInput('') };
}

export function siteFormReducer(state: SiteFormState, action: SiteFormAction): SiteFormState {
  switch (action.type) {
    case 'input':
      return { ...state, inputs: { ...state.inputs, [action.field]: lineInputReducer(state.inputs[action.field], action.action) } };
    case 'load': {
      // Values re-applied onto a newer row: fields keep their cursor when their text did not change.
      const inputs = Object.fromEntries(
        SITE_LINE_FIELDS.map((f) => [f, state.inputs[f].value === action.values[f] ? state.inputs[f] : lineInput(action.values[f])]),
      ) as Record<SiteLineField, LineInputState>;
      return { ...state, inputs };
    }
    case 'focus':
      return { ...state, focus: (state.focus + action.delta + EDIT_FOCUS.length) % EDIT_FOCUS.length };
    case 'focusField':
      return { ...state, focus: Math.max(0, EDIT_FOCUS.indexOf(action.field)) };
    case 'mode': {
      // The review keeps its scroll while the note is written, and while the save runs.
      const onReview = (m: SiteEditMode) => m === 'review' || m === 'note';
      const keepScroll = action.mode === 'saving' || (onReview(action.mode) && onReview(state.mode));
      return { ...state, mode: action.mode, ...(keepScroll ? {} : { reviewScroll: 0 }) };
    }
    case 'error':
      return { ...state, error: action.message };
    case 'scroll':
      return { ...state, reviewScroll: action.offset };
    case 'note': {
      const next = lineInputReducer(state.note, action.action);
      // One line, bounded: a pasted newline becomes a space, and nothing past the service's limit.
      const value = next.value.replace(/[\r\n\t]+/g, ' ');
      if ([...value].length > NOTE_MAX_CHARS) return state;
      return { ...state, note: value === next.value ? next : { value, cursor: Math.min(next.cursor, value.length) } };
    }
  }
}
