// The step-up ceremony: a passkey assertion over a single-use challenge bound to the
// signed-in consumer, by one of their own passkeys, with user verification. Success
// refreshes the session's auth_at in the same commit that spends the challenge; every
// failure burns the challenge and is audited with its reason.
import { checkAssertion } from './passkey-assertion.ts';
import { generateAuthenticationOptions, type AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { Deps } from '../../deps.ts';
import type { ChallengeRow } from '../../db/schema.ts';
import { fromB64u } from '../../crypto/encoding.ts';
import { newId } from '../../crypto/random.ts';
import { Conflict, Forbidden, Unauthorized } from '../../errors.ts';
import { commit, commitOr } from '../audit/commit.ts';
import { CHALLENGE_GONE, consumeChallenge, lookupChallenge, storeChallenge } from './challenges.ts';
import { relyingParty } from './relying-party.ts';
import type { Session } from './sessions.ts';

export async function stepUpOptions(deps: Deps, session: Session) {
  const own = await deps.store.db.selectFrom('passkeys').select(['id', 'transports']).where('consumer_id', '=', session.subjectId).execute();
  if (own.length === 0) {
    // Possible after every passkey was removed with recovery codes left: a recovery-code sign-in is fresh for five minutes.
    throw new Conflict('This account has no passkey to confirm with. Sign in again with a recovery code, then add a passkey within five minutes.');
  }
  const options = await generateAuthenticationOptions({
    rpID: relyingParty(deps).rpID,
    userVerification: 'required',
    challenge: fromB64u(newId() + newId()),
    // Only this consumer's own passkeys: the browser offers no other account's.
    allowCredentials: own.map((p) => ({ id: p.id, transports: p.transports ? JSON.parse(p.transports) : undefined })),
  });
  await commit(deps, { writes: storeChallenge(deps, options.challenge, 'step_up', { consumerId: session.subjectId }) });
  return options;
}

async function refuse(deps: Deps, row: ChallengeRow, session: Session, reason: string): Promise<never> {
  await commit(deps, {
    writes: row.used_at === null ? [consumeChallenge(deps, row).write] : [],
    audit: [
      {
        action: 'session.stepped_up',
        outcome: 'denied',
        actor_type: 'consumer',
        actor_id: session.subjectId,
        consumer_id: session.subjectId,
        reason,
        detail: { session: session.publicId },
      },
    ],
  });
  throw new Forbidden('The passkey could not confirm it is you. Try again with a passkey of this account.');
}

/** Verifies a step-up assertion; returns the session as it now is (fresh). */
export async function verifyStepUp(deps: Deps, session: Session, response: AuthenticationResponseJSON): Promise<Session> {
  const { challenge, row, problem } = await lookupChallenge(deps, response.response?.clientDataJSON, 'step_up');
  // Another consumer's challenge is as good as unknown here: nothing of theirs is touched or told.
  if (!row || row.consumer_id !== session.subjectId || (problem && problem !== 'used')) throw new Unauthorized(CHALLENGE_GONE);
  if (problem === 'used') return refuse(deps, row, session, 'challenge_used');
  const db = deps.store.db;
  const passkey =
    typeof response.id === 'string'
      ? await db.selectFrom('passkeys').selectAll().where('id', '=', response.id).where('consumer_id', '=', session.subjectId).executeTakeFirst()
      : undefined;
  if (!passkey) return refuse(deps, row, session, 'not_own_credential');
  if (response.response.userHandle && response.response.userHandle !== session.subjectId) return refuse(deps, row, session, 'user_handle_mismatch');

  const checked = await checkAssertion(deps, response, challenge, passkey);
  if (!checked.ok) return refuse(deps, row, session, checked.reason);
  const newCounter = checked.newCounter;

  const now = deps.clock.now();
  const consume = consumeChallenge(deps, row);
  await commitOr(
    deps,
    {
      guards: [
        consume.guard,
        { name: 'counter_unchanged', exists: db.selectFrom('passkeys').select('id').where('id', '=', passkey.id).where('counter', '=', passkey.counter) },
        // The session may have been revoked from another device meanwhile: then nothing is refreshed.
        { name: 'session_live', changes: db.updateTable('sessions').set({ auth_at: now }).where('id_hash', '=', session.idHash) },
      ],
      writes: [consume.write, db.updateTable('passkeys').set({ counter: newCounter, last_used_at: now }).where('id', '=', passkey.id)],
      audit: [
        {
          action: 'session.stepped_up',
          outcome: 'success',
          actor_type: 'consumer',
          actor_id: session.subjectId,
          consumer_id: session.subjectId,
          detail: { passkey: passkey.id, session: session.publicId },
        },
      ],
    },
    (guard) => {
      if (guard === 'session_live') throw new Unauthorized('This session has ended; sign in again.');
      return refuse(deps, row, session, guard === 'counter_unchanged' ? 'counter_changed' : 'challenge_used');
    },
  );
  return { ...session, authAt: now };
}
