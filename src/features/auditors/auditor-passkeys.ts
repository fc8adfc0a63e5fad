// Auditors' portal sign-in: a passkey enrolled through the one-time link the operator
// hands over, then usernameless sign-in. User verification is required, counters are
// checked, and every success or failure is an audit event.
import { checkAssertion } from '../identity/passkey-assertion.ts';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Deps } from '../../deps.ts';
import { fromB64u, toB64u } from '../../crypto/encoding.ts';
import { hashSecret } from '../../crypto/hash.ts';
import { newId } from '../../crypto/random.ts';
import type { AuditorChallengeRow } from '../../db/schema.ts';
import { Unauthorized } from '../../errors.ts';
import { commit, commitOr } from '../audit/commit.ts';
import { CHALLENGE_GONE } from '../identity/challenges.ts';
import { relyingParty } from '../identity/relying-party.ts';
import { newSession } from '../identity/sessions.ts';
import { auditorById, type Auditor } from './accounts.ts';
import { consumeAuditorChallenge, findAuditorChallenge, lookupAuditorChallenge, storeAuditorChallenge } from './auditor-challenges.ts';

async function auditorForCode(deps: Deps, code: string) {
  const row = await deps.store.db
    .selectFrom('auditors')
    .select(['id', 'name', 'enrol_hash'])
    .where('enrol_hash', '=', hashSecret(code))
    .where('status', '=', 'active')
    .where('enrol_expires_at', '>', deps.clock.now())
    .executeTakeFirst();
  if (!row) throw new Unauthorized('This enrolment link is unknown, used or expired; ask the operator for a new one.');
  return row;
}

export async function enrolOptions(deps: Deps, code: string) {
  const auditor = await auditorForCode(deps, code);
  const rp = relyingParty(deps);
  const existing = await deps.store.db.selectFrom('auditor_passkeys').select(['id']).where('auditor_id', '=', auditor.id).execute();
  const options = await generateRegistrationOptions({
    rpName: rp.rpName,
    rpID: rp.rpID,
    userID: fromB64u(auditor.id),
    userName: `${auditor.name} (auditor)`,
    userDisplayName: `${auditor.name} (auditor)`,
    attestationType: 'none',
    challenge: fromB64u(newId() + newId()),
    excludeCredentials: existing.map((p) => ({ id: p.id })),
    authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
    supportedAlgorithmIDs: [-8, -7, -257],
  });
  await commit(deps, { writes: storeAuditorChallenge(deps, options.challenge, 'enrol', auditor.id) });
  return options;
}

export async function enrolVerify(deps: Deps, input: { code: string; response: RegistrationResponseJSON; name?: string }) {
  const auditor = await auditorForCode(deps, input.code);
  const { challenge, row } = await findAuditorChallenge(deps, input.response.response?.clientDataJSON, 'enrol');
  if (row.auditor_id !== auditor.id) throw new Unauthorized('This enrolment was started with another link.');
  const rp = relyingParty(deps);
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
  const consume = consumeAuditorChallenge(deps, row);
  const session = newSession(deps, 'auditor', auditor.id, { credential: info.credential.id });
  const now = deps.clock.now();
  await commitOr(
    deps,
    {
      guards: [
        consume.guard,
        { name: 'enrol_code_unused', exists: db.selectFrom('auditors').select('id').where('id', '=', auditor.id).where('enrol_hash', '=', auditor.enrol_hash) },
      ],
      writes: [
        consume.write,
        db.updateTable('auditors').set({ enrol_hash: null, enrol_expires_at: null }).where('id', '=', auditor.id),
        db.insertInto('auditor_passkeys').values({
          id: info.credential.id,
          auditor_id: auditor.id,
          public_key: toB64u(info.credential.publicKey),
          counter: info.credential.counter,
          transports: JSON.stringify(info.credential.transports ?? []),
          name: input.name ?? 'Passkey',
          created_at: now,
          last_used_at: null,
        }),
        session.insert,
      ],
      audit: [
        { action: 'auditor.passkey_added', outcome: 'success', actor_type: 'auditor', actor_id: auditor.id, detail: { passkey: info.credential.id } },
        { action: 'session.signed_in', outcome: 'success', actor_type: 'auditor', actor_id: auditor.id, detail: { method: 'passkey_enrol' } },
      ],
    },
    () => {
      // A concurrent enrolment with the same link committed first.
      throw new Unauthorized('This enrolment link is unknown, used or expired; ask the operator for a new one.');
    },
  );
  return { auditor: (await auditorById(deps, auditor.id))!, sessionId: session.rawId };
}

