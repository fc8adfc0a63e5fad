// Every URL a brand registers: the ones Trove calls (webhook_url, jwks_uri) pass the
// outbound policy; the logo every consumer's browser loads must be https on a public host;
// homepage and privacy policy links must be https (http only on loopback in development).
import { beforeAll, describe, expect, it } from 'vitest';
import { registerBrand } from '../../src/features/brands/register-brand.ts';
import { REDIRECT } from '../helpers/brands.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';

const brand = (over: Record<string, unknown>) => ({ name: 'X', redirect_uris: [REDIRECT], auth: { method: 'client_secret_basic' }, ...over });

// The forms the issue found accepted, and their relatives.
const INTERNAL = [
  'https://192.0.2.2:9390/h',
  'https://[::ffff:127.0.0.1]/h',
  'https://[::ffff:a9fe:a9fe]/h',
  'https://[64:ff9b::7f00:1]/h',
  'https://[fec0::1]/h',
  'https://localhost./h',
  'https://127.0.0.1:8443/h',
  'https://api.localhost/h',
  'https://metadata.google.internal/h',
  'https://metadata/h',
  'https://[::]/h',
  'https://0.0.0.0/h',
  'https://[fe80::1]/h',
  'https://100.64.0.1/h',
  'https://[2002:7f00:1::1]/h',
];

let deps: TestDeps;
beforeAll(async () => {
  deps = await testDeps();
});

describe('brand registration', () => {
  it.each(INTERNAL)('refuses the webhook URL %s', async (url) => {
    await expect(registerBrand(deps, brand({ webhook_url: url }))).rejects.toThrow(/^webhook_url /);
  });

  it.each(INTERNAL)('refuses the logo URI %s', async (url) => {
    await expect(registerBrand(deps, brand({ logo_uri: url }))).rejects.toThrow(/^logo_uri /);
  });

  it.each([
    ['logo_uri', 'http://brand.example/logo.png'],
    ['logo_uri', 'http://localhost:8788/logo.png'],
    ['policy_uri', 'http://brand.example/privacy'],
    ['homepage', 'http://brand.example/'],
    ['policy_uri', 'https://user:pw@brand.example/privacy'],
    ['homepage', 'javascript:alert(1)'],
  ])('refuses %s %s', async (field, url) => {
    await expect(registerBrand(deps, brand({ [field]: url }))).rejects.toThrow(new RegExp(`^${field} `));
  });

  it('accepts https metadata, and http homepage and policy links on loopback outside production (the demo shop)', async () => {
    await expect(
      registerBrand(
        deps,
        brand({ homepage: 'https://brand.example', logo_uri: 'https://cdn.brand.example/logo.png', policy_uri: 'https://brand.example/legal#privacy' }),
      ),
    ).resolves.toBeTruthy();
    await expect(registerBrand(deps, brand({ homepage: 'http://localhost:8788', policy_uri: 'http://localhost:8788/privacy' }))).resolves.toBeTruthy();
  });
});
