// Passkey registration: sign-up (a new consumer with a fresh data key, their first
// passkey and a session opened by it, in one commit) or, when signed in, adding a
// passkey, which needs a fresh session (step-up) at the start and again at commit. The
// challenge is consumed in that same commit.
import { generateRegistrationOptions, verifyRegistrationResponse, type RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Deps } from '../../deps.ts';
import { fromB64u, toB64u } from '../../crypto/encoding.ts';
import { newId } from '../../crypto/random.ts';
import { Unauthorized } from '../../errors.ts';
import { commit, commitOr } from '../audit/commit.ts';
import type { AuditEvent } from '../../db/audit-event.ts';
import { consumeChallenge, findChallenge, storeChallenge } from './challenges.ts';
import { KEK_ACTIVE_GUARD, newConsumer } from './create-consumer.ts';
import { relyingParty } from './relying-party.ts';
import { newSession, type Session } from './sessions.ts';
import { assertFresh, freshGuard, onStaleSession } from './step-up.ts';

export async function registrationOptions(deps: Deps, session: Session | null, input: { name?: string }) {
  const rp = relyingParty(deps);
  const consumerId = session?.subjectId ?? null;
  // Checked before the browser asks anyone to create a passkey that would then be refused.
  if (session) assertFresh(deps, session);
  const existing = consumerId ? await deps.store.db.selectFrom('passkeys').select(['id', 'transports']).where('consumer_id', '=', consumerId).execute() : [];
  const userId = consumerId ?? newId();
  const options = await generateRegistrationOptions({
    rpName: rp.rpName,
    rpID: rp.rpID,
    userID: fromB64u(userId),
    userName: input.name ?? 'Trove member',
    userDisplayName: input.name ?? 'Trove member',
    attestationType: 'none',
    challenge: fromB64u(newId() + newId()),
    excludeCredentials: existing.map((p) => ({ id: p.id, transports: p.transports ? (JSON.parse(p.transports) as string[]) : undefined })),
    authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
    supportedAlgorithmIDs: [-8, -7, -257],
  });
  await commit(deps, { writes: storeChallenge(deps, options.challenge, 'register', { userId, ...(consumerId ? { consumerId } : {}) }) });
  return options;
}

export type RegistrationResult = { consumerId: string; passkeyId: string; created: boolean; sessionId?: string };

export async function verifyRegistration(
  deps: Deps,
  session: Session | null,
  input: { response: RegistrationResponseJSON; name?: string },
  device: string | null = null,
): Promise<RegistrationResult> {
  const rp = relyingParty(deps);
  const { challenge, row } = await findChallenge(deps, input.response.response?.clientDataJSON, 'register');
  const signedInAs = session?.subjectId ?? null;
  if ((row.consumer_id ?? null) !== signedInAs) throw new Unauthorized('This registration was started in another session.');

  let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verified = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      requireUserVerification: true,
    });
  } catch (err) {
    throw new Unauthorized(`The passkey could not be verified: ${err instanceof Error ? err.message : 'invalid response'}`);
  }
  if (!verified.verified) throw new Unauthorized('The passkey could not be verified.');
  const info = verified.registrationInfo;
  const db = deps.store.db;
  const consume = consumeChallenge(deps, row);
  const now = deps.clock.now();

  if (session && signedInAs) {
    assertFresh(deps, session);
    await commitOr(
      deps,
      {
        guards: [consume.guard, freshGuard(deps, session)],
        writes: [consume.write, db.insertInto('passkeys').values(passkeyRow(info, input.name, signedInAs, now))],
        audit: [
          {
            action: 'passkey.added',
            outcome: 'success',
            actor_type: 'consumer',
            actor_id: signedInAs,
            consumer_id: signedInAs,
            detail: { passkey: info.credential.id },
          },
        ],
      },
      (guard) => {
        onStaleSession(guard);
        return challengeSpent();
      },
    );
    return { consumerId: signedInAs, passkeyId: info.credential.id, created: false };
  }
  // Twice at most: a rotation that made another KEK active since this node read the keys
  // fails the first commit on its guard; the keys are re-read and the sign-up goes again.
  for (let attempt = 1; ; attempt++) {
    const consumer = newConsumer(deps, row.user_id ?? undefined);
    const started = newSession(deps, 'consumer', consumer.id, { credential: info.credential.id, device });
    const audit: AuditEvent[] = [
      { action: 'consumer.created', outcome: 'success', actor_type: 'consumer', actor_id: consumer.id, consumer_id: consumer.id },
      {
        action: 'passkey.added',
        outcome: 'success',
        actor_type: 'consumer',
        actor_id: consumer.id,
        consumer_id: consumer.id,
        detail: { passkey: info.credential.id },
      },
      {
        action: 'session.signed_in',
        outcome: 'success',
        actor_type: 'consumer',
        actor_id: consumer.id,
        consumer_id: consumer.id,
        detail: { method: 'passkey_sign_up' },
      },
    ];
    const committed = await commitOr(
      deps,
      {
        guards: [consume.guard, consumer.guard],
        writes: [consume.write, consumer.insert, db.insertInto('passkeys').values(passkeyRow(info, input.name, consumer.id, now)), started.insert],
        audit,
      },
      (guard) => (guard === KEK_ACTIVE_GUARD && attempt === 1 ? null : challengeSpent()),
    );
    if (committed) return { consumerId: consumer.id, passkeyId: info.credential.id, created: true, sessionId: started.rawId };
    await deps.keys.reload(deps.clock.now(), { force: true });
  }
}

/** The same response was verified twice at once (a double submit): the first one won. */
const challengeSpent = (): never => {
  throw new Unauthorized('The challenge is unknown, used or expired; start again.');
};

type Info = Extract<Awaited<ReturnType<typeof verifyRegistrationResponse>>, { verified: true }>['registrationInfo'];

function passkeyRow(info: Info, name: string | undefined, consumerId: string, now: number) {
  return {
    id: info.credential.id,
    consumer_id: consumerId,
    public_key: toB64u(info.credential.publicKey),
    counter: info.credential.counter,
    transports: JSON.stringify(info.credential.transports ?? []),
    name: name ?? 'Passkey',
    device_type: info.credentialDeviceType,
    backed_up: info.credentialBackedUp ? 1 : 0,
    created_at: now,
    last_used_at: null,
  };
}