export async function auditorSignInOptions(deps: Deps) {
  const options = await generateAuthenticationOptions({
    rpID: relyingParty(deps).rpID,
    userVerification: 'required',
    challenge: fromB64u(newId() + newId()),
    allowCredentials: [],
  });
  await commit(deps, { writes: storeAuditorChallenge(deps, options.challenge, 'login', null) });
  return options;
}

async function refuse(deps: Deps, row: AuditorChallengeRow, reason: string, auditorId: string | null): Promise<never> {
  await commit(deps, {
    writes: row.used_at === null ? [consumeAuditorChallenge(deps, row).write] : [],
    audit: [{ action: 'session.signed_in', outcome: 'denied', actor_type: 'auditor', actor_id: auditorId, reason, detail: { method: 'passkey' } }],
  });
  throw new Unauthorized('Sign-in failed. Use the passkey you enrolled as an auditor.');
}

export async function auditorSignIn(
  deps: Deps,
  response: AuthenticationResponseJSON,
  previousSessionHash?: string,
): Promise<{ auditor: Auditor; sessionId: string }> {
  const { challenge, row, problem } = await lookupAuditorChallenge(deps, response.response?.clientDataJSON, 'login');
  if (!row || (problem && problem !== 'used')) throw new Unauthorized(CHALLENGE_GONE);
  const db = deps.store.db;
  const passkey = await db.selectFrom('auditor_passkeys').selectAll().where('id', '=', response.id).executeTakeFirst();
  // A spent challenge presented again is a replay: refused and audited like any failure.
  if (problem === 'used') return refuse(deps, row, 'challenge_used', passkey?.auditor_id ?? null);
  if (!passkey) return refuse(deps, row, 'unknown_credential', null);
  const auditor = await auditorById(deps, passkey.auditor_id);
  if (!auditor) return refuse(deps, row, 'auditor_disabled', passkey.auditor_id);
  if (response.response.userHandle && response.response.userHandle !== passkey.auditor_id) return refuse(deps, row, 'user_handle_mismatch', passkey.auditor_id);
  const checked = await checkAssertion(deps, response, challenge, { ...passkey, transports: null });
  if (!checked.ok) return refuse(deps, row, checked.reason, passkey.auditor_id);
  const newCounter = checked.newCounter;
  const consume = consumeAuditorChallenge(deps, row);
  const session = newSession(deps, 'auditor', auditor.id, { credential: passkey.id });
  await commitOr(
    deps,
    {
      guards: [
        consume.guard,
        {
          name: 'counter_unchanged',
          exists: db.selectFrom('auditor_passkeys').select('id').where('id', '=', passkey.id).where('counter', '=', passkey.counter),
        },
      ],
      writes: [
        consume.write,
        db.updateTable('auditor_passkeys').set({ counter: newCounter, last_used_at: deps.clock.now() }).where('id', '=', passkey.id),
        ...(previousSessionHash ? [db.deleteFrom('sessions').where('id_hash', '=', previousSessionHash)] : []),
        session.insert,
      ],
      audit: [
        { action: 'session.signed_in', outcome: 'success', actor_type: 'auditor', actor_id: auditor.id, detail: { method: 'passkey', passkey: passkey.id } },
      ],
    },
    (guard) => refuse(deps, row, guard === 'counter_unchanged' ? 'counter_changed' : 'challenge_used', passkey.auditor_id),
  );
  return { auditor, sessionId: session.rawId };
}
