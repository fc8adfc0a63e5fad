// WebAuthn challenges for auditors, kept apart from consumers' so neither can be used
// for the other: random, stored as a hash, single-use, five minutes.
import type { Compilable } from 'kysely';
import type { Deps } from '../../deps.ts';
import { hashSecret } from '../../crypto/hash.ts';
import type { AuditorChallengeRow } from '../../db/schema.ts';
import type { Guard } from '../../db/store.ts';
import { Unauthorized } from '../../errors.ts';
import { CHALLENGE_GONE, CHALLENGE_TTL_MS, challengeFromClientData, challengeProblem } from '../identity/challenges.ts';

export function storeAuditorChallenge(deps: Deps, challenge: string, purpose: AuditorChallengeRow['purpose'], auditorId: string | null) {
  const now = deps.clock.now();
  return [
    deps.store.db.deleteFrom('auditor_challenges').where('expires_at', '<', now - CHALLENGE_TTL_MS),
    deps.store.db.insertInto('auditor_challenges').values({
      challenge_hash: hashSecret(challenge),
      purpose,
      auditor_id: auditorId,
      expires_at: now + CHALLENGE_TTL_MS,
      used_at: null,
    }),
  ];
}

/** The stored challenge a response was signed over, whatever its state. */
export async function lookupAuditorChallenge(deps: Deps, clientDataJSON: unknown, purpose: AuditorChallengeRow['purpose']) {
  const challenge = challengeFromClientData(clientDataJSON);
  const row = await deps.store.db.selectFrom('auditor_challenges').selectAll().where('challenge_hash', '=', hashSecret(challenge)).executeTakeFirst();
  return { challenge, row, problem: challengeProblem(row, purpose, deps.clock.now()) };
}

export async function findAuditorChallenge(deps: Deps, clientDataJSON: unknown, purpose: AuditorChallengeRow['purpose']) {
  const { challenge, row, problem } = await lookupAuditorChallenge(deps, clientDataJSON, purpose);
  if (problem || !row) throw new Unauthorized(CHALLENGE_GONE);
  return { challenge, row };
}

export function consumeAuditorChallenge(deps: Deps, row: AuditorChallengeRow): { guard: Guard; write: Compilable } {
  const db = deps.store.db;
  return {
    guard: {
      name: 'challenge_unused',
      exists: db.selectFrom('auditor_challenges').select('challenge_hash').where('challenge_hash', '=', row.challenge_hash).where('used_at', 'is', null),
    },
    write: db.updateTable('auditor_challenges').set({ used_at: deps.clock.now() }).where('challenge_hash', '=', row.challenge_hash),
  };
}
