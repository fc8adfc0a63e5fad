import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { verifyAuditLog } from '../../src/features/audit/verify.ts';
import { signedInConsumer, type Caller } from '../helpers/consumer.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let me: Caller;

beforeEach(async () => {
  deps = await testDeps();
  app = createApp(deps);
  me = await signedInConsumer(deps, app);
  await me.call('/api/me/personas', { method: 'POST', json: { name: 'family', label: 'Family' } });
  await me.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'ada@example.com' } });
  await me.call('/api/me/attributes/household_size', { method: 'PUT', json: { value: { adults: 2, children: 2 }, persona: 'family' } });
  await me.call('/api/me/attributes/x-bike', { method: 'PUT', json: { value: 'cargo bike' } });
  const intent = await me.call('/api/me/intents', {
    method: 'POST',
    json: { text: 'Red rain jacket', size: 'M', colour: 'red', budget: { amount: 120, currency: 'EUR' }, persona: 'family' },
  });
  expect(intent.status).toBe(201);
});

describe('export', () => {
  it("returns every attribute, persona and intent, decrypted, with the consumer's own audit events", async () => {
    const res = await me.call('/api/me/export');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('attachment');
    const doc = await res.json();
    expect(doc.attributes.map((a: { name: string; value: unknown }) => [a.name, a.value])).toEqual([
      ['email', 'ada@example.com'],
      ['household_size', { adults: 2, children: 2 }],
      ['x-bike', 'cargo bike'],
    ]);
    expect(doc.personas.map((p: { name: string }) => p.name)).toEqual(['family']);
    expect(doc.intents).toEqual([
      expect.objectContaining({ text: 'Red rain jacket', size: 'M', budget: { amount: 120, currency: 'EUR' }, persona: 'family', status: 'open' }),
    ]);
    expect(doc.audit_events.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['consumer.created', 'profile.attributes_changed', 'intent.published', 'consumer.exported']),
    );
    expect(doc.audit_events.every((e: { consumer_id: string }) => e.consumer_id === me.consumerId)).toBe(true);
  });

  it("does not include another consumer's data", async () => {
    const other = await signedInConsumer(deps, app);
    await other.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'other@example.com' } });
    const doc = await (await me.call('/api/me/export')).json();
    expect(JSON.stringify(doc)).not.toContain('other@example.com');
    expect(JSON.stringify(doc)).not.toContain(other.consumerId);
  });
});

describe('erasure', () => {
  it('destroys the data key and every ciphertext, ends sessions, and leaves an audit log that verifies', async () => {
    const before = await deps.store.db.selectFrom('consumers').selectAll().where('id', '=', me.consumerId).executeTakeFirstOrThrow();
    expect(before.data_key_wrapped).toBeTruthy();

    expect((await me.call('/api/me', { method: 'DELETE' })).status).toBe(204);

    const after = await deps.store.db.selectFrom('consumers').selectAll().where('id', '=', me.consumerId).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ status: 'erased', data_key_wrapped: null, data_key_nonce: null });
    for (const table of ['attributes', 'intents', 'personas', 'passkeys', 'recovery_codes', 'value_events', 'webauthn_challenges'] as const) {
      expect(await deps.store.db.selectFrom(table).selectAll().where('consumer_id', '=', me.consumerId).execute(), table).toEqual([]);
    }
    expect((await me.call('/api/me')).status).toBe(401);
    expect((await me.call('/api/me/attributes')).status).toBe(401);
    // The trail stays: names of what happened, never values, and it still verifies.
    const trail = await deps.store.db.selectFrom('audit_events').select('action').where('consumer_id', '=', me.consumerId).execute();
    expect(trail.map((t) => t.action)).toContain('consumer.erased');
    expect(await verifyAuditLog(deps.store.db)).toMatchObject({ ok: true });
  });
});

describe('personas and intents', () => {
  it("keeps a persona's label sealed in the database and shows it to its owner", async () => {
    expect((await me.call('/api/me/personas', { method: 'POST', json: { name: 'work', label: 'Secret side project' } })).status).toBe(201);
    const row = await deps.store.db.selectFrom('personas').selectAll().where('name', '=', 'work').executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain('Secret side project');
    const listed = await (await me.call('/api/me/personas')).json();
    expect(listed.personas).toContainEqual(expect.objectContaining({ name: 'work', label: 'Secret side project' }));
  });

  it('refuses a duplicate persona with 409 and a bad name with 400', async () => {
    expect((await me.call('/api/me/personas', { method: 'POST', json: { name: 'family', label: 'Again' } })).status).toBe(409);
    expect((await me.call('/api/me/personas', { method: 'POST', json: { name: 'Bad Name!', label: 'x' } })).status).toBe(400);
  });

  it('deleting a persona deletes its values', async () => {
    expect((await me.call('/api/me/personas/family', { method: 'DELETE' })).status).toBe(204);
    const { attributes } = await (await me.call('/api/me/attributes')).json();
    expect(attributes.map((a: { name: string }) => a.name)).toEqual(['email', 'x-bike']);
  });

  it('withdraws an intent, which stays listed as withdrawn', async () => {
    const { intents } = await (await me.call('/api/me/intents')).json();
    expect((await me.call(`/api/me/intents/${intents[0].id}`, { method: 'DELETE' })).status).toBe(204);
    const one = await (await me.call(`/api/me/intents/${intents[0].id}`)).json();
    expect(one.status).toBe('withdrawn');
  });

  it.each([
    ['an empty text', { text: '' }, 'text'],
    ['a lowercase currency', { text: 'x', budget: { amount: 5, currency: 'eur' } }, 'budget.currency'],
    ['a date in the past', { text: 'x', until: '2020-01-01T00:00:00Z' }, 'until'],
    ['an unknown member', { text: 'x', colour: 'red', shade: 'dark' }, ''],
  ])('rejects an intent with %s', async (_l, json, field) => {
    const res = await me.call('/api/me/intents', { method: 'POST', json });
    expect(res.status).toBe(400);
    if (field) expect((await res.json()).invalid_params[0].name).toBe(field);
  });

  it("never shows one consumer another's intent", async () => {
    const { intents } = await (await me.call('/api/me/intents')).json();
    const other = await signedInConsumer(deps, app);
    expect((await other.call(`/api/me/intents/${intents[0].id}`)).status).toBe(404);
    expect((await other.call(`/api/me/intents/${intents[0].id}`, { method: 'DELETE' })).status).toBe(404);
  });
});
