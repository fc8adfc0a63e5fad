// The token endpoint's grant types: authorization_code (PKCE S256, exact redirect URI,
// single use; a replayed code revokes everything it issued), refresh_token (rotated;
// reuse of an old one revokes the family) and client_credentials (brand-level token).
// A replay that loses a race at commit counts as a replay all the same (RFC 9700 4.14).
import type { Deps } from '../../deps.ts';
import type { BrandRow, GrantRow } from '../../db/schema.ts';
import { constantTimeEqual, hashSecret, sha256Hex } from '../../crypto/hash.ts';
import { newSecret } from '../../crypto/random.ts';
import { toB64u } from '../../crypto/encoding.ts';
import { OAuthError } from '../../errors.ts';
import { createHash } from 'node:crypto';
import { commit, commitOr } from '../audit/commit.ts';
import { mintAccessToken } from './access-token.ts';
import { grantProblem, grantUsable, revokeFamilyWrites } from './grant-state.ts';

type Form = Record<string, string | undefined>;
const invalidGrant = (why: string) => new OAuthError('invalid_grant', why);

function grantedDetails(grant: GrantRow) {
  const requested = JSON.parse(grant.requested) as { attributes: string[]; optional_attributes: string[] };
  return [
    {
      type: 'trove_attributes',
      attributes: JSON.parse(grant.attributes) as string[],
      requested_attributes: requested.attributes,
      requested_optional_attributes: requested.optional_attributes,
      persona: grant.persona ?? undefined,
      purpose: grant.purpose,
      access: grant.access,
      expires_at: new Date(grant.expires_at).toISOString(),
      ...(grant.retention ? { retention: grant.retention } : {}),
    },
  ];
}

async function usableGrant(deps: Deps, grantId: string): Promise<GrantRow> {
  const grant = await deps.store.db.selectFrom('grants').selectAll().where('id', '=', grantId).executeTakeFirst();
  const problem = grant ? grantProblem(grant, deps.clock.now()) : 'revoked';
  if (!grant || problem) throw invalidGrant(`The grant is ${problem}.`);
  return grant;
}

type Issue = {
  guards: ReturnType<typeof grantUsable>[];
  writes: unknown[];
  action: 'token.issued' | 'token.refreshed';
  /** A guard of this exchange lost to a concurrent one (the grant's own guard is handled here). */
  lost(guard: string): Promise<never>;
};

async function issue(deps: Deps, brand: BrandRow, grant: GrantRow, familyId: string, extra: Issue) {
  const details = grantedDetails(grant);
  const access = await mintAccessToken(deps, { brandId: brand.id, sub: grant.subject, grantId: grant.id, details, familyId });
  const refresh = grant.access === 'ongoing' ? newSecret('trv_rt') : null;
  const now = deps.clock.now();
  await commitOr(
    deps,
    {
      guards: [grantUsable(deps, grant.id), ...extra.guards],
      writes: [
        ...(extra.writes as never[]),
        access.insert,
        ...(refresh
          ? [
              deps.store.db.insertInto('refresh_tokens').values({
                token_hash: hashSecret(refresh),
                family_id: familyId,
                grant_id: grant.id,
                brand_id: brand.id,
                created_at: now,
                expires_at: grant.expires_at,
                rotated_at: null,
                revoked_at: null,
              }),
            ]
          : []),
      ],
      audit: [
        {
          action: extra.action,
          outcome: 'success',
          actor_type: 'brand',
          actor_id: brand.id,
          brand_id: brand.id,
          grant_id: grant.id,
          consumer_id: grant.consumer_id,
        },
      ],
    },
    (guard) => {
      // The grant ended (revoked, expired, used up) between the checks and the commit.
      if (guard === 'grant_usable') throw invalidGrant('The grant is no longer usable.');
      return extra.lost(guard);
    },
  );
  const receipt = await deps.store.db.selectFrom('receipts').select('id').where('grant_id', '=', grant.id).where('event', '=', 'granted').executeTakeFirst();
  return {
    access_token: access.token,
    token_type: 'Bearer',
    expires_in: access.expiresIn,
    ...(refresh ? { refresh_token: refresh } : {}),
    authorization_details: details,
    grant_id: grant.id,
    ...(receipt ? { receipt_id: receipt.id } : {}),
  };
}

