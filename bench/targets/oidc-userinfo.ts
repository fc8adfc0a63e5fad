// Peer (b): node-oidc-provider's userinfo endpoint with opaque access tokens, in-memory
// adapter. Prints {"url", "tokens"} once listening. Userinfo looks the token and grant
// up and returns claims: no signature check, no decryption, no durable write.
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.argv[2] ?? 0);
const count = Number(process.argv[3] ?? 1000);
const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
  clients: [{ client_id: 'bench', client_secret: 'bench-secret-bench-secret-bench-secret', redirect_uris: ['https://bench.example/cb'] }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'given_name', 'family_name', 'locale', 'birthdate'] },
  findAccount: (_ctx: unknown, id: string) => ({
    accountId: id,
    claims: () => ({
      sub: id,
      email: `${id}@example.com`,
      email_verified: true,
      name: 'Bench User',
      given_name: 'Bench',
      family_name: 'User',
      locale: 'en',
      birthdate: '1990-01-01',
    }),
  }),
  features: { devInteractions: { enabled: false } },
});
provider.proxy = false;

const client = await provider.Client.find('bench');
const tokens: string[] = [];
for (let i = 0; i < count; i++) {
  const grant = new provider.Grant({ accountId: `user${i}`, clientId: 'bench' });
  grant.addOIDCScope('openid email profile');
  const grantId = await grant.save();
  const at = new provider.AccessToken({ accountId: `user${i}`, client, grantId, scope: 'openid email profile', expiresIn: 3600 });
  tokens.push(await at.save());
}

const server = createServer(provider.callback());
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`READY ${JSON.stringify({ url: `${issuer}/me`, tokens })}\n`);
});
