// RFC 6749 §5.2 error bodies: error and error_description hold only %x20-21 / %x23-5B /
// %x5D-7E (no '"', no '\', nothing outside printable ASCII), including descriptions that
// echo the caller's input or a library's message; the body is JSON, never cached.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import * as jose from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { OAuthError } from '../../src/errors.ts';
import { JWT_BEARER } from '../../src/features/brands/client-auth.ts';
import { jwtBrand, REDIRECT, secretBrand, shoeDetails } from '../helpers/brands.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';
import { basic, pkce } from '../helpers/raw-oauth.ts';

const SECTION_5_2 = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

let deps: TestDeps;
let app: ReturnType<typeof createApp>;

beforeEach(async () => {
  deps = await testDeps();
  app = createApp(deps);
});

/** Every OAuthError message argument written in src: literals, template text, or an expression. */
function authoredMessages(): string[] {
  const dir = new URL('../../src', import.meta.url).pathname;
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
  const call = /(?:new OAuthError\(\s*'[a-z_]+',\s*|invalid(?:Client|Grant)\()(?:'([^']*)'|`([^`]*)`)/g;
  return files.flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(call)].map((m) => m[1] ?? m[2]!.replace(/\$\{[^}]*\}/g, '')));
}

describe('OAuth error descriptions', () => {
  it('are all within the characters RFC 6749 §5.2 allows: those written in src as they stand, any other text once made one', () => {
    const authored = authoredMessages();
    expect(authored.length).toBeGreaterThan(40);
    for (const m of authored) expect(m, m).toMatch(SECTION_5_2);
    for (const m of authored) expect(new OAuthError('invalid_request', m).message).toBe(m);
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.constantFrom('"', '\\', '…', '\n', '\u0000', 'é')), (text) => {
        expect(new OAuthError('invalid_request', text).message).toMatch(SECTION_5_2);
      }),
    );
  });

  it('stay within §5.2 over HTTP when they echo the caller or a library', async () => {
    const brand = await secretBrand(deps);
    const keyed = await jwtBrand(deps);
    const now = Math.floor(deps.clock.now() / 1000);
    const wrongAudience = await new jose.SignJWT({ jti: 'j1' })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
      .setIssuer(keyed.clientId)
      .setSubject(keyed.clientId)
      .setAudience('https://elsewhere.example')
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(keyed.privateKey);
    const par = (over: Record<string, string>, details: unknown = shoeDetails()) =>
      new URLSearchParams({
        response_type: 'code',
        redirect_uri: REDIRECT,
        code_challenge_method: 'S256',
        code_challenge: pkce().challenge,
        authorization_details: JSON.stringify(details),
        ...over,
      }).toString();
    const cases: [string, Record<string, string>, RegExp][] = [
      [`${par({})}&a%22b%5C%C3%A9=1&a%22b%5C%C3%A9=2`, { authorization: basic(brand) }, /^Parameter a'b\/\? is repeated\.$/],
      [par({}, shoeDetails({ attributes: ['email', 'favourite_colour'] })), { authorization: basic(brand) }, /unknown attribute 'favourite_colour'/],
      [par({}, shoeDetails({ colour: 'red' })), { authorization: basic(brand) }, /'colour'/],
      [par({}, shoeDetails({ purpose: 'https://example.com/anything' })), { authorization: basic(brand) }, /DPV purpose IRI .*\.\.\./],
      [
        par({ client_id: keyed.clientId, client_assertion_type: JWT_BEARER, client_assertion: wrongAudience }),
        {},
        /^The client assertion is not valid: .*'aud'/,
      ],
    ];
    for (const [body, headers, expected] of cases) {
      const res = await app.request('/oauth/par', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const json = await res.json();
      expect(json.error).toMatch(SECTION_5_2);
      expect(json.error_description).toMatch(SECTION_5_2);
      expect(json.error_description).toMatch(expected);
    }
  });
});
