import { createTwoFilesPatch } from 'diff';
import { sanitizeLine, sanitizeText } from './sanitize.ts';

/** A record as `key: value` lines, with multi-line text (the prompt) as an indented block, for diffing. */
export type RecordFields = [key: string, value: string | null][];

export function recordText(fields: RecordFields, blocks: RecordFields = []): string {
  const lines = fields.map(([key, value]) => `${key}: ${value === null ? '(none)' : sanitizeLine(value)}`);
  for (const [key, value] of blocks) {
    if (value === null || value === '') {
      lines.push(`${key}: ""`);
      continue;
    }
    lines.push(`${key}: |`);
    for (const line of sanitizeText(value).split('\n')) lines.push(line === '' ? '' : `  ${line}`);
  }
  return lines.join('\n') + '\n';
}

export interface DiffOptions {
  /** ANSI colours: only when writing to a terminal and NO_COLOR is not set. */
  color?: boolean;
  context?: number;
}

/**
 * A unified diff (jsdiff) between two renderings of a record, git-style names: `/dev/null` on the side of
 * a create or a delete. Empty when nothing differs.
 */
export function recordDiff(name: string, before: string | null, after: string | null, options: DiffOptions = {}): string {
  if (before === after) return '';
  const patch = createTwoFilesPatch(before === null ? '/dev/null' : `a/${name}`, after === null ? '/dev/null' : `b/${name}`, before ?? '', after ?? '', '', '', {
    context: options.context ?? 3,
  });
  const lines = patch
    .split('\n')
    .filter((l) => !/^=+$/.test(l))
    .map((l) => l.replace(/^(---|\+\+\+) (.*?)\t?$/, '$1 $2'));
  while (lines.at(-1) === '') lines.pop();
  if (!options.color) return lines.join('\n') + '\n';
  const paint = (l: string) =>
    l.startsWith('+++') || l.startsWith('---')
      ? `\x1b[1m${l}\x1b[0m`
      : l.startsWith('+')
        ? `\x1b[32m${l}\x1b[0m`
        : l.startsWith('-')
          ? `\x1b[31m${l}\x1b[0m`
          : l.startsWith('@@')
            ? `\x1b[36m${l}\x1b[0m`
            : l;
  return lines.map(paint).join('\n') + '\n';
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
}
