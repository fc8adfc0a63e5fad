// Ed25519 signing keys through jose: generation, JWK export for the JWKS, compact JWS
// signing, and verification against a key set (so rotated keys keep verifying).
import * as jose from 'jose';

export type SigningKey = { kid: string; privateKey: CryptoKey; publicJwk: jose.JWK };
export type PublicJwk = jose.JWK & { kid: string };

export async function generateSigningKey(kid: string): Promise<{ key: SigningKey; privateJwk: jose.JWK }> {
  const { privateKey, publicKey } = await jose.generateKeyPair('Ed25519', { extractable: true });
  const privateJwk = await jose.exportJWK(privateKey);
  const publicJwk = { ...(await jose.exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
  return { key: { kid, privateKey: privateKey as CryptoKey, publicJwk }, privateJwk };
}

export async function importSigningKey(kid: string, privateJwk: jose.JWK, publicJwk: jose.JWK): Promise<SigningKey> {
  const privateKey = (await jose.importJWK({ ...privateJwk, alg: 'EdDSA' }, 'EdDSA')) as CryptoKey;
  return { kid, privateKey, publicJwk };
}

export async function signJws(key: SigningKey, payload: Record<string, unknown>, typ: string): Promise<string> {
  return new jose.CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ }).sign(key.privateKey);
}

/** Verifies a compact JWS against a JWKS; returns the payload or throws. */
export async function verifyJws(jws: string, jwks: { keys: PublicJwk[] }, typ?: string): Promise<Record<string, unknown>> {
  const keySet = jose.createLocalJWKSet(jwks);
  const { payload, protectedHeader } = await jose.compactVerify(jws, keySet, { algorithms: ['EdDSA'] });
  if (typ && protectedHeader.typ !== typ) throw new Error(`unexpected typ ${protectedHeader.typ}`);
  return JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
}
