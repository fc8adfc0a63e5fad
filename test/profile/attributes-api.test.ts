import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { CATALOG } from '../../src/features/profile/catalog.ts';
import { signedInConsumer, type Caller } from '../helpers/consumer.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let me: Caller;

beforeEach(async () => {
  deps = await testDeps();
  app = createApp(deps);
  me = await signedInConsumer(deps, app);
});

const rowCount = async () => (await deps.store.db.selectFrom('attributes').select('name').execute()).length;

describe('the attribute catalogue', () => {
  it('lists at least 25 well-known attributes with name, label, type and example, without sign-in', async () => {
    const res = await app.request('/api/catalog/attributes');
    expect(res.status).toBe(200);
    const { attributes } = await res.json();
    expect(attributes.length).toBeGreaterThanOrEqual(25);
    for (const a of attributes) expect(a).toMatchObject({ name: expect.any(String), label: expect.any(String), type: expect.any(String) });
    expect(attributes.map((a: { name: string }) => a.name)).toEqual(
      expect.arrayContaining([
        'email',
        'phone',
        'birthdate',
        'postal_address',
        'shoe_size',
        'clothing_size',
        'dietary_needs',
        'travel_seat',
        'loyalty_memberships',
        'household_size',
      ]),
    );
  });

  it('accepts every catalogue example as a valid value', async () => {
    for (const entry of CATALOG) {
      const res = await me.call(`/api/me/attributes/${entry.name}`, { method: 'PUT', json: { value: entry.example } });
      expect(res.status, entry.name).toBe(200);
    }
    expect(await rowCount()).toBe(CATALOG.length);
  });
});

describe('profile attributes', () => {
  it('stores, lists and deletes values, with a separate value per persona', async () => {
    expect((await me.call('/api/me/personas', { method: 'POST', json: { name: 'business', label: 'Business travel' } })).status).toBe(201);
    await me.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'ada@home.example' } });
    await me.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'ada@work.example', persona: 'business' } });
    await me.call('/api/me/attributes/shoe_size', { method: 'PUT', json: { value: { size: 38, system: 'EU' } } });
    const { attributes } = await (await me.call('/api/me/attributes')).json();
    expect(attributes).toEqual([
      expect.objectContaining({ name: 'email', persona: null, value: 'ada@home.example', label: 'Email address' }),
      expect.objectContaining({ name: 'email', persona: 'business', value: 'ada@work.example' }),
      expect.objectContaining({ name: 'shoe_size', persona: null, value: { size: 38, system: 'EU' } }),
    ]);
    expect((await me.call('/api/me/attributes/email?persona=business', { method: 'DELETE' })).status).toBe(204);
    const after = await (await me.call('/api/me/attributes')).json();
    expect(after.attributes.map((a: { name: string; persona: string | null }) => `${a.name}/${a.persona}`)).toEqual(['email/null', 'shoe_size/null']);
  });

  it('audits profile changes by attribute name, never by value', async () => {
    await me.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'secret-7731@example.com' } });
    const events = await deps.store.db.selectFrom('audit_events').selectAll().where('consumer_id', '=', me.consumerId).execute();
    const changed = events.find((e) => e.action === 'profile.attributes_changed');
    expect(changed?.attributes).toBe('["email"]');
    expect(JSON.stringify(events)).not.toContain('secret-7731');
  });

  it('accepts custom x- attributes as bounded text or JSON', async () => {
    expect((await me.call('/api/me/attributes/x-favourite-colour', { method: 'PUT', json: { value: 'teal' } })).status).toBe(200);
    expect((await me.call('/api/me/attributes/x-bike', { method: 'PUT', json: { value: { frame: 54, brand: 'Gazelle' } } })).status).toBe(200);
  });

  it.each([
    ['a wrong type for a catalogue attribute', 'email', { value: 42 }, 'value'],
    ['an invalid email', 'email', { value: 'not-an-email' }, 'value'],
    ['a value over its bound', 'given_name', { value: 'x'.repeat(101) }, 'value'],
    ['a shoe size with an unknown member', 'shoe_size', { value: { size: 42, system: 'EU', colour: 'red' } }, 'value'],
    ['an unknown catalogue name without x-', 'favourite_colour', { value: 'teal' }, 'name'],
    ['a malformed custom name', 'x-Bad Name', { value: 'teal' }, 'name'],
    ['custom text over 1000 characters', 'x-note', { value: 'y'.repeat(1001) }, 'value'],
    ['custom JSON over 4096 bytes', 'x-blob', { value: { a: 'z'.repeat(4100) } }, 'value'],
    ['custom JSON nested too deep', 'x-deep', { value: { a: { b: { c: { d: { e: { f: 1 } } } } } } }, 'value'],
    ['a missing value', 'email', {}, 'value'],
    ['an unknown persona', 'email', { value: 'a@b.example', persona: 'nope' }, 'persona'],
    ['an unknown body member', 'email', { value: 'a@b.example', extra: 1 }, ''],
  ])('rejects %s with 400 naming the field and writes nothing', async (_label, name, json, field) => {
    const res = await me.call(`/api/me/attributes/${encodeURIComponent(name)}`, { method: 'PUT', json });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const problem = await res.json();
    if (field) expect(problem.invalid_params[0].name).toBe(field);
    expect(await rowCount()).toBe(0);
  });

  it('answers a delete of a value that is not there with 404', async () => {
    expect((await me.call('/api/me/attributes/email', { method: 'DELETE' })).status).toBe(404);
  });

  it('requires a session', async () => {
    expect((await app.request('/api/me/attributes')).status).toBe(401);
  });
});
