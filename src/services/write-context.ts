import os from 'node:os';
import { sshAddressIn, sshAddressOfAncestors } from '../lib/ssh-origin.ts';
import { CabinetError } from '../lib/errors.ts';
import { WRITABLE, type WriteGate } from './access.ts';
import { checkActor, resolveActor } from './actor.ts';
import { oneLine } from '../schema/field-rules.ts';

/** What every writing service is built with: who writes (for history) and whether writing is allowed. */
export interface WriteContext {
  /** The default actor (resolveActor); a write's `options.actor` overrides it. */
  actor?: string;
  /** Read-only mode: every write is refused with code `read-only`. */
  gate?: WriteGate;
}

/** This process's actor: `--actor` when given, else from the environment (see actor.ts). */
export function processActor(flag?: string): string {
  return resolveActor({ flag, env: process.env, osUser: safeOsUser(), inheritedSshAddress: inheritedSshAddress() });
}

let inherited: { value: string | undefined } | undefined;

/** Under sudo (which drops SSH_CLIENT), the SSH address of the session it was started from; looked up once. */
function inheritedSshAddress(): string | undefined {
  if (!process.env.SUDO_USER || sshAddressIn(process.env)) return undefined;
  inherited ??= { value: sshAddressOfAncestors(process.pid) };
  return inherited.value;
}

export function resolvedContext(context: WriteContext = {}): { actor: string; gate: WriteGate } {
  return { actor: context.actor ?? processActor(), gate: context.gate ?? WRITABLE };
}

function safeOsUser(): string | undefined {
  try {
    return os.userInfo().username;
  } catch {
    return undefined;
  }
}

/** A revision note: optional, one line, up to 500 characters. */
export function validateNote(note: string | undefined): string | null {
  if (note === undefined) return null;
  const r = oneLine(note, { required: false, max: 500, label: 'note' });
  if (!r.ok) throw new CabinetError(`invalid note: ${r.error}`, { code: 'validation', fields: { note: r.error } });
  return r.value;
}

/** A per-call actor (e.g. from a form): same rules as `--actor`. */
export function validateActor(actor: string | undefined, fallback: string): string {
  if (actor === undefined) return fallback;
  const r = checkActor(actor);
  if (!r.ok) throw new CabinetError(`invalid actor: ${r.error}`, { code: 'validation', fields: { actor: r.error } });
  return r.value;
}

export function validateExpectedVersion(value: number | undefined): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < 1) {
    throw new CabinetError(`expected version must be a whole number ≥ 1, not ${String(value)}`, { code: 'usage', exitCode: 2 });
  }
}
