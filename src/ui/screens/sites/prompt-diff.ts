import { structuredPatch } from 'diff';
import type { ViewLine } from '../../components/scroll-view.tsx';
import { wrapText } from '../../text/wrap.ts';

/**
 * The prompt's change as a unified diff (jsdiff's structuredPatch: the same algorithm and format as
 * `diff -u`), as display lines: long lines wrapped under their +/-/space marker, everything sanitised.
 */
export function promptDiffLines(before: string, after: string, width: number): ViewLine[] {
  const patch = structuredPatch('prompt', 'prompt', before, after, 'stored', 'edited', { context: 3 });
  const lines: ViewLine[] = [
    { text: '--- prompt (stored)', tone: 'removed' },
    { text: '+++ prompt (edited)', tone: 'added' },
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
      for (const row of wrapText(raw.slice(1), Math.max(1, width - 1))) lines.push({ text: `${mark}${row}`, ...(tone ? { tone } : {}) });
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
