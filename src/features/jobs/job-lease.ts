// One background job (the expiry sweeper, the audit checkpointer) on one node at a time,
// on every store: a lease row per job, taken by a conditional write that is the check and
// the take in one statement (atomic on SQLite, D1 and PostgreSQL alike: on PostgreSQL a
// second taker waits for the first one's row lock, then finds the lease no longer free).
// Each run holds its own fresh token, so a run that outlived its lease (and was taken
// over) cannot pass for the new holder; `held` is the guard its commits carry. The lease
// is given back when the run ends; `until` only bounds how long a dead node blocks it
// (node clocks are assumed to agree to well within a lease).
import type { Deps } from '../../deps.ts';
import type { Guard } from '../../db/store.ts';
import { newId } from '../../crypto/random.ts';
import { commit, commitOr } from '../audit/commit.ts';

export type JobLease = { name: string; holder: string; until: number; held: Guard };

/** The lease on `name` for `ttlMs`, or null while another run holds it. */
export async function takeLease(deps: Deps, name: string, ttlMs: number): Promise<JobLease | null> {
  const db = deps.store.db;
  const holder = newId();
  const now = deps.clock.now();
  const until = now + ttlMs;
  const take = { name: 'job_lease_free', changes: db.updateTable('job_leases').set({ holder, until }).where('name', '=', name).where('until', '<=', now) };
  // The row exists after the first run of a job on this database; the first take creates it.
  for (let tries = 0; tries < 2; tries++) {
    if ((await commitOr(deps, { guards: [take] }, () => 'busy' as const)) !== 'busy') {
      const held = { name: 'job_lease_held', exists: db.selectFrom('job_leases').select('name').where('name', '=', name).where('holder', '=', holder) };
      return { name, holder, until, held };
    }
    const row = await db.selectFrom('job_leases').select('name').where('name', '=', name).executeTakeFirst();
    if (row) return null;
    await commit(deps, {
      writes: [
        db
          .insertInto('job_leases')
          .values({ name, holder: '', until: 0 })
          .onConflict((oc) => oc.column('name').doNothing()),
      ],
    });
  }
  return null;
}

/** Gives the lease back at once (only if this run still holds it). */
export async function releaseLease(deps: Deps, lease: JobLease): Promise<void> {
  const db = deps.store.db;
  await commit(deps, { writes: [db.updateTable('job_leases').set({ until: 0 }).where('name', '=', lease.name).where('holder', '=', lease.holder)] });
}

/**
 * Runs `job` under the lease on `name`, or skips it (undefined) while another node runs it.
 * The lease is given back however the job ends.
 */
export async function runLeased<T>(deps: Deps, name: string, ttlMs: number, job: (lease: JobLease) => Promise<T>): Promise<T | undefined> {
  const lease = await takeLease(deps, name, ttlMs);
  if (!lease) return undefined;
  try {
    return await job(lease);
  } finally {
    await releaseLease(deps, lease).catch((err) => deps.log.warn('a job lease was not given back; it lapses on its own', { job: name, error: String(err) }));
  }
}
