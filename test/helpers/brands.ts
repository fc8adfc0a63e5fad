// Brands for tests, registered through the real operator feature, plus an oauth4webapi
// setup that talks to the app in process (customFetch → app.request).
import type { AppLike } from './app-like.ts';
import * as jose from 'jose';
import * as oauth from 'oauth4webapi';
import type { Deps } from '../../src/deps.ts';
import { registerBrand } from '../../src/features/brands/register-brand.ts';

export const REDIRECT = 'https://brand.example/callback';

export function inProcess(app: AppLike) {
  return {
    [oauth.customFetch]: (url: string, init: oauth.CustomFetchOptions<string, unknown>) => Promise.resolve(app.request(url, init as RequestInit)),
    [oauth.allowInsecureRequests]: true,
  };
}

export async function secretBrand(deps: Deps, name = 'Secret Shoes') {
  const r = await registerBrand(deps, {
    name,
    redirect_uris: [REDIRECT],
    auth: { method: 'client_secret_basic' },
    policy_uri: 'https://brand.example/privacy',
  });
  return { clientId: r.client_id, secret: r.client_secret!, auth: oauth.ClientSecretBasic(r.client_secret!) };
}

export async function jwtBrand(deps: Deps, name = 'Keyed Coats') {
  const { privateKey, publicKey } = await jose.generateKeyPair('Ed25519', { extractable: true });
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'k1', alg: 'EdDSA', use: 'sig' };
  const r = await registerBrand(deps, { name, redirect_uris: [REDIRECT], auth: { method: 'private_key_jwt', jwks: { keys: [jwk] } } });
  return { clientId: r.client_id, privateKey, auth: oauth.PrivateKeyJwt({ key: privateKey as CryptoKey, kid: 'k1' }) };
}

export const shoeDetails = (over: Record<string, unknown> = {}) => [
  {
    type: 'trove_attributes',
    attributes: ['email', 'shoe_size'],
    optional_attributes: ['birthdate'],
    purpose: 'https://w3id.org/dpv#PersonalisedAdvertising',
    purpose_description: 'Send you offers in your size',
    value: { kind: 'discount', description: '10% off every order', amount: 10, unit: 'percent' },
    access: 'ongoing',
    duration: 'P180D',
    retention: 'P30D',
    ...over,
  },
];
