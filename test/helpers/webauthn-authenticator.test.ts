// Proves the software authenticator against @simplewebauthn/server itself: what it makes verifies,
// and each override produces a response the server rejects for the intended reason.
import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type WebAuthnCredential,
} from '@simplewebauthn/server';
import { createAuthenticator, encodeCbor, type AuthenticatorOverrides, type SoftwareAuthenticator } from './webauthn-authenticator.ts';

const ORIGIN = 'https://trove.test';
const RP_ID = 'trove.test';

async function registrationOptions(userId = 'consumer-1', exclude: string[] = []) {
  return generateRegistrationOptions({
    rpName: 'Trove',
    rpID: RP_ID,
    userName: 'ada@example.test',
    userID: new TextEncoder().encode(userId),
    excludeCredentials: exclude.map((id) => ({ id })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
}

async function register(auth: SoftwareAuthenticator, userId?: string): Promise<WebAuthnCredential> {
  const options = await registrationOptions(userId);
  const result = await verifyRegistrationResponse({
    response: auth.register(options),
    expectedChallenge: options.challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    requireUserVerification: true,
  });
  if (!result.verified) throw new Error('registration did not verify');
  return result.registrationInfo.credential;
}

async function assertion(auth: SoftwareAuthenticator, overrides?: AuthenticatorOverrides, allow?: string[]) {
  const options = await generateAuthenticationOptions({
    rpID: RP_ID,
    userVerification: 'required',
    allowCredentials: allow?.map((id) => ({ id })),
  });
  return { challenge: options.challenge, response: auth.authenticate(options, overrides) };
}

function verify(response: AuthenticationResponseJSON, expectedChallenge: string, credential: WebAuthnCredential) {
  return verifyAuthenticationResponse({
    response,
    expectedChallenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    credential,
    requireUserVerification: true,
  });
}

describe('software WebAuthn authenticator', () => {
  it('registers a discoverable ES256 credential that the server verifies with user verification required', async () => {
    const auth = createAuthenticator({ origin: ORIGIN });
    const options = await registrationOptions('consumer-1');
    const response = auth.register(options);
    const result = await verifyRegistrationResponse({
      response,
      expectedChallenge: options.challenge,
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
      requireUserVerification: true,
    });
    expect(result.verified).toBe(true);
    const info = result.registrationInfo!;
    expect(info).toMatchObject({
      fmt: 'none',
      aaguid: '00000000-0000-0000-0000-000000000000',
      userVerified: true,
      credentialDeviceType: 'multiDevice',
      credentialBackedUp: true,
      origin: ORIGIN,
      rpID: RP_ID,
    });
    const [held] = auth.credentials();
    expect(info.credential).toMatchObject({ id: response.id, counter: 0, transports: ['internal'] });
    expect(held).toMatchObject({ id: response.id, rpId: RP_ID, counter: 0, userHandle: options.user.id });
    expect(Buffer.from(info.credential.publicKey)).toEqual(Buffer.from(held!.publicKey));
  });

  it('signs an assertion the server verifies, returning the user handle and the incremented counter', async () => {
    const auth = createAuthenticator({ origin: ORIGIN });
    const credential = await register(auth, 'consumer-7');
    const first = await assertion(auth);
    const result = await verify(first.response, first.challenge, credential);
    expect(result.verified).toBe(true);
    expect(result.authenticationInfo).toMatchObject({ credentialID: credential.id, newCounter: 1, userVerified: true, rpID: RP_ID });
    expect(Buffer.from(first.response.response.userHandle!, 'base64url').toString()).toBe('consumer-7');

    const second = await assertion(auth);
    const next = await verify(second.response, second.challenge, { ...credential, counter: result.authenticationInfo.newCounter });
    expect(next).toMatchObject({ verified: true, authenticationInfo: { newCounter: 2 } });
    expect(auth.credentials()[0]?.counter).toBe(2);
  });

  it('uses an allowed credential when the server names one, else the newest discoverable credential', async () => {
    const auth = createAuthenticator({ origin: ORIGIN });
    const older = await register(auth, 'consumer-1');
    const newer = await register(auth, 'consumer-2');
    expect((await assertion(auth, undefined, [older.id])).response.id).toBe(older.id);
    expect((await assertion(auth)).response.id).toBe(newer.id);
    expect((await assertion(auth, { credentialId: older.id })).response.id).toBe(older.id);
    expect(() => auth.authenticate({ challenge: 'AAAA', rpId: 'elsewhere.test' })).toThrow(/NotAllowedError/);
  });

  it('does not register again a credential the server excludes', async () => {
    const auth = createAuthenticator({ origin: ORIGIN });
    const credential = await register(auth);
    const options = await registrationOptions('consumer-1', [credential.id]);
    expect(() => auth.register(options)).toThrow(/InvalidStateError/);
  });

  it('rejects a registration made on another origin or for another RP ID', async () => {
    const auth = createAuthenticator({ origin: ORIGIN });
    const options = await registrationOptions();
    const expected = { expectedChallenge: options.challenge, expectedOrigin: ORIGIN, expectedRPID: RP_ID };
    await expect(verifyRegistrationResponse({ ...expected, response: auth.register(options, { origin: 'https://evil.test' }) })).rejects.toThrow(/origin/);
    await expect(verifyRegistrationResponse({ ...expected, response: auth.register(options, { rpId: 'evil.test' }) })).rejects.toThrow(/RP ID/);
  });

  it('rejects an assertion made on another origin', async () => {
    const auth = createAuthenticator({ origin: ORIGIN });
    const credential = await register(auth);
    const { response, challenge } = await assertion(auth, { origin: 'https://evil.test' });
    await expect(verify(response, challenge, credential)).rejects.toThrow(/origin "https:\/\/evil.test"/);
  });

  it('rejects an assertion whose authenticator data is for another RP ID', async () => {
    const auth = createAuthenticator({ origin: ORIGIN });
    const credential = await register(auth);
    const { response, challenge } = await assertion(auth, { rpId: 'evil.test' });
    await expect(verify(response, challenge, credential)).rejects.toThrow(/Unexpected RP ID hash/);
  });

  it('rejects a replayed assertion when the server expects a fresh challenge', async () => {
    const auth = createAuthenticator({ origin: ORIGIN });
    const credential = await register(auth);
    const { response, challenge } = await assertion(auth);
    const first = await verify(response, challenge, credential);
    expect(first.verified).toBe(true);
    const fresh = await generateAuthenticationOptions({ rpID: RP_ID });
    const stored = { ...credential, counter: first.authenticationInfo.newCounter };
    await expect(verify(response, fresh.challenge, stored)).rejects.toThrow(/challenge/);
  });

  it('rejects an assertion whose counter goes backwards', async () => {
    const auth = createAuthenticator({ origin: ORIGIN });
    const credential = await register(auth);
    let stored = credential;
    for (let i = 0; i < 2; i++) {
      const { response, challenge } = await assertion(auth);
      stored = { ...stored, counter: (await verify(response, challenge, stored)).authenticationInfo.newCounter };
    }
    expect(stored.counter).toBe(2);
    const forced = await assertion(auth, { counter: 1 });
    await expect(verify(forced.response, forced.challenge, stored)).rejects.toThrow(/counter value 1 was lower than expected 2/);
    auth.setCounter(credential.id, 1); // next assertion reports 2: equal to the stored counter is rejected too
    const equal = await assertion(auth);
    await expect(verify(equal.response, equal.challenge, stored)).rejects.toThrow(/counter/);
  });

  it('accepts a credential whose counter stays at zero, as many synced passkeys report', async () => {
    const auth = createAuthenticator({ origin: ORIGIN });
    const credential = await register(auth);
    for (let i = 0; i < 2; i++) {
      const { response, challenge } = await assertion(auth, { counter: 0 });
      expect(await verify(response, challenge, credential)).toMatchObject({ verified: true, authenticationInfo: { newCounter: 0 } });
    }
  });

  it('rejects an assertion without user verification when verification is required', async () => {
    const auth = createAuthenticator({ origin: ORIGIN });
    const credential = await register(auth);
    const { response, challenge } = await assertion(auth, { userVerified: false });
    await expect(verify(response, challenge, credential)).rejects.toThrow(/User verification required/);
    const relaxed = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
      credential,
      requireUserVerification: false,
    });
    expect(relaxed).toMatchObject({ verified: true, authenticationInfo: { userVerified: false } });
  });

  it('signs with the credential own key, so another credential public key does not verify it', async () => {
    const auth = createAuthenticator({ origin: ORIGIN });
    const mine = await register(auth, 'consumer-1');
    const other = await register(auth, 'consumer-2');
    const { response, challenge } = await assertion(auth, { credentialId: mine.id });
    const result = await verify(response, challenge, { ...mine, publicKey: other.publicKey });
    expect(result.verified).toBe(false);
  });

  it('encodes CBOR exactly as the RFC 8949 examples', () => {
    const hex = (value: Parameters<typeof encodeCbor>[0]) => Buffer.from(encodeCbor(value)).toString('hex');
    expect([0, 23, 24, 100, 1000, 1000000].map(hex)).toEqual(['00', '17', '1818', '1864', '1903e8', '1a000f4240']);
    expect([-1, -10, -100, -1000].map(hex)).toEqual(['20', '29', '3863', '3903e7']);
    expect(['', 'a', 'IETF', 'ü'].map(hex)).toEqual(['60', '6161', '6449455446', '62c3bc']);
    expect(hex(new Uint8Array([1, 2, 3, 4]))).toBe('4401020304');
    expect(hex([1, [2, 3], [4, 5]])).toBe('8301820203820405');
    expect(
      hex(
        new Map([
          [1, 2],
          [3, 4],
        ]),
      ),
    ).toBe('a201020304');
    expect(hex({ a: 1, b: [2, 3] })).toBe('a26161016162820203');
    expect(hex(new Uint8Array(300)).slice(0, 6)).toBe('59012c');
  });
});
