// Pairwise subjects: the sub a brand sees is an HMAC of brand and consumer under the
// vault's pairwise key, so two brands cannot join their data on Trove's identifier.
import type { Deps } from '../../deps.ts';
import { toB64u } from '../../crypto/encoding.ts';
import { hmacSha256 } from '../../crypto/hash.ts';

export function pairwiseSubject(deps: Deps, brandId: string, consumerId: string): string {
  return toB64u(hmacSha256(deps.keys.pairwiseKey, `trove-sub-v1|${brandId}|${consumerId}`));
}
