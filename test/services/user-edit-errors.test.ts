import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityManager } from '@mikro-orm/postgresql';
import { OrmUserService } from '../../src/services/user-service.ts';
import { isGoneError, isStaleEditError } from '../../src/services/edit-errors.ts';
import { createMigratedDatabase } from '../helpers/db.ts';

/** #15.3 for users: a refused user write says who wrote the row now there, when, and what moved; built by the service. */
let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
let users: OrmUserService;

beforeAll(async () => {
  db = await createMigratedDatabase('uerr');
  users = new OrmUserService(db.orm.em as unknown as EntityManager, { actor: 'alice' });
});
afterAll(async () => db.close());

async function refusal(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (error) {
    return error;
  }
  throw new Error('the write was not refused');
}

describe('user write refusals carry their details', () => {
  it('a stale edit names who changed the user in cabinet, and which field', async () => {
    await users.create({ userId: 'ue-1', email: 'anna@acme.de' });
    await users.update('ue-1', { email: 'anna.s@acme.de' }, { expectedVersion: 1, actor: 'boris' });
    const error = await refusal(users.update('ue-1', { email: 'a@acme.de' }, { expectedVersion: 1 }));
    expect(isStaleEditError(error)).toBe(true);
    if (!isStaleEditError(error)) return;
    expect(error.message).toMatch(/^user ue-1 was changed by boris at \S+ since your edit began \(version 1, now 2\); they changed email; nothing was saved$/);
    expect(error.details).toMatchObject({ changedBy: { actor: 'boris' }, changedUnderneath: ['email'], expectedVersion: 1 });
    expect((await db.query(`select email from users where user_id = 'ue-1'`)).rows[0]?.email).toBe('anna.s@acme.de');
  });

  it('a stale edit after a sign-in written by psql says outside cabinet, and last seen', async () => {
    await users.create({ userId: 'ue-2', email: 'ben@acme.de' });
    await db.query(`update users set last_seen = now() + interval '1 minute' where user_id = 'ue-2'`);
    const error = await refusal(users.update('ue-2', { email: 'b@acme.de' }, { expectedVersion: 1 }));
    expect(isStaleEditError(error) && error.message).toMatch(/^user ue-2 was changed outside cabinet at \S+ since your edit began \(version 1, now 2\); they changed last seen; nothing was saved$/);
    expect(isStaleEditError(error) && error.details.changedBy).toBe('outside');
  });

  it('a user deleted during the edit names who deleted it and when, and offers no restore users do not have', async () => {
    await users.create({ userId: 'ue-3', email: 'cleo@acme.de' });
    await users.delete('ue-3', { expectedVersion: 1, actor: 'dora' });
    const error = await refusal(users.update('ue-3', { email: 'c@acme.de' }, { expectedVersion: 1 }));
    expect(isGoneError(error)).toBe(true);
    expect((error as Error).message).toMatch(/^user ue-3 was deleted by dora at \S+ while you were editing it; nothing was saved$/);
    expect(isGoneError(error) && error.hint).toBe('your draft is kept');
  });

  it('a delete refused as stale says who too (the transaction path)', async () => {
    await users.create({ userId: 'ue-4', email: 'dan@acme.de' });
    await users.update('ue-4', { email: 'dan2@acme.de' }, { expectedVersion: 1, actor: 'erik' });
    const error = await refusal(users.delete('ue-4', { expectedVersion: 1 }));
    expect(isStaleEditError(error) && error.message).toMatch(/was changed by erik at .*they changed email; nothing was saved$/);
  });
});
