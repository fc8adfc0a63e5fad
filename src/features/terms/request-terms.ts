// What the consent screen shows about terms: the agreement a request is made under, the
// terms the consumer proffers for the request's persona, and whether they match. A
// mismatch is flagged, not refused: the consumer may still accept, knowingly.
import type { Deps } from '../../deps.ts';
import type { TroveAttributes } from '../grants/authorization-details.ts';
import { termView } from './brand-terms.ts';
import { proffered } from './consumer-terms.ts';
import { termById } from './roster.ts';

export async function termsOfRequest(deps: Deps, consumerId: string, d: TroveAttributes) {
  const mine = await proffered(deps, consumerId, d.persona ?? null);
  const agreement = d.agreement ? termById(deps.roster, d.agreement) : undefined;
  const myTerm = mine ? termById(deps.roster, mine) : undefined;
  return {
    agreement: agreement ? termView(agreement) : null,
    my_terms: myTerm ? termView(myTerm) : null,
    // null: the consumer proffers no terms, so there is nothing to match.
    terms_match: myTerm ? agreement?.id === myTerm.id : null,
  };
}
