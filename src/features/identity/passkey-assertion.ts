// Checks a passkey assertion against a stored credential, the same way for every ceremony
// that signs with one (consumer sign-in, step-up, auditor sign-in): our origin and RP id,
// the challenge we issued, user verification required, and a signature counter that
// moved forward. Answers the new counter, or why the assertion was refused.
import { type AuthenticationResponseJSON, verifyAuthenticationResponse } from '@simplewebauthn/server';
import { fromB64u } from '../../crypto/encoding.ts';
import type { Deps } from '../../deps.ts';
import { relyingParty } from './relying-party.ts';

export type StoredCredential = { id: string; public_key: string; counter: number; transports: string | null };
export type AssertionRefusal = 'signature_invalid' | 'counter_not_increased' | 'verification_failed';

export async function checkAssertion(
  deps: Deps,
  response: AuthenticationResponseJSON,
  challenge: string,
  credential: StoredCredential,
): Promise<{ ok: true; newCounter: number } | { ok: false; reason: AssertionRefusal }> {
  const rp = relyingParty(deps);
  try {
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      requireUserVerification: true,
      credential: {
        id: credential.id,
        publicKey: fromB64u(credential.public_key),
        counter: credential.counter,
        transports: credential.transports ? JSON.parse(credential.transports) : undefined,
      },
    });
    return result.verified ? { ok: true, newCounter: result.authenticationInfo.newCounter } : { ok: false, reason: 'signature_invalid' };
  } catch (err) {
    return { ok: false, reason: err instanceof Error && /counter/i.test(err.message) ? 'counter_not_increased' : 'verification_failed' };
  }
}
