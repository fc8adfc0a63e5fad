// The public brand directory: who a client id is and which agreements it accepts, for
// consumers choosing whom to deal with and for brands checking each other's claims. Only
// what the brand registered to be shown; a disabled brand is not listed.
import type { Deps } from '../../deps.ts';
import { NotFound } from '../../errors.ts';
import { acceptedTerms, termView } from './brand-terms.ts';
import { termById } from './roster.ts';

export async function brandDirectoryEntry(deps: Deps, clientId: string) {
  const b = await deps.store.db
    .selectFrom('brands')
    .select(['id', 'name', 'homepage', 'logo_uri', 'policy_uri', 'accepted_terms', 'status'])
    .where('id', '=', clientId)
    .executeTakeFirst();
  if (b?.status !== 'active') throw new NotFound('No such brand.');
  return {
    client_id: b.id,
    name: b.name,
    homepage: b.homepage,
    logo_uri: b.logo_uri,
    policy_uri: b.policy_uri,
    accepted_terms: acceptedTerms(b).flatMap((id) => {
      const t = termById(deps.roster, id);
      return t ? [termView(t)] : [];
    }),
  };
}
