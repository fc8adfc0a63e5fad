// Step-up: calls that change how one gets into the account (recovery codes, adding or
// removing a passkey) or end it (erasure) need the session's last strong authentication
// (auth_at: sign-in, sign-up, or a step-up assertion) to be under five minutes old. It is
// checked early, so no work is done for a stale session, and again as a guard of the
// change's own commit, so a session revoked or gone stale meanwhile changes nothing.
import type { Deps } from '../../deps.ts';
import type { Guard } from '../../db/store.ts';
import { StepUpRequired } from '../../errors.ts';
import type { Session } from './sessions.ts';

export const STEP_UP_MAX_AGE_MS = 5 * 60_000;
export const FRESH_GUARD = 'session_fresh';

export const stepUpRequired = () => new StepUpRequired(STEP_UP_MAX_AGE_MS / 1000);

/** Throws step-up-required unless the session authenticated within the window. */
export function assertFresh(deps: Deps, session: Pick<Session, 'authAt'>): void {
  if (deps.clock.now() - session.authAt >= STEP_UP_MAX_AGE_MS) throw stepUpRequired();
}

/** The commit-time half: the session row still exists and is still fresh. */
export function freshGuard(deps: Deps, session: Pick<Session, 'idHash'>): Guard {
  return {
    name: FRESH_GUARD,
    exists: deps.store.db
      .selectFrom('sessions')
      .select('id_hash')
      .where('id_hash', '=', session.idHash)
      .where('auth_at', '>', deps.clock.now() - STEP_UP_MAX_AGE_MS),
  };
}

/** For commitOr: a lost freshness guard is a step-up-required answer, like the early check's. */
export function onStaleSession(guard: string): void {
  if (guard === FRESH_GUARD) throw stepUpRequired();
}
