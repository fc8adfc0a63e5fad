// Matching records (issue 24, after IEEE 7012): the brand countersigns the consent receipt,
// so both sides hold the same record. A private_key_jwt brand sends its own JWS (typ
// trove-receipt-ack+jwt, iss its client id, aud Trove's origin) over the receipt's id and
// SHA-256, verified with its registered keys; a secret-based brand, whose secret signs
// nothing, acknowledges by an authenticated call, which Trove records as a JWS of its own
// naming the brand. Once given, a countersignature is never replaced.
import { createHash } from 'node:crypto';
import * as jose from 'jose';
import type { Deps } from '../../deps.ts';
import { signJws } from '../../crypto/signing.ts';
import { BadRequest, Conflict, GuardFailed, NotFound } from '../../errors.ts';
import { commit } from '../audit/commit.ts';
import { brandKeys } from '../brands/client-auth.ts';

export const ACK_TYP = 'trove-receipt-ack+jwt';

export const receiptHash = (jws: string): string => createHash('sha256').update(jws).digest('base64url');

export async function countersignReceipt(deps: Deps, brandId: string, grantId: string, input: { jws?: string }) {
  const db = deps.store.db;
  const brand = await db.selectFrom('brands').selectAll().where('id', '=', brandId).executeTakeFirst();
  if (!brand) throw new NotFound('No such grant.');
  const r = await db
    .selectFrom('receipts')
    .innerJoin('grants', 'grants.id', 'receipts.grant_id')
    .selectAll('receipts')
    .where('receipts.grant_id', '=', grantId)
    .where('grants.brand_id', '=', brand.id)
    .orderBy('receipts.created_at', 'desc')
    .orderBy('receipts.event', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!r) throw new NotFound('No such grant.');
  if (r.countersignature) throw new Conflict('This receipt is already countersigned.');
  const sha256 = receiptHash(r.jws);
  let countersignature: string;
  if (brand.auth_method === 'private_key_jwt') {
    if (!input.jws) throw new BadRequest(`jws: required: your JWS (typ ${ACK_TYP}) over {receipt_id, receipt_sha256}`);
    try {
      const { payload } = await jose.jwtVerify(input.jws, brandKeys(deps, brand), {
        typ: ACK_TYP,
        issuer: brand.id,
        audience: deps.config.origin,
        currentDate: new Date(deps.clock.now()),
        clockTolerance: 300,
        algorithms: ['Ed25519', 'EdDSA', 'ES256', 'ES384', 'PS256', 'RS256'],
      });
      if (payload.receipt_id !== r.id || payload.receipt_sha256 !== sha256) throw new Error('it is over another receipt');
    } catch (err) {
      throw new BadRequest(`jws: not a countersignature of receipt ${r.id} by this client's keys (${err instanceof Error ? err.message : 'invalid'})`);
    }
    countersignature = input.jws;
  } else {
    if (input.jws) throw new BadRequest('jws: this client authenticates with a secret, which signs nothing; send {} to acknowledge');
    const ack = {
      iss: deps.config.origin,
      sub: brand.id,
      receipt_id: r.id,
      receipt_sha256: sha256,
      method: 'client_secret',
      iat: Math.floor(deps.clock.now() / 1000),
    };
    countersignature = await signJws(deps.keys.signer, ack, ACK_TYP);
  }
  const now = deps.clock.now();
  try {
    await commit(deps, {
      guards: [
        {
          name: 'receipt_unsigned',
          changes: db.updateTable('receipts').set({ countersignature, countersigned_at: now }).where('id', '=', r.id).where('countersignature', 'is', null),
        },
      ],
      audit: [
        {
          action: 'receipt.countersigned',
          outcome: 'success',
          actor_type: 'brand',
          actor_id: brand.id,
          brand_id: brand.id,
          consumer_id: r.consumer_id,
          grant_id: grantId,
          detail: { receipt: r.id, sha256, method: brand.auth_method },
        },
      ],
    });
  } catch (err) {
    if (err instanceof GuardFailed) throw new Conflict('This receipt is already countersigned.');
    throw err;
  }
  return { receipt_id: r.id, receipt_sha256: sha256, countersignature };
}
