import readline from 'node:readline/promises';
import { usageError } from '../lib/errors.ts';
import type { CommandIO } from './command.ts';

/**
 * Asks the person at the terminal to type `expected` to go on. `--yes` skips the question; without a
 * terminal and without `--yes` the action is refused (exit 2), never assumed.
 */
export async function confirmTyped(io: CommandIO, question: string, expected: string, yes: boolean): Promise<boolean> {
  if (yes) return true;
  if (!io.stdin.isTTY) throw usageError(`${question.replace(/[?:]\s*$/, '')}: refusing without --yes because stdin is not a terminal`);
  const rl = readline.createInterface({ input: io.stdin, output: io.stderr });
  try {
    const answer = await rl.question(`${question} Type ${expected} to confirm: `);
    return answer.trim() === expected;
  } finally {
    rl.close();
  }
}
