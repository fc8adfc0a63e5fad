// Raw OAuth calls for negative tests, where exact parameters matter: PAR, approval
// through the consumer API, token requests, and reads, with client_secret_basic.
import type { AppLike } from './app-like.ts';
import { createHash, randomBytes } from 'node:crypto';
import type { Caller } from './consumer.ts';
import { REDIRECT, shoeDetails } from './brands.ts';

type AnyApp = AppLike;
export type SecretClient = { clientId: string; secret: string };

export const basic = (c: SecretClient) => `Basic ${Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.secret)}`).toString('base64')}`;

export function form(app: AnyApp, path: string, client: SecretClient | null, params: Record<string, string>) {
  return Promise.resolve(
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(client ? { authorization: basic(client) } : {}) },
      body: new URLSearchParams(params).toString(),
    }),
  );
}

export function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export async function par(app: AnyApp, client: SecretClient, over: Record<string, string> = {}, details: unknown = shoeDetails()) {
  const p = pkce();
  const res = await form(app, '/oauth/par', client, {
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: REDIRECT,
    state: 'st-1',
    code_challenge_method: 'S256',
    code_challenge: p.challenge,
    authorization_details: JSON.stringify(details),
    ...over,
  });
  return { res, verifier: p.verifier };
}

export const requestId = (requestUri: string) => requestUri.split(':').at(-1)!;

/** PAR → approve (optionally trimming) → code; returns what the token call needs. */
export async function approvedCode(app: AnyApp, client: SecretClient, me: Caller, opts: { details?: unknown; attributes?: string[] } = {}) {
  const { res, verifier } = await par(app, client, {}, opts.details ?? shoeDetails());
  if (res.status !== 201) throw new Error(`PAR failed: ${await res.text()}`);
  const id = requestId((await res.json()).request_uri);
  const approve = await me.call(`/api/me/requests/${id}/approve`, { method: 'POST', json: opts.attributes ? { attributes: opts.attributes } : {} });
  if (approve.status !== 200) throw new Error(`approve failed: ${await approve.text()}`);
  const code = new URL((await approve.json()).redirect_to).searchParams.get('code')!;
  return { code, verifier, requestId: id };
}

export async function exchange(app: AnyApp, client: SecretClient, code: string, verifier: string, over: Record<string, string> = {}) {
  return form(app, '/oauth/token', client, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier, ...over });
}

export async function tokensFor(app: AnyApp, client: SecretClient, me: Caller, opts: { details?: unknown; attributes?: string[] } = {}) {
  const { code, verifier } = await approvedCode(app, client, me, opts);
  const res = await exchange(app, client, code, verifier);
  if (res.status !== 200) throw new Error(`token failed: ${await res.text()}`);
  return res.json() as Promise<{ access_token: string; refresh_token?: string; grant_id: string }>;
}

export const read = (app: AnyApp, token: string, path = '/v1/attributes') =>
  Promise.resolve(app.request(path, { headers: { authorization: `Bearer ${token}` } }));
