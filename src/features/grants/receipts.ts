// Consent receipts: on approval and on revocation, a JWS signed by Trove carrying the
// Kantara Consent Receipt v1.1 / ISO/IEC TS 27560 fields that apply. Anyone with the
// JWKS can verify one offline.
import { iso } from '../iso-time.ts';
import { Buffer } from 'node:buffer';
import type { Deps } from '../../deps.ts';
import type { BrandRow, GrantRow, ReceiptRow } from '../../db/schema.ts';
import { newId } from '../../crypto/random.ts';
import { signJws } from '../../crypto/signing.ts';
import { NotFound } from '../../errors.ts';
import { purposeLabel } from './purposes.ts';
import { termById } from '../terms/roster.ts';

export const RECEIPT_TYP = 'trove-receipt+jwt';

type Brand = Pick<BrandRow, 'id' | 'name' | 'contact' | 'homepage' | 'policy_uri'>;

export async function signReceipt(deps: Deps, grant: GrantRow, brand: Brand, event: 'granted' | 'revoked') {
  const id = newId();
  const now = deps.clock.now();
  const attributes = JSON.parse(grant.attributes) as string[];
  const payload = {
    iss: deps.config.origin,
    iat: Math.floor(now / 1000),
    version: 'KI-CR-v1.1.0',
    consentReceiptID: id,
    consentTimestamp: Math.floor((event === 'granted' ? grant.created_at : now) / 1000),
    collectionMethod: 'Trove consent screen: explicit approval by the data subject, signed in with a passkey',
    language: 'en',
    jurisdiction: 'EU',
    piiPrincipalId: grant.subject,
    piiControllers: [
      {
        piiController: brand.name,
        contact: brand.contact ?? undefined,
        url: brand.homepage ?? undefined,
        privacyPolicy: brand.policy_uri ?? undefined,
        client_id: brand.id,
      },
    ],
    policyUrl: brand.policy_uri ?? undefined,
    services: [
      {
        service: brand.name,
        purposes: [
          {
            purpose: grant.purpose_description,
            purposeCategory: [grant.purpose],
            purposeLabel: purposeLabel(grant.purpose),
            consentType: 'EXPLICIT',
            piiCategory: attributes,
            primaryPurpose: true,
            termination: new Date(grant.expires_at).toISOString(),
            retention: grant.retention ?? undefined,
            thirdPartyDisclosure: false,
            consideration: grant.value_offer ? JSON.parse(grant.value_offer) : undefined,
          },
        ],
      },
    ],
    sensitive: false,
    // The agreement (from the roster of standard terms) the grant was made under.
    ...agreementClaim(deps, grant.agreement),
    spiCat: [],
    event,
    grant_id: grant.id,
    access: grant.access,
    expires_at: new Date(grant.expires_at).toISOString(),
    ...(event === 'revoked' ? { revoked_at: new Date(now).toISOString() } : {}),
  };
  const jws = await signJws(deps.keys.signer, JSON.parse(JSON.stringify(payload)) as Record<string, unknown>, RECEIPT_TYP);
  const insert = deps.store.db
    .insertInto('receipts')
    .values({ id, grant_id: grant.id, consumer_id: grant.consumer_id, event, jws, created_at: now, countersignature: null, countersigned_at: null });
  return { id, jws, insert };
}

function decode(jws: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export async function consumerReceipt(deps: Deps, consumerId: string, id: string) {
  const row = await deps.store.db.selectFrom('receipts').selectAll().where('id', '=', id).where('consumer_id', '=', consumerId).executeTakeFirst();
  if (!row) throw new NotFound('No such receipt.');
  return receiptView(row);
}

/** A receipt as either side holds it: Trove's JWS, and the brand's countersignature once given. */
function receiptView(row: ReceiptRow) {
  return {
    id: row.id,
    grant_id: row.grant_id,
    event: row.event,
    created_at: iso(row.created_at),
    jws: row.jws,
    receipt: decode(row.jws),
    countersignature: row.countersignature,
    countersigned_at: row.countersigned_at === null ? null : iso(row.countersigned_at),
  };
}

export async function listReceipts(deps: Deps, grantId: string) {
  const rows = await deps.store.db.selectFrom('receipts').select(['id', 'event', 'created_at']).where('grant_id', '=', grantId).orderBy('created_at').execute();
  return rows.map((r) => ({ ...r, created_at: iso(r.created_at) }));
}

/** The newest receipt of a grant, for the brand holding it. */
export async function brandReceipt(deps: Deps, brandId: string, grantId: string) {
  const row = await deps.store.db
    .selectFrom('receipts')
    .innerJoin('grants', 'grants.id', 'receipts.grant_id')
    .selectAll('receipts')
    .where('receipts.grant_id', '=', grantId)
    .where('grants.brand_id', '=', brandId)
    .orderBy('receipts.created_at', 'desc')
    .orderBy('receipts.event', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) throw new NotFound('No such grant.');
  return receiptView(row);
}

function agreementClaim(deps: Deps, id: string | null) {
  const t = id ? termById(deps.roster, id) : undefined;
  return t ? { agreement: { id: t.id, title: t.title, source: t.source } } : {};
}
