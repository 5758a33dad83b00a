import { checkEncodable } from '../../schema/field-rules.ts';
import { PROMPT_MAX_CHARS } from '../../schema/limits.ts';
import type { EditorState } from './editor-state.ts';

// Per line, keyed by the line itself: unchanged lines are the same strings from key to key (their hash is
// kept), so only the line a key changed is looked at again.
const problems = new Map<string, string | null>();
const PROBLEMS_MAX = 5000;

/**
 * What decides how a form shows the prompt (whether it is valid, and if not for which reason; whether it
 * is still the text shown for the row), computed in time proportional to the line a key changed, not to
 * the whole text: a form renders again, and validates the whole prompt, only when this changes. The
 * editor's text has plain line ends and never more than its limit can hold, so what the prompt's
 * validator looks at beyond the length (a NUL, an unpaired surrogate) is a property of single lines.
 */
export function promptShape(state: EditorState, text: string, shown: string): string {
  let bad = '';
  for (const line of state.lines) {
    let problem = problems.get(line);
    if (problem === undefined) {
      problem = checkEncodable(line) ?? null;
      if (problems.size >= PROBLEMS_MAX) problems.delete(problems.keys().next().value!);
      problems.set(line, problem);
    }
    if (problem) {
      bad = problem;
      break;
    }
  }
  return `${bad}|${state.chars > PROMPT_MAX_CHARS ? 'too long' : ''}|${text === shown ? 'as shown' : 'edited'}`;
}
