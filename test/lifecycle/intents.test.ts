import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { secretBrand, shoeDetails } from '../helpers/brands.ts';
import { signedInConsumer, type Caller } from '../helpers/consumer.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';
import { form, tokensFor, type SecretClient } from '../helpers/raw-oauth.ts';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let me: Caller;
let brand: SecretClient;

beforeEach(async () => {
  deps = await testDeps();
  app = createApp(deps);
  me = await signedInConsumer(deps, app);
  await me.call('/api/me/personas', { method: 'POST', json: { name: 'family', label: 'Family' } });
  await me.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'ada@example.com' } });
  brand = await secretBrand(deps);
});

const intents = async (b: SecretClient) => {
  const cc = await (await form(app, '/oauth/token', b, { grant_type: 'client_credentials' })).json();
  return (await app.request('/v1/intents', { headers: { authorization: `Bearer ${cc.access_token}` } })).json();
};

describe('intents for brands', () => {
  it('hand a brand the open intents its grants cover for the persona, under the pairwise sub, each read audited', async () => {
    await me.call('/api/me/intents', {
      method: 'POST',
      json: { text: 'Red rain jacket', size: 'M', budget: { amount: 120, currency: 'EUR' }, persona: 'family' },
    });
    await me.call('/api/me/intents', { method: 'POST', json: { text: 'Work laptop bag' } }); // default persona: not covered
    const withdrawn = await (await me.call('/api/me/intents', { method: 'POST', json: { text: 'Old wish', persona: 'family' } })).json();
    await me.call(`/api/me/intents/${withdrawn.id}`, { method: 'DELETE' });
    const tokens = await tokensFor(app, brand, me, { details: shoeDetails({ attributes: ['email', 'intents'], optional_attributes: [], persona: 'family' }) });

    const list = await intents(brand);
    expect(list.intents).toEqual([
      expect.objectContaining({ text: 'Red rain jacket', size: 'M', budget: { amount: 120, currency: 'EUR' }, grant_id: tokens.grant_id, persona: 'family' }),
    ]);
    expect(JSON.stringify(list)).not.toContain(me.consumerId);
    const { intents: mine } = await (await me.call('/api/me/intents')).json();
    const jacket = mine.find((i: { text: string }) => i.text === 'Red rain jacket');
    expect(jacket.read_by).toEqual([{ brand_id: brand.clientId, at: deps.clock.now() }]);
  });

  it('hands nothing to a brand whose grant does not cover intents, or has been revoked', async () => {
    await me.call('/api/me/intents', { method: 'POST', json: { text: 'Red rain jacket' } });
    const plain = await tokensFor(app, brand, me);
    expect((await intents(brand)).intents).toEqual([]);
    const other = await secretBrand(deps, 'Intent Reader');
    const covered = await tokensFor(app, other, me, { details: shoeDetails({ attributes: ['intents'], optional_attributes: [] }) });
    expect((await intents(other)).intents).toHaveLength(1);
    await me.call(`/api/me/grants/${covered.grant_id}/revoke`, { method: 'POST' });
    expect((await intents(other)).intents).toEqual([]);
    expect(plain.grant_id).toBeTruthy();
  });
});
