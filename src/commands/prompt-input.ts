import { readUtf8 } from '../lib/read-input.ts';
import { PROMPT_MAX_CHARS } from '../schema/limits.ts';
import type { CommandContext } from './command.ts';

/**
 * `--ai-prompt-file FILE` (`-`: stdin): the raw bytes, decoded as strict UTF-8, so a prompt kept in git
 * arrives exactly as committed. Bounded at four bytes per allowed character; the validator has the last word.
 */
export function readPromptFile(ctx: CommandContext, file: string): Promise<string> {
  return readUtf8(file, ctx.io.stdin, { label: '--ai-prompt-file', maxBytes: PROMPT_MAX_CHARS * 4 });
}
