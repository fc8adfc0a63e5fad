// Drives the real passkey ceremonies over app.request with the software authenticator,
// the way the portal does with @simplewebauthn/browser: options → authenticator → verify.
import type { AppLike } from './app-like.ts';
import { createAuthenticator, type AuthenticatorOverrides, type SoftwareAuthenticator } from './webauthn-authenticator.ts';
import { caller, type Caller } from './consumer.ts';

type AnyApp = AppLike;

export function sessionCookie(res: Response): string | null {
  const set = res.headers.get('set-cookie') ?? '';
  const m = /((?:__Host-)?trove_session)=([^;]+)/.exec(set);
  return m ? `${m[1]}=${m[2]}` : null;
}

const post = (app: AnyApp, path: string, json: unknown, headers: Record<string, string> = {}) =>
  Promise.resolve(app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(json) }));

export async function signUp(app: AnyApp, origin: string, auth?: SoftwareAuthenticator, overrides?: AuthenticatorOverrides) {
  const authenticator = auth ?? createAuthenticator({ origin });
  const options = await (await post(app, '/api/passkeys/register/options', {})).json();
  const response = authenticator.register(options, overrides);
  const res = await post(app, '/api/passkeys/register/verify', { response, name: 'Test key' });
  return { res, authenticator, response, options };
}

export async function signIn(app: AnyApp, authenticator: SoftwareAuthenticator, overrides?: AuthenticatorOverrides, headers: Record<string, string> = {}) {
  const options = await (await post(app, '/api/passkeys/login/options', {})).json();
  const response = authenticator.authenticate(options, overrides);
  const res = await post(app, '/api/passkeys/login/verify', response, headers);
  return { res, response, options };
}

/** Signs up through the ceremony and returns a caller holding the session. */
export async function signedUpCaller(app: AnyApp, origin: string): Promise<Caller & { authenticator: SoftwareAuthenticator }> {
  const { res, authenticator } = await signUp(app, origin);
  if (res.status !== 200) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
  const body = await res.json();
  return { ...caller(app, sessionCookie(res)!, body.csrf_token, body.consumer.id), authenticator };
}

/** Signs in with the authenticator (a new "device" when no cookie is sent) and returns that session's caller. */
export async function signedInCaller(
  app: AnyApp,
  authenticator: SoftwareAuthenticator,
  headers: Record<string, string> = {},
  overrides?: AuthenticatorOverrides,
): Promise<Caller> {
  const { res } = await signIn(app, authenticator, overrides, headers);
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const body = await res.json();
  return caller(app, sessionCookie(res)!, body.csrf_token, body.consumer.id);
}

/** The step-up ceremony from a signed-in caller: options, the authenticator, verify. */
export async function stepUp(me: Caller, authenticator: SoftwareAuthenticator, overrides?: AuthenticatorOverrides) {
  const options = await (await me.call('/api/me/step-up/options', { method: 'POST', json: {} })).json();
  const response = authenticator.authenticate(options, overrides);
  return { res: await me.call('/api/me/step-up/verify', { method: 'POST', json: response }), response, options };
}
