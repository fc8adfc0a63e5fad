// Recovery codes: ten single-use codes (100 random bits each), shown once, stored only
// as hashes. Generating a new set replaces the old one and needs a fresh session
// (step-up); each code signs in once, and that sign-in counts as fresh, so someone who
// lost every passkey can add a new one.
import type { Deps } from '../../deps.ts';
import { hashSecret } from '../../crypto/hash.ts';
import { randomBytes } from '../../crypto/random.ts';
import { Unauthorized } from '../../errors.ts';
import { commit, commitOr } from '../audit/commit.ts';
import { newSession, RECOVERY_CREDENTIAL, type Session } from './sessions.ts';
import { assertFresh, freshGuard, stepUpRequired } from './step-up.ts';

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: no I, L, O, U

function newCode(): string {
  const bytes = randomBytes(20);
  const chars = Array.from(bytes, (b) => ALPHABET[b & 31]).join(''); // 20 × 5 bits = 100 bits
  return chars.match(/.{5}/g)!.join('-');
}

/** Upper-cases, strips separators and maps look-alikes, so a code typed by hand still matches. */
export function normaliseCode(input: string): string {
  const clean = input.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  return clean.match(/.{1,5}/g)?.join('-') ?? '';
}

export async function generateRecoveryCodes(deps: Deps, session: Session): Promise<string[]> {
  assertFresh(deps, session);
  const consumerId = session.subjectId;
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode);
  const now = deps.clock.now();
  await commitOr(
    deps,
    {
      guards: [freshGuard(deps, session)],
      writes: [
        deps.store.db.deleteFrom('recovery_codes').where('consumer_id', '=', consumerId),
        deps.store.db
          .insertInto('recovery_codes')
          .values(codes.map((c) => ({ code_hash: hashSecret(c), consumer_id: consumerId, created_at: now, used_at: null }))),
      ],
      audit: [
        {
          action: 'recovery_codes.generated',
          outcome: 'success',
          actor_type: 'consumer',
          actor_id: consumerId,
          consumer_id: consumerId,
          detail: { count: codes.length },
        },
      ],
    },
    () => {
      throw stepUpRequired();
    },
  );
  return codes;
}

export async function unusedRecoveryCodes(deps: Deps, consumerId: string): Promise<number> {
  const rows = await deps.store.db
    .selectFrom('recovery_codes')
    .select('code_hash')
    .where('consumer_id', '=', consumerId)
    .where('used_at', 'is', null)
    .execute();
  return rows.length;
}

/** Signs in with a recovery code, consuming it; returns the new session id. */
export async function signInWithRecoveryCode(deps: Deps, code: string, previousSessionHash?: string, device: string | null = null) {
  const db = deps.store.db;
  const codeHash = hashSecret(normaliseCode(code));
  const row = await db.selectFrom('recovery_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
  const consumer = row && (await db.selectFrom('consumers').select('id').where('id', '=', row.consumer_id).where('status', '=', 'active').executeTakeFirst());
  if (!row || row.used_at !== null || !consumer) return refuse(deps, row?.consumer_id ?? null, row ? 'recovery_code_used' : 'recovery_code_unknown');
  const session = newSession(deps, 'consumer', row.consumer_id, { credential: RECOVERY_CREDENTIAL, device });
  await commitOr(
    deps,
    {
      guards: [
        {
          name: 'recovery_code_unused',
          exists: db.selectFrom('recovery_codes').select('code_hash').where('code_hash', '=', codeHash).where('used_at', 'is', null),
        },
      ],
      writes: [
        db.updateTable('recovery_codes').set({ used_at: deps.clock.now() }).where('code_hash', '=', codeHash),
        ...(previousSessionHash ? [db.deleteFrom('sessions').where('id_hash', '=', previousSessionHash)] : []),
        session.insert,
      ],
      audit: [
        {
          action: 'session.signed_in',
          outcome: 'success',
          actor_type: 'consumer',
          actor_id: row.consumer_id,
          consumer_id: row.consumer_id,
          detail: { method: 'recovery_code' },
        },
      ],
    },
    () => refuse(deps, row.consumer_id, 'recovery_code_used'),
  ); // a concurrent sign-in used it first
  return { consumerId: row.consumer_id, sessionId: session.rawId };
}

async function refuse(deps: Deps, consumerId: string | null, reason: string): Promise<never> {
  await commit(deps, {
    audit: [
      {
        action: 'session.signed_in',
        outcome: 'denied',
        actor_type: 'consumer',
        actor_id: consumerId,
        consumer_id: consumerId,
        reason,
        detail: { method: 'recovery_code' },
      },
    ],
  });
  throw new Unauthorized('That recovery code is not valid.');
}
