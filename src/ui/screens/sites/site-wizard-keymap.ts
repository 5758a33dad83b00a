import type { Keymap } from '../../keys/keymap.ts';

export type WizardKey = 'next' | 'back' | 'create' | 'cancel' | 'refuse';

/** At a one-line step (domain, site id, brand…). */
export const lineStepKeymap: Keymap<WizardKey> = [
  { action: 'next', keys: ['enter', 'tab'], description: 'next', footer: true },
  { action: 'back', keys: ['shift+tab'], description: 'previous step', footer: true },
  { action: 'cancel', keys: ['esc'], description: 'back / cancel', footer: true },
];

/** At the prompt, in the built-in editor. */
export const promptStepKeymap: Keymap<WizardKey> = [
  { action: 'next', keys: ['ctrl+s', 'tab'], description: 'to the summary', footer: true },
  { action: 'back', keys: ['shift+tab'], description: 'previous step', footer: true },
  { action: 'cancel', keys: ['esc'], description: 'previous step', footer: true },
];

/** The summary before anything is written. */
export const summaryKeymap: Keymap<WizardKey> = [
  { action: 'create', keys: ['y', 'enter', 'ctrl+s'], description: 'create the site', footer: true },
  { action: 'back', keys: ['n', 'esc', 'q', 'shift+tab'], description: 'back to the prompt', footer: true },
];

/** A domain whose label mixes scripts (UTS 39) is created only with M: the look-alike is meant. */
export const mixedScriptSummaryKeymap: Keymap<WizardKey> = [
  { action: 'create', keys: ['M'], description: 'create: the mixed-script domain is meant', footer: true },
  { action: 'refuse', keys: ['y', 'enter', 'ctrl+s'], description: 'not with this domain: M confirms it' },
  { action: 'back', keys: ['n', 'esc', 'q', 'shift+tab'], description: 'back to the prompt', footer: true },
];
