import type { ViewLine } from '../../components/scroll-view.tsx';
import { LABEL_WIDTH } from '../../components/field-row.tsx';
import { sanitizeLine } from '../../../lib/sanitize.ts';
import { validateSiteField } from '../../../services/validation/site-input.ts';
import { SITE_FIELD_LABELS, SITE_LINE_FIELDS } from '../../../schema/site-schema.ts';
import { mixedScriptWarning, shownDomain } from '../../text/domain.ts';
import { truncate } from '../../text/graphemes.ts';
import { formatPromptStats, promptStats } from '../../text/prompt-stats.ts';
import { wrapText } from '../../text/wrap.ts';
import { saveWarnings } from './site-review.tsx';
import type { initialWizard } from './site-wizard-state.ts';

/** The wizard's summary: warnings first, then every field as it will be stored, then the prompt. */
export function summaryLines(inputs: WizardStateInputs, prompt: string, width: number): ViewLine[] {
  const domain = validateSiteField('domain', inputs.domain.value);
  const mixed = domain.ok && domain.value ? mixedScriptWarning(domain.value) : undefined;
  const lines: ViewLine[] = [...saveWarnings(prompt, width, mixed), { text: 'The new site:', bold: true }];
  for (const f of SITE_LINE_FIELDS) {
    const r = validateSiteField(f, inputs[f].value);
    let value = r.ok ? (r.value ?? '—') : inputs[f].value;
    if (f === 'domain' && r.ok && r.value) value = shownDomain(r.value) === r.value ? r.value : `${shownDomain(r.value)}  (stored as ${r.value})`;
    lines.push({ text: truncate(`  ${SITE_FIELD_LABELS[f].padEnd(LABEL_WIDTH)}${sanitizeLine(value)}`, width) });
  }
  lines.push({ text: truncate(`  ${'prompt'.padEnd(LABEL_WIDTH)}${formatPromptStats(promptStats(prompt))}`, width) });
  lines.push({ text: '' });
  for (const row of wrapText(prompt, width)) lines.push({ text: row, dim: true });
  return lines;
}

type WizardStateInputs = ReturnType<typeof initialWizard>['inputs'];
