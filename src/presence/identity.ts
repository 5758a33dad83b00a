import net from 'node:net';
import os from 'node:os';
import { processActor } from '../services/write-context.ts';

/** Who this console announces: the history's actor, split into the person and where they came from. */
export interface PresenceIdentity {
  who: string;
  /** The SSH client's address (as the actor names it), else this host's name. */
  from: string;
}

export function identityOf(actor: string, hostname: string): PresenceIdentity {
  const m = / from (\S+)$/.exec(actor);
  if (m && net.isIP(m[1]!)) return { who: actor.slice(0, m.index), from: m[1]! };
  return { who: actor, from: hostname };
}

export function processIdentity(actorFlag?: string): PresenceIdentity {
  return identityOf(processActor(actorFlag), os.hostname());
}
