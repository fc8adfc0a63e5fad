// The post-sign-up prompt (issue 20): an account with a single passkey has no way back in,
// so GET /api/me tells the portal to prompt for recovery codes or a second passkey until
// the consumer has one or dismisses the prompt; the dismissal is kept on the account.
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import type { Caller } from '../helpers/consumer.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';
import { signedInCaller, signedUpCaller } from '../helpers/passkey-client.ts';
import { createAuthenticator, type SoftwareAuthenticator } from '../helpers/webauthn-authenticator.ts';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let me: Caller & { authenticator: SoftwareAuthenticator };

beforeEach(async () => {
  deps = await testDeps();
  app = createApp(deps);
  me = await signedUpCaller(app, deps.config.origin);
});

const prompted = async (c: Caller) => (await (await c.call('/api/me')).json()).backup_prompt;

describe('the prompt to keep a way back in', () => {
  it('is due right after sign-up', async () => {
    expect(await prompted(me)).toBe(true);
  });

  it('stays dismissed once dismissed, on every device, and the dismissal is audited', async () => {
    expect((await me.call('/api/me/backup-prompt/dismiss', { method: 'POST', json: {} })).status).toBe(204);
    expect(await prompted(me)).toBe(false);
    const elsewhere = await signedInCaller(app, me.authenticator);
    expect(await prompted(elsewhere)).toBe(false);
    const events = await deps.store.db.selectFrom('audit_events').select('consumer_id').where('action', '=', 'backup_prompt.dismissed').execute();
    expect(events).toEqual([{ consumer_id: me.consumerId }]);
  });

  it('ends once the account has recovery codes', async () => {
    expect((await me.call('/api/me/recovery-codes', { method: 'POST', json: {} })).status).toBe(201);
    expect(await prompted(me)).toBe(false);
  });

  it('ends once the account has a second passkey', async () => {
    const second = createAuthenticator({ origin: deps.config.origin });
    const options = await (await me.call('/api/passkeys/register/options', { method: 'POST', json: {} })).json();
    expect((await me.call('/api/passkeys/register/verify', { method: 'POST', json: { response: second.register(options) } })).status).toBe(200);
    expect(await prompted(me)).toBe(false);
  });

  it('is never due for another consumer because one dismissed it', async () => {
    await me.call('/api/me/backup-prompt/dismiss', { method: 'POST', json: {} });
    const other = await signedUpCaller(app, deps.config.origin);
    expect(await prompted(other)).toBe(true);
  });
});
