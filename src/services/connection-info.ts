import { shortTarget, type ConnectionTarget } from '../db/connection.ts';
import type { GuardDecision } from '../db/tailnet-guard.ts';
import type { WriteGate } from './access.ts';
import type { DatabaseIdentity } from './database-identity.ts';
import type { ConnectionInfo } from './types.ts';

/** What the console's header says about the connection, from facts either read path can gather. */
export function connectionInfo(facts: {
  label: string;
  target: ConnectionTarget;
  guard: GuardDecision;
  role: string;
  gates: { sites: WriteGate; users: WriteGate };
  pending: number;
  database: DatabaseIdentity;
}): ConnectionInfo {
  const { gates } = facts;
  return {
    label: facts.label,
    short: shortTarget(facts.target),
    embedded: facts.target.source === 'embedded',
    role: facts.role,
    readOnly: gates.sites.readOnly,
    ...(gates.sites.reason ? { readOnlyReason: gates.sites.reason } : {}),
    usersReadOnly: gates.users.readOnly,
    ...(gates.users.reason ? { usersReadOnlyReason: gates.users.reason } : {}),
    pendingMigrations: facts.pending,
    database: facts.database,
    ...(facts.guard.allowed ? {} : { guardWarning: `not on the tailnet (--allow-non-tailnet): ${facts.guard.reason}` }),
  };
}

