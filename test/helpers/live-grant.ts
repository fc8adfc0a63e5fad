// A consumer with a profile, a brand registered through the CLI and an approved grant with
// its access token, on a live Trove process (live-server.ts): what the runtime tests
// (metrics, access log, shutdown) send their reads and writes with.
import { spawnSync } from 'node:child_process';
import { REDIRECT } from './brands.ts';
import { caller, type Caller } from './consumer.ts';
import type { LiveServer } from './live-server.ts';
import { signUp, sessionCookie } from './passkey-client.ts';
import { approvedCode, exchange, type SecretClient } from './raw-oauth.ts';

export type LiveGrant = { me: Caller; brand: SecretClient; token: string; grantId: string; consumerId: string };

export async function liveGrant(live: LiveServer, email = 'runtime@example.com'): Promise<LiveGrant> {
  const app = live.asApp as never;
  const { res } = await signUp(app, live.origin);
  const body = await res.json();
  const me = caller(app, sessionCookie(res)!, body.csrf_token, body.consumer.id);
  await me.call('/api/me/attributes/email', { method: 'PUT', json: { value: email } });
  await me.call('/api/me/attributes/shoe_size', { method: 'PUT', json: { value: { size: 41, system: 'EU' } } });
  const added = spawnSync(process.execPath, ['src/cli/trove.ts', 'brand', 'add', '--name', 'Runtime Shoes', '--redirect-uri', REDIRECT, '--secret', '--json'], {
    encoding: 'utf8',
    env: live.cliEnv(),
  });
  if (added.status !== 0) throw new Error(added.stderr);
  const b = JSON.parse(added.stdout);
  const brand = { clientId: b.client_id, secret: b.client_secret };
  const { code, verifier } = await approvedCode(app, brand, me);
  const t = await (await exchange(app, brand, code, verifier)).json();
  return { me, brand, token: t.access_token, grantId: t.grant_id, consumerId: body.consumer.id };
}
