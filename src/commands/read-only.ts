import { CabinetError } from '../lib/errors.ts';
import type { WriteGate } from '../services/access.ts';
import type { CommandContext } from './command.ts';

/**
 * Read-only refusals, one line each: `--read-only` refuses a write before anything connects; a role that
 * may not write a table (services/access.ts) is refused before the diff, the question or the write.
 */

/** `--read-only` refuses a write before anything connects. */
export function refuseWhenReadOnly(ctx: CommandContext, action: string): void {
  if (ctx.flags.readOnly) throw readOnlyRefusal({ readOnly: true, reason: 'read-only mode (--read-only)' }, action);
}

export function assertGate(gate: WriteGate, action: string): void {
  if (gate.readOnly) throw readOnlyRefusal(gate, action);
}

function readOnlyRefusal(gate: WriteGate, action: string): CabinetError {
  const flag = gate.reason === 'read-only mode (--read-only)';
  return new CabinetError(
    flag ? `read-only: --read-only refuses cabinet ${action}; nothing was changed` : `read-only: ${gate.reason ?? 'this connection cannot write'}; nothing was changed`,
    { code: 'read-only', ...(flag ? {} : { hint: 'connect as a role with write grants, e.g. the app role of cabinet roles sql' }) },
  );
}

/** The services' own read-only refusal (a gate closed after the command checked) gets the same line. */
export function explainRefusal(error: unknown, action: string): unknown {
  if (error instanceof CabinetError && error.code === 'read-only' && error.message.startsWith('cannot change anything: ')) {
    return readOnlyRefusal({ readOnly: true, reason: error.message.slice('cannot change anything: '.length) }, action);
  }
  return error;
}
