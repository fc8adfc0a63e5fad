// Usernameless passkey sign-in: options with an empty allow-list (discoverable
// credentials), then verification against the stored public key and counter. Success
// rotates the session (the new one remembers this passkey opened it); every failure is
// audited with its reason.
import { checkAssertion } from './passkey-assertion.ts';
import { generateAuthenticationOptions, type AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { Deps } from '../../deps.ts';
import type { ChallengeRow } from '../../db/schema.ts';
import { fromB64u } from '../../crypto/encoding.ts';
import { newId } from '../../crypto/random.ts';
import { Unauthorized } from '../../errors.ts';
import { commit, commitOr } from '../audit/commit.ts';
import { CHALLENGE_GONE, consumeChallenge, lookupChallenge, storeChallenge } from './challenges.ts';
import { relyingParty } from './relying-party.ts';
import { newSession } from './sessions.ts';

export async function signInOptions(deps: Deps) {
  const options = await generateAuthenticationOptions({
    rpID: relyingParty(deps).rpID,
    userVerification: 'required',
    challenge: fromB64u(newId() + newId()),
    allowCredentials: [],
  });
  await commit(deps, { writes: storeChallenge(deps, options.challenge, 'login') });
  return options;
}

/** Audits the failure and burns the challenge, so one challenge allows one attempt. */
async function refuse(deps: Deps, row: ChallengeRow, reason: string, consumerId: string | null): Promise<never> {
  await commit(deps, {
    writes: row.used_at === null ? [consumeChallenge(deps, row).write] : [],
    audit: [
      {
        action: 'session.signed_in',
        outcome: 'denied',
        actor_type: 'consumer',
        actor_id: consumerId,
        consumer_id: consumerId,
        reason,
        detail: { method: 'passkey' },
      },
    ],
  });
  throw new Unauthorized('Sign-in failed. Try again with a passkey registered here.');
}

export async function verifySignIn(deps: Deps, response: AuthenticationResponseJSON, previousSessionHash?: string, device: string | null = null) {
  const _rp = relyingParty(deps);
  const { challenge, row, problem } = await lookupChallenge(deps, response.response?.clientDataJSON, 'login');
  if (!row || (problem && problem !== 'used')) throw new Unauthorized(CHALLENGE_GONE);
  const db = deps.store.db;
  const passkey = typeof response.id === 'string' ? await db.selectFrom('passkeys').selectAll().where('id', '=', response.id).executeTakeFirst() : undefined;
  // An assertion over a challenge already spent is a replay (or a double submit that lost
  // the race): refused like the loser at commit, and audited the same way.
  if (problem === 'used') return refuse(deps, row, 'challenge_used', passkey?.consumer_id ?? null);
  if (!passkey) return refuse(deps, row, 'unknown_credential', null);
  const consumer = await db.selectFrom('consumers').select('id').where('id', '=', passkey.consumer_id).where('status', '=', 'active').executeTakeFirst();
  if (!consumer) return refuse(deps, row, 'consumer_erased', passkey.consumer_id);
  if (response.response.userHandle && response.response.userHandle !== passkey.consumer_id) {
    return refuse(deps, row, 'user_handle_mismatch', passkey.consumer_id);
  }

  const checked = await checkAssertion(deps, response, challenge, passkey);
  if (!checked.ok) return refuse(deps, row, checked.reason, passkey.consumer_id);
  const newCounter = checked.newCounter;

  const consume = consumeChallenge(deps, row);
  const session = newSession(deps, 'consumer', passkey.consumer_id, { credential: passkey.id, device });
  await commitOr(
    deps,
    {
      guards: [
        consume.guard,
        // A concurrent sign-in with a cloned authenticator must not both pass the counter check.
        { name: 'counter_unchanged', exists: db.selectFrom('passkeys').select('id').where('id', '=', passkey.id).where('counter', '=', passkey.counter) },
      ],
      writes: [
        consume.write,
        db.updateTable('passkeys').set({ counter: newCounter, last_used_at: deps.clock.now() }).where('id', '=', passkey.id),
        ...(previousSessionHash ? [db.deleteFrom('sessions').where('id_hash', '=', previousSessionHash)] : []),
        session.insert,
      ],
      audit: [
        {
          action: 'session.signed_in',
          outcome: 'success',
          actor_type: 'consumer',
          actor_id: passkey.consumer_id,
          consumer_id: passkey.consumer_id,
          detail: { method: 'passkey', passkey: passkey.id },
        },
      ],
    },
    (guard) => refuse(deps, row, guard === 'counter_unchanged' ? 'counter_changed' : 'challenge_used', passkey.consumer_id),
  );
  return { consumerId: passkey.consumer_id, sessionId: session.rawId };
}
