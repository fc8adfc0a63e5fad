// The WebAuthn relying party as TROVE_ORIGIN defines it: the origin itself and its host
// name as RP id. User verification is always required.
import type { Deps } from '../../deps.ts';

export function relyingParty(deps: Deps) {
  const origin = deps.config.origin;
  return { origin, rpID: new URL(origin).hostname, rpName: 'Trove' };
}
