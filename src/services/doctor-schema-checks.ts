import type { DbSession } from '../db/session.ts';
import { CabinetError } from '../lib/errors.ts';
import { errorText, type Check } from './doctor-check.ts';
import { MigrationService } from './migration-service.ts';

/**
 * `cabinet doctor`'s schema checks: the migrations (pending, edited, unknown, applied without cabinet) and
 * the drift between the entities, the migrations and the live schema (only the owner can see all of it).
 */
export async function schemaChecks(db: DbSession): Promise<Check[]> {
  const checks: Check[] = [];
  const migrations = new MigrationService(db.orm, db.target);
  let pending: string[] | undefined;
  try {
    const status = await migrations.status();
    pending = status.pending;
    const bad = [...status.edited.map((n) => `${n} was edited since it ran`), ...status.unknown.map((n) => `${n} is unknown to this cabinet`)];
    if (bad.length > 0) {
      checks.push({ id: 'migrations', title: 'migrations', status: 'fail', detail: bad.join('; '), fix: 'use the cabinet version that applied them; see cabinet migrate status' });
    } else if (status.pending.length > 0) {
      checks.push({
        id: 'migrations',
        title: 'migrations',
        status: 'fail',
        detail: `${status.pending.length} pending: ${status.pending.join(', ')}`,
        fix: 'cabinet migrate (as the owner role)',
      });
    } else {
      checks.push(
        status.unrecorded.length > 0
          ? {
              id: 'migrations',
              title: 'migrations',
              status: 'warn',
              detail: `all ${status.applied.length} applied; ${status.unrecorded.length} without cabinet, with no checksum recorded (an edit of ${status.unrecorded.length === 1 ? 'its file' : 'their files'} would go unnoticed): ${status.unrecorded.join(', ')}`,
              fix: 'cabinet migrate records their checksums',
            }
          : { id: 'migrations', title: 'migrations', status: 'ok', detail: `all ${status.applied.length} applied` },
      );
    }
  } catch (error) {
    checks.push(
      error instanceof CabinetError && error.code === 'db-permission'
        ? {
            id: 'migrations',
            title: 'migrations',
            status: 'unknown',
            detail: `cannot tell: ${db.info.user} may not read the migration bookkeeping (mikro_orm_migrations); the n8n and read-only roles need not`,
            fix: 'run cabinet doctor as the app or owner role to see the migrations',
          }
        : { id: 'migrations', title: 'migrations', status: 'fail', detail: errorText(error), fix: 'cabinet migrate status shows more' },
    );
  }

  const owner = await migrations.seesWholeSchema().catch(() => false);
  if (pending === undefined) {
    checks.push({ id: 'drift', title: 'schema drift', status: 'unknown', detail: 'not checked: the migrations could not be read' });
  } else if (pending.length > 0) {
    checks.push({ id: 'drift', title: 'schema drift', status: 'unknown', detail: 'not checked while migrations are pending' });
  } else if (!owner) {
    // information_schema shows CHECK constraints and triggers only to the tables' owner: any other role
    // would see them all as missing.
    checks.push({
      id: 'drift',
      title: 'schema drift',
      status: 'unknown',
      detail: `not checked: only the tables' owner sees their triggers and CHECK constraints, and ${db.info.user} is not it`,
      fix: 'run cabinet doctor (or cabinet migrate check) as the owner role',
    });
  } else {
    try {
      const problems = (await migrations.check()).filter((p) => !p.startsWith('pending migration'));
      checks.push(
        problems.length === 0
          ? { id: 'drift', title: 'schema drift', status: 'ok', detail: 'entities, migrations and the live schema agree' }
          : {
              id: 'drift',
              title: 'schema drift',
              status: 'fail',
              detail: problems.length === 1 ? problems[0]! : `${problems[0]} (and ${problems.length - 1} more)`,
              fix: 'cabinet migrate check lists the differences; put schema changes in a migration, never by hand',
            },
      );
    } catch (error) {
      checks.push({ id: 'drift', title: 'schema drift', status: 'unknown', detail: errorText(error) });
    }
  }
  return checks;
}
