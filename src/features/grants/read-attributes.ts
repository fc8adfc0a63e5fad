// The audited read, Trove's hot path: the grant must be active, unexpired, not
// exhausted and its token unrevoked at commit time; the read (or the denial, with its
// reason) is appended to the audit log in the same commit, before any value leaves.
// Its statements are prepared once (src/db/prepared.ts): no query building per read.
import type { Deps } from '../../deps.ts';
import { prepared, rows } from '../../db/prepared.ts';
import type { GrantRow } from '../../db/schema.ts';
import { BRAND_REALM, Forbidden, InvalidToken, NotFound } from '../../errors.ts';
import { commit, commitOr } from '../audit/commit.ts';
import { openGrantedAttributes } from '../profile/attribute-values.ts';
import { INTENTS } from './authorization-details.ts';
import { countReadIfAllowed, grantProblem, type DenyReason } from './grant-state.ts';

export type Reader = { brandId: string; jti: string };

async function deny(deps: Deps, reader: Reader, grant: GrantRow, reason: DenyReason): Promise<never> {
  await commit(deps, {
    audit: [
      {
        action: 'grant.read',
        outcome: 'denied',
        actor_type: 'brand',
        actor_id: reader.brandId,
        brand_id: reader.brandId,
        consumer_id: grant.consumer_id,
        grant_id: grant.id,
        attributes: JSON.parse(grant.attributes) as string[],
        purpose: grant.purpose,
        reason,
      },
    ],
  });
  // The token itself no longer counts (revoked, or its brand disabled): 401 invalid_token with
  // the RFC 6750 challenge. The grant ended (revoked, expired, exhausted): 403 with the reason.
  if (reason === 'token_revoked' || reason === 'brand_disabled') {
    throw new InvalidToken(BRAND_REALM, reason === 'token_revoked' ? 'The access token was revoked.' : 'This brand is disabled.');
  }
  throw new Forbidden(`This grant cannot be read: ${reason.replace('_', ' ')}.`, { reason });
}

// Scalar subqueries rather than joins: SQLite answers them as three primary-key lookups.
const grantState = prepared((db, p: { grantId: string; jti: string; brandId: string }) =>
  db
    .selectFrom('grants')
    .selectAll('grants')
    .select((eb) => [
      eb.selectFrom('access_tokens').select('jti').where('jti', '=', p.jti).as('token_jti'),
      eb.selectFrom('access_tokens').select('revoked_at').where('jti', '=', p.jti).as('token_revoked_at'),
      eb.selectFrom('brands').select('status').where('id', '=', p.brandId).as('brand_status'),
    ])
    .where('grants.id', '=', p.grantId),
);

// The consumer's wrapped key and sealed values, found through the grant so that all
// three reads can go to the database together (one round trip on PostgreSQL). They are
// opened only once the grant has been found usable by this brand.
const keyOfGrant = prepared((db, p: { grantId: string }) =>
  db
    .selectFrom('consumers')
    .select(['data_key_wrapped', 'data_key_nonce', 'kek_version'])
    .where('id', '=', (eb) => eb.selectFrom('grants').select('consumer_id').where('id', '=', p.grantId))
    .where('status', '=', 'active'),
);
const valuesOfGrant = prepared((db, p: { grantId: string }) =>
  db
    .selectFrom('attributes')
    .select(['name', 'persona', 'ciphertext', 'nonce', 'version'])
    .where('consumer_id', '=', (eb) => eb.selectFrom('grants').select('consumer_id').where('id', '=', p.grantId)),
);

type State = { grant: GrantRow; reason: DenyReason | null };

/** Why the read must be refused, from the grant row with its token's and brand's state. */
function problemOf(
  deps: Deps,
  row: (GrantRow & { token_jti: string | null; token_revoked_at: number | null; brand_status: string | null }) | undefined,
): State | null {
  if (!row) return null;
  const { token_jti, token_revoked_at, brand_status, ...grant } = row;
  const reason =
    grantProblem(grant, deps.clock.now()) ??
    (token_jti === null || token_revoked_at !== null ? 'token_revoked' : null) ??
    (brand_status !== 'active' ? 'brand_disabled' : null);
  return { grant, reason };
}

async function currentProblem(deps: Deps, reader: Reader, grantId: string): Promise<State | null> {
  const [row] = await rows(deps.store.db, grantState(deps.store.db, { grantId, jti: reader.jti, brandId: reader.brandId }));
  return problemOf(deps, row);
}

export async function readGrant(deps: Deps, reader: Reader, grantId: string) {
  const db = deps.store.db;
  const [states, keys, sealed] = await deps.store.readAll([
    grantState(db, { grantId, jti: reader.jti, brandId: reader.brandId }),
    keyOfGrant(db, { grantId }),
    valuesOfGrant(db, { grantId }),
  ]);
  const current = problemOf(deps, states[0]);
  // Another brand's grant does not exist, as far as this brand can tell.
  if (!current || current.grant.brand_id !== reader.brandId) throw new NotFound('No such grant.');
  const { grant, reason } = current;
  if (reason) return deny(deps, reader, grant, reason);

  const names = (JSON.parse(grant.attributes) as string[]).filter((n) => n !== INTENTS);
  const values = openGrantedAttributes(deps, grant.consumer_id, keys[0], sealed, names, grant.persona ?? '');
  const out: Record<string, unknown> = {};
  for (const [name, value] of values) out[name] = JSON.parse(value);
  const lost = await commitOr(
    deps,
    {
      guards: [countReadIfAllowed(deps, grant, reader.jti, reader.brandId)],
      audit: [
        {
          action: 'grant.read',
          outcome: 'success',
          actor_type: 'brand',
          actor_id: reader.brandId,
          brand_id: reader.brandId,
          consumer_id: grant.consumer_id,
          grant_id: grant.id,
          attributes: Object.keys(out),
          purpose: grant.purpose,
        },
      ],
    },
    () => 'lost' as const,
  );
  if (lost === 'lost') {
    // The grant changed between our check and the commit (e.g. revoked a moment ago).
    const again = (await currentProblem(deps, reader, grantId))!;
    return deny(deps, reader, again.grant, again.reason ?? 'revoked');
  }
  return {
    sub: grant.subject,
    grant_id: grant.id,
    persona: grant.persona,
    attributes: out,
    missing: names.filter((n) => !(n in out)),
  };
}
