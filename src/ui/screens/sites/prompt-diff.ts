import { structuredPatch } from 'diff';
import type { ViewLine } from '../../components/scroll-view.tsx';
import { CONTINUATION, wrapText, wrapTextRows } from '../../text/wrap.ts';

/** One diff line wrapped to the view: its +/-/space on the first row, the continuation mark on the rest. */
function markedRows(text: string, mark: string, width: number, tone: 'added' | 'removed' | 'hunk' | undefined): ViewLine[] {
  return wrapTextRows(text, Math.max(1, width - 1)).map((row) => ({ text: `${row.continued ? CONTINUATION : mark}${row.text}`, ...(tone ? { tone } : {}) }));
}

/**
 * The prompt's change as a unified diff (jsdiff's structuredPatch: the same algorithm and format as
 * `diff -u`), as display lines: long lines wrapped under their +/-/space marker, everything sanitised.
 */
export function promptDiffLines(before: string, after: string, width: number, labels: { from: string; to: string } = { from: 'stored', to: 'edited' }): ViewLine[] {
  const patch = structuredPatch('prompt', 'prompt', before, after, labels.from, labels.to, { context: 3 });
  const lines: ViewLine[] = [
    { text: `--- prompt (${labels.from})`, tone: 'removed' },
    { text: `+++ prompt (${labels.to})`, tone: 'added' },
  ];
  for (const hunk of patch.hunks) {
    lines.push({ text: `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`, tone: 'hunk' });
    for (const raw of hunk.lines) {
      const mark = raw[0] ?? ' ';
      if (mark === '\\') {
        lines.push({ text: raw, dim: true });
        continue;
      }
      const tone = mark === '+' ? 'added' : mark === '-' ? 'removed' : undefined;
      lines.push(...markedRows(raw.slice(1), mark, width, tone));
    }
  }
  return lines;
}

/** +added −removed line counts, for the summary. */
export function diffCounts(before: string, after: string): { added: number; removed: number } {
  const patch = structuredPatch('prompt', 'prompt', before, after, '', '', { context: 0 });
  let added = 0;
  let removed = 0;
  for (const h of patch.hunks) {
    for (const l of h.lines) {
      if (l.startsWith('+')) added++;
      else if (l.startsWith('-')) removed++;
    }
  }
  return { added, removed };
}

/**
 * A unified diff as the service gives it (RevisionDiff.promptPatch), as display lines: every line
 * sanitised (the prompt is database text) and wrapped under its marker.
 */
export function patchTextLines(patch: string, width: number): ViewLine[] {
  const lines: ViewLine[] = [];
  for (const raw of patch.replace(/\n$/, '').split('\n')) {
    if (raw.startsWith('===')) continue;
    if (raw.startsWith('Index:')) continue;
    const head = raw.startsWith('--- ') || raw.startsWith('+++ ');
    const mark = head ? '' : (raw[0] ?? ' ');
    const tone = raw.startsWith('---') || (mark === '-' && !head) ? 'removed' : raw.startsWith('+++') || mark === '+' ? 'added' : raw.startsWith('@@') ? 'hunk' : undefined;
    if (head || raw.startsWith('@@') || mark === '\\') {
      lines.push({ text: wrapText(raw, Math.max(1, width))[0] ?? '', ...(tone ? { tone } : {}), ...(mark === '\\' ? { dim: true } : {}) });
      continue;
    }
    lines.push(...markedRows(raw.slice(1), mark, width, tone));
  }
  return lines;
}