export async function authorizationCodeGrant(deps: Deps, brand: BrandRow, form: Form) {
  if (!form.code || !form.redirect_uri || !form.code_verifier) throw new OAuthError('invalid_request', 'code, redirect_uri and code_verifier are required.');
  const db = deps.store.db;
  const codeHash = hashSecret(form.code);
  const row = await db.selectFrom('auth_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
  if (!row || row.brand_id !== brand.id) throw invalidGrant('Unknown authorization code.');
  if (row.used_at !== null) return codeReplayed(deps, brand, row);
  if (row.expires_at <= deps.clock.now()) throw invalidGrant('The authorization code has expired.');
  if (form.redirect_uri !== row.redirect_uri) throw invalidGrant('redirect_uri does not match the authorization request.');
  if (!/^[A-Za-z0-9._~-]{43,128}$/.test(form.code_verifier)) throw invalidGrant('code_verifier is malformed.');
  const challenge = toB64u(createHash('sha256').update(form.code_verifier).digest());
  if (!constantTimeEqual(challenge, row.code_challenge)) throw invalidGrant('code_verifier does not match the code challenge.');
  const grant = await usableGrant(deps, row.grant_id);
  return issue(deps, brand, grant, codeHash, {
    guards: [{ name: 'code_unused', exists: db.selectFrom('auth_codes').select('code_hash').where('code_hash', '=', codeHash).where('used_at', 'is', null) }],
    writes: [db.updateTable('auth_codes').set({ used_at: deps.clock.now() }).where('code_hash', '=', codeHash)],
    action: 'token.issued',
    // A concurrent exchange of the same code committed first: this one is the replay.
    lost: () => codeReplayed(deps, brand, row),
  });
}

async function codeReplayed(deps: Deps, brand: BrandRow, row: { code_hash: string; grant_id: string }): Promise<never> {
  await commit(deps, {
    writes: revokeFamilyWrites(deps, row.code_hash),
    audit: [
      {
        action: 'token.code_replayed',
        outcome: 'denied',
        actor_type: 'brand',
        actor_id: brand.id,
        brand_id: brand.id,
        grant_id: row.grant_id,
        reason: 'code_reused',
      },
    ],
  });
  throw invalidGrant('This authorization code was already used; the tokens it issued are revoked.');
}

async function refreshReused(deps: Deps, brand: BrandRow, row: { family_id: string; grant_id: string; revoked_at: number | null }): Promise<never> {
  await commit(deps, {
    writes: revokeFamilyWrites(deps, row.family_id),
    audit: [
      {
        action: 'token.refresh_reused',
        outcome: 'denied',
        actor_type: 'brand',
        actor_id: brand.id,
        brand_id: brand.id,
        grant_id: row.grant_id,
        reason: row.revoked_at !== null ? 'token_revoked' : 'token_reused',
      },
    ],
  });
  throw invalidGrant('This refresh token is no longer valid; its family is revoked.');
}

export async function refreshTokenGrant(deps: Deps, brand: BrandRow, form: Form) {
  if (!form.refresh_token) throw new OAuthError('invalid_request', 'refresh_token is required.');
  const db = deps.store.db;
  const tokenHash = hashSecret(form.refresh_token);
  const row = await db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  if (!row || row.brand_id !== brand.id) throw invalidGrant('Unknown refresh token.');
  if (row.rotated_at !== null || row.revoked_at !== null) return refreshReused(deps, brand, row);
  if (row.expires_at <= deps.clock.now()) throw invalidGrant('The refresh token has expired.');
  const grant = await usableGrant(deps, row.grant_id);
  return issue(deps, brand, grant, row.family_id, {
    guards: [
      {
        name: 'refresh_unused',
        exists: db
          .selectFrom('refresh_tokens')
          .select('token_hash')
          .where('token_hash', '=', tokenHash)
          .where('rotated_at', 'is', null)
          .where('revoked_at', 'is', null),
      },
    ],
    writes: [db.updateTable('refresh_tokens').set({ rotated_at: deps.clock.now() }).where('token_hash', '=', tokenHash)],
    action: 'token.refreshed',
    // A concurrent refresh (or revocation) of the same token committed first: a reuse.
    lost: async () => {
      const now = await db.selectFrom('refresh_tokens').select('revoked_at').where('token_hash', '=', tokenHash).executeTakeFirst();
      return refreshReused(deps, brand, { ...row, revoked_at: now?.revoked_at ?? null });
    },
  });
}

export async function clientCredentialsGrant(deps: Deps, brand: BrandRow, form: Form) {
  if (form.scope || form.authorization_details) throw new OAuthError('invalid_request', 'client_credentials takes no scope or authorization_details.');
  const access = await mintAccessToken(deps, { brandId: brand.id, sub: brand.id, familyId: sha256Hex(`cc|${brand.id}`) });
  await commit(deps, {
    writes: [access.insert],
    audit: [
      { action: 'token.issued', outcome: 'success', actor_type: 'brand', actor_id: brand.id, brand_id: brand.id, detail: { grant_type: 'client_credentials' } },
    ],
  });
  return { access_token: access.token, token_type: 'Bearer', expires_in: access.expiresIn };
}
