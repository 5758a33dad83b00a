import { lineInput, lineInputReducer, type LineInputAction, type LineInputState } from '../../components/line-input.tsx';
import type { SiteRecord } from '../../../services/types.ts';
import { SITE_LINE_FIELDS, formValuesOf, type SiteLineField } from './site-changes.ts';

/** Edit form: the one-line fields' inputs, which field has focus, and the step (form → review → saving). */
export interface SiteFormState {
  inputs: Record<SiteLineField, LineInputState>;
  /** Index into EDIT_FOCUS. */
  focus: number;
  mode: 'form' | 'review' | 'saving' | 'discard';
  /** The last service error, one line; the edit is kept. */
  error: string | null;
  reviewScroll: number;
}

/** Focus order of the edit form: the site id is shown but cannot change. */
export const EDIT_FOCUS = [...SITE_LINE_FIELDS.filter((f) => f !== 'siteId'), 'aiPrompt'] as const;
export type EditFocus = (typeof EDIT_FOCUS)[number];

export type SiteFormAction =
  | { type: 'input'; field: SiteLineField; action: LineInputAction }
  | { type: 'focus'; delta: number }
  | { type: 'focusField'; field: EditFocus }
  | { type: 'mode'; mode: SiteFormState['mode'] }
  | { type: 'error'; message: string | null }
  | { type: 'scroll'; offset: number };

export function initialSiteForm(site: SiteRecord): SiteFormState {
  const values = formValuesOf(site);
  const inputs = Object.fromEntries(SITE_LINE_FIELDS.map((f) => [f, lineInput(values[f])])) as Record<SiteLineField, LineInputState>;
  return { inputs, focus: 0, mode: 'form', error: null, reviewScroll: 0 };
}

export function siteFormReducer(state: SiteFormState, action: SiteFormAction): SiteFormState {
  switch (action.type) {
    case 'input':
      return { ...state, inputs: { ...state.inputs, [action.field]: lineInputReducer(state.inputs[action.field], action.action) } };
    case 'focus':
      return { ...state, focus: (state.focus + action.delta + EDIT_FOCUS.length) % EDIT_FOCUS.length };
    case 'focusField':
      return { ...state, focus: Math.max(0, EDIT_FOCUS.indexOf(action.field)) };
    case 'mode':
      return { ...state, mode: action.mode, ...(action.mode === 'review' ? { reviewScroll: 0 } : {}) };
    case 'error':
      return { ...state, error: action.message };
    case 'scroll':
      return { ...state, reviewScroll: action.offset };
  }
}
