// WebAuthn challenges: random, stored only as a hash, single-use and valid for five
// minutes. The verify step finds its challenge from the signed clientDataJSON and
// consumes it in the same commit that acts on it, so a replay can never succeed.
import type { Compilable } from 'kysely';
import type { Deps } from '../../deps.ts';
import { fromB64u, fromUtf8 } from '../../crypto/encoding.ts';
import { hashSecret } from '../../crypto/hash.ts';
import type { ChallengeRow } from '../../db/schema.ts';
import type { Guard } from '../../db/store.ts';
import { InvalidField, Unauthorized } from '../../errors.ts';

export const CHALLENGE_TTL_MS = 5 * 60_000;

export function storeChallenge(deps: Deps, challenge: string, purpose: ChallengeRow['purpose'], extra: { userId?: string; consumerId?: string } = {}) {
  const now = deps.clock.now();
  return [
    deps.store.db.deleteFrom('webauthn_challenges').where('expires_at', '<', now - CHALLENGE_TTL_MS),
    deps.store.db.insertInto('webauthn_challenges').values({
      challenge_hash: hashSecret(challenge),
      purpose,
      user_id: extra.userId ?? null,
      consumer_id: extra.consumerId ?? null,
      expires_at: now + CHALLENGE_TTL_MS,
      used_at: null,
    }),
  ];
}

/** The challenge a WebAuthn response says it signed (checked against storage by the caller). */
export function challengeFromClientData(clientDataJSON: unknown): string {
  try {
    const data = JSON.parse(fromUtf8.decode(fromB64u(String(clientDataJSON)))) as { challenge?: unknown };
    if (typeof data.challenge !== 'string') throw new Error('no challenge');
    return data.challenge;
  } catch {
    throw new InvalidField('response.clientDataJSON', 'is not base64url-encoded client data with a challenge');
  }
}

export const CHALLENGE_GONE = 'The challenge is unknown, used or expired; start again.';

/** Why a stored challenge cannot be used for `purpose` now, or null when it can. A used
 *  one is told apart because presenting it again is a replay that sign-in audits. */
export function challengeProblem(row: { purpose: string; used_at: number | null; expires_at: number } | undefined, purpose: string, now: number) {
  if (!row || row.purpose !== purpose) return 'unknown' as const;
  if (row.used_at !== null) return 'used' as const;
  return row.expires_at <= now ? ('expired' as const) : null;
}

/** The stored challenge a response was signed over, whatever its state. */
export async function lookupChallenge(deps: Deps, clientDataJSON: unknown, purpose: ChallengeRow['purpose']) {
  const challenge = challengeFromClientData(clientDataJSON);
  const row = await deps.store.db.selectFrom('webauthn_challenges').selectAll().where('challenge_hash', '=', hashSecret(challenge)).executeTakeFirst();
  return { challenge, row, problem: challengeProblem(row, purpose, deps.clock.now()) };
}

/** The challenge a response was signed over; it must be ours, unused and unexpired. */
export async function findChallenge(deps: Deps, clientDataJSON: unknown, purpose: ChallengeRow['purpose']) {
  const { challenge, row, problem } = await lookupChallenge(deps, clientDataJSON, purpose);
  if (problem || !row) throw new Unauthorized(CHALLENGE_GONE);
  return { challenge, row };
}

/** Guard + write that consume the challenge exactly once, inside the commit that uses it. */
export function consumeChallenge(deps: Deps, row: ChallengeRow): { guard: Guard; write: Compilable } {
  const db = deps.store.db;
  return {
    guard: {
      name: 'challenge_unused',
      exists: db.selectFrom('webauthn_challenges').select('challenge_hash').where('challenge_hash', '=', row.challenge_hash).where('used_at', 'is', null),
    },
    write: db.updateTable('webauthn_challenges').set({ used_at: deps.clock.now() }).where('challenge_hash', '=', row.challenge_hash),
  };
}
