import net from 'node:net';
import { sanitizeLine } from '../lib/sanitize.ts';
import { oneLine } from '../schema/field-rules.ts';
import { CabinetError } from '../lib/errors.ts';
import { sshAddressIn } from '../lib/ssh-origin.ts';

/**
 * Who makes a change, as recorded in `site_revisions.actor`. Pure: the caller passes the environment.
 *
 * - `--actor NAME` (scripts, a shared account): NAME as given;
 * - else `SUDO_USER`, the person behind `sudo`: `alice (sudo as root)`;
 * - else the OS user: `alice`;
 * then, when the session came in over SSH, ` from <client address>` (from `SSH_CLIENT` or
 * `SSH_CONNECTION`), e.g. `alice (sudo as root) from 100.101.102.103`.
 *
 * Environment values are not trusted: names are shown escaped (sanitizeLine) and cut to 64 characters, and
 * an SSH address is used only if it parses as an IP address. (sudo's env_reset drops SSH_CLIENT; then
 * the address comes from the login shell sudo was started from, when cabinet may read its environment.)
 */
export interface ActorSource {
  /** The `--actor` value, when given. */
  flag?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  /** The OS user name (os.userInfo().username); falls back to USER / LOGNAME. */
  osUser?: string | undefined;
  /** The SSH client address found in an ancestor process (sudo dropped it from `env`), if any. */
  inheritedSshAddress?: string | undefined;
}

const MAX_NAME = 64;

function cleanName(value: string | undefined): string | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  const clean = sanitizeLine(v);
  return clean.length > MAX_NAME ? `${clean.slice(0, MAX_NAME - 1)}…` : clean;
}

/** The SSH client's address, or undefined when not over SSH (or the variable is not an address). */
export function sshClientAddress(env: ActorSource['env']): string | undefined {
  return sshAddressIn(env);
}

/** An actor name as given: one line, no control or invisible characters, at most 100 characters. */
export function checkActor(value: string): { ok: true; value: string } | { ok: false; error: string } {
  const r = oneLine(value, { required: true, max: 100, label: 'actor' });
  return r.ok ? { ok: true, value: r.value as string } : r;
}

/** Checks an `--actor` value; a bad one is a usage error (exit 2). */
export function validateActorFlag(value: string): string {
  const r = checkActor(value);
  if (!r.ok) throw new CabinetError(`invalid --actor: ${r.error}`, { code: 'usage', exitCode: 2 });
  return r.value;
}

export function resolveActor(source: ActorSource): string {
  const ssh = sshClientAddress(source.env) ?? (source.inheritedSshAddress && net.isIP(source.inheritedSshAddress) ? source.inheritedSshAddress : undefined);
  const suffix = ssh ? ` from ${ssh}` : '';
  if (source.flag !== undefined) return `${validateActorFlag(source.flag)}${suffix}`;
  const osUser = cleanName(source.osUser) ?? cleanName(source.env.USER) ?? cleanName(source.env.LOGNAME) ?? 'unknown';
  const sudoUser = cleanName(source.env.SUDO_USER);
  const who = sudoUser && sudoUser !== osUser ? `${sudoUser} (sudo as ${osUser})` : osUser;
  return `${who}${suffix}`;
}
