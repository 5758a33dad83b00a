import type { Draft } from '../../../lib/drafts.ts';
import { lineInput, lineInputReducer, type LineInputAction, type LineInputState } from '../../components/line-input.tsx';
import { NEW_SITE_DRAFT_ID } from '../../drafts-context.tsx';
import { suggestSiteId } from '../../../services/validation/site-input.ts';
import { SITE_LINE_FIELDS, type SiteLineField } from './site-changes.ts';
import { wizardOrder } from '../../../schema/field-spec.ts';
import { blankSite } from '../../../schema/site-record.ts';
import { SITE_SCHEMA, type SiteField } from '../../../schema/site-schema.ts';

/** The wizard asks in the schema's wizard order (the domain first, so the site id can be suggested from it), then sums up. */
export type WizardStep = SiteField | 'summary';
export const WIZARD_STEPS: readonly WizardStep[] = [...(wizardOrder(SITE_SCHEMA).map((f) => f.name) as SiteField[]), 'summary'];

export interface WizardState {
  step: number;
  inputs: Record<SiteLineField, LineInputState>;
  /** Once the person edits the site id, it is theirs: no more suggestions from the domain. */
  siteIdTouched: boolean;
  /** Shown after Enter on an invalid value, or a service error on create. */
  error: string | null;
  saving: boolean;
  summaryScroll: number;
}

export type WizardAction =
  | { type: 'input'; field: SiteLineField; action: LineInputAction }
  | { type: 'next' }
  | { type: 'back' }
  | { type: 'goto'; step: WizardStep }
  | { type: 'error'; message: string | null }
  | { type: 'saving'; saving: boolean }
  | { type: 'scroll'; offset: number };

const blank = blankSite();

export function initialWizard(): WizardState {
  return {
    step: 0,
    // Each field starts at its default (language: en, what most sites use); the person can change it at its step.
    inputs: Object.fromEntries(SITE_LINE_FIELDS.map((f) => [f, lineInput(blank[f] ?? '')])) as Record<SiteLineField, LineInputState>,
    siteIdTouched: false,
    error: null,
    saving: false,
    summaryScroll: 0,
  };
}

export function wizardReducer(state: WizardState, action: WizardAction): WizardState {
  switch (action.type) {
    case 'input': {
      const current = state.inputs[action.field];
      // A suggested site id is offered like selected text: the first character typed (or pasted) replaces
      // it; moving the cursor or deleting first edits it instead. Ctrl-Z brings the suggestion back.
      const replacing = action.field === 'siteId' && !state.siteIdTouched && action.action.type === 'insert' && current.value !== '';
      let next: LineInputState;
      if (replacing && action.action.type === 'insert') {
        // One undo step, which the rest of the word typed after it joins.
        const replaced = lineInputReducer(current, { type: 'set', value: action.action.text });
        next = { ...replaced, history: { past: replaced.history?.past ?? [], future: [], open: 'typing' } };
      } else next = lineInputReducer(current, action.action);
      const inputs = { ...state.inputs, [action.field]: next };
      return { ...state, inputs, error: null, siteIdTouched: state.siteIdTouched || action.field === 'siteId' };
    }
    case 'next': {
      const step = Math.min(WIZARD_STEPS.length - 1, state.step + 1);
      let inputs = state.inputs;
      // Leaving the domain step: suggest the site id from it (www.acme.de → acme-de) unless already typed.
      if (WIZARD_STEPS[state.step] === 'domain' && !state.siteIdTouched) {
        inputs = { ...inputs, siteId: lineInput(suggestSiteId(inputs.domain.value)) };
      }
      return { ...state, inputs, step, error: null, summaryScroll: 0 };
    }
    case 'back':
      return { ...state, step: Math.max(0, state.step - 1), error: null };
    case 'goto':
      return { ...state, step: WIZARD_STEPS.indexOf(action.step), error: null };
    case 'error':
      return { ...state, error: action.message };
    case 'saving':
      return { ...state, saving: action.saving };
    case 'scroll':
      return { ...state, summaryScroll: action.offset };
  }
}

const LINE_FIELDS = SITE_LINE_FIELDS;

/**
 * The wizard as a draft on disk (recordId null: the site does not exist yet), or null while nothing has
 * been typed (the defaults alone are nothing to lose). The step and whether the site id was typed come
 * back on resume.
 */
export function wizardDraft(state: WizardState, prompt: string): Draft | null {
  const initial = initialWizard();
  const fields: Record<string, string> = Object.fromEntries(LINE_FIELDS.map((f) => [f, state.inputs[f].value]));
  const pristine = prompt === '' && LINE_FIELDS.every((f) => fields[f] === initial.inputs[f].value);
  if (pristine) return null;
  return {
    id: NEW_SITE_DRAFT_ID,
    entity: 'site',
    recordId: null,
    baseVersion: null,
    base: {},
    fields: { ...fields, aiPrompt: prompt },
    ui: { step: state.step, siteIdTouched: state.siteIdTouched },
  };
}

/** The wizard resumed from its draft: the values typed, at the step it was left on (never the summary). */
export function wizardFromDraft(draft: Pick<Draft, 'fields' | 'ui'>): { state: WizardState; prompt: string } {
  const state = initialWizard();
  for (const f of LINE_FIELDS) {
    const v = draft.fields[f];
    if (typeof v === 'string') state.inputs[f] = lineInput(v);
  }
  const step = Number(draft.ui?.step);
  state.step = Number.isInteger(step) ? Math.max(0, Math.min(WIZARD_STEPS.indexOf('aiPrompt'), step)) : 0;
  state.siteIdTouched = draft.ui?.siteIdTouched === true || state.inputs.siteId.value !== '';
  return { state, prompt: typeof draft.fields.aiPrompt === 'string' ? draft.fields.aiPrompt : '' };
}
