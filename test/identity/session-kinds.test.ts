// One session cookie serves consumers and auditors; an auditor's session must never act
// as a consumer's: signing up in a browser that holds one creates a new consumer.
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { addAuditor } from '../../src/features/auditors/accounts.ts';
import { sessionCookie } from '../helpers/passkey-client.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';
import { createAuthenticator } from '../helpers/webauthn-authenticator.ts';

const ORIGIN = 'http://localhost:8787';
let deps: TestDeps;
let app: ReturnType<typeof createApp>;

beforeEach(async () => {
  deps = await testDeps({ origin: ORIGIN });
  app = createApp(deps);
});

const post = (path: string, json: unknown, headers: Record<string, string> = {}) =>
  Promise.resolve(app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(json) }));

describe('session kinds', () => {
  it('signs up a new consumer even when the browser holds an auditor session', async () => {
    const auditor = await addAuditor(deps, { name: 'Ada Auditor' });
    const code = auditor.enrol_url.split('#')[1]!;
    const auth = createAuthenticator({ origin: ORIGIN });
    const enrolled = await post('/api/auditor/enrol/verify', {
      code,
      response: auth.register(await (await post('/api/auditor/enrol/options', { code })).json()),
    });
    expect(enrolled.status).toBe(200);
    const as = { cookie: sessionCookie(enrolled)!, 'x-csrf-token': (await enrolled.json()).csrf_token as string };

    const consumerKey = createAuthenticator({ origin: ORIGIN });
    const options = await post('/api/passkeys/register/options', {}, as);
    expect(options.status).toBe(200);
    const res = await post('/api/passkeys/register/verify', { response: consumerKey.register(await options.json()) }, as);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.consumer.id).not.toBe(auditor.id);
    expect(body.csrf_token).toEqual(expect.any(String));
    const me = await app.request('/api/me', { headers: { cookie: sessionCookie(res)! } });
    expect((await me.json()).consumer.id).toBe(body.consumer.id);
  });
});
