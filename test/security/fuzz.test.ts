// Property-based fuzzing of every endpoint that takes a JSON body, a form, a query or
// path parameters: inputs from each schema's own field names and far beyond it (wrong
// types, huge and deeply nested values, unicode edge cases, duplicate and
// prototype-pollution keys, broken JSON). No case may get a 5xx, and a refused request
// may change nothing but the audit log (and burn a WebAuthn challenge); an OAuth error
// body keeps to RFC 6749 §5.2's characters.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { z } from 'zod';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import type { Route as Operation } from '../../src/http/route.ts';
import { ROUTES as OPERATIONS } from '../../src/http/routes.ts';
import { addAuditor } from '../../src/features/auditors/accounts.ts';
import { secretBrand } from '../helpers/brands.ts';
import { signedInConsumer, type Caller } from '../helpers/consumer.ts';
import { loggedErrors, testDeps, type TestDeps } from '../helpers/deps.ts';
import { basic, tokensFor, type SecretClient } from '../helpers/raw-oauth.ts';

const TOTAL = Number(process.env.TROVE_FUZZ_CASES ?? 20_000);
// Refusals may append audit events and consume challenges; nothing else may change.
const MAY_CHANGE_ON_REFUSAL = new Set([
  'audit_events',
  'audit_log',
  'audit_contexts',
  'audit_brands',
  'audit_checkpoints',
  'webauthn_challenges',
  'auditor_challenges',
  'used_assertions',
]);
// Endpoints that end the session or the account are exercised elsewhere; fuzzing them would end the run.
const SKIP = new Set(['post /api/session/logout', 'delete /api/me', 'get /oauth/authorize']);

let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let me: Caller;
let brand: SecretClient;
let access: string;
let auditorToken: string;
let tables: string[];

beforeAll(async () => {
  deps = await testDeps();
  app = createApp(deps);
  me = await signedInConsumer(deps, app);
  await me.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'fuzz@example.com' } });
  brand = await secretBrand(deps);
  access = (await tokensFor(app, brand, me)).access_token;
  auditorToken = (await addAuditor(deps, { name: 'Fuzz' })).token;
  const dialect = deps.store.dialect;
  const rows =
    dialect === 'postgres'
      ? await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(deps.store.db)
      : await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(deps.store.db);
  tables = rows.rows
    .map((r) => r.name)
    .filter((t) => !MAY_CHANGE_ON_REFUSAL.has(t) && t !== 'd1_migrations')
    .sort();
});

async function fingerprint(): Promise<string> {
  // PostgreSQL hashes every table's sorted rows itself, in one statement: one round trip a
  // case instead of one per table (the suite's longest file on that project otherwise).
  if (deps.store.dialect === 'postgres') {
    const perTable = tables.map((t) => sql`(select coalesce(md5(string_agg(x::text, ',' order by x::text)), '') from ${sql.table(t)} x)`);
    const { rows } = await sql<{ h: string }>`select array_to_string(array[${sql.join(perTable)}], '|') as h`.execute(deps.store.db);
    return rows[0]!.h;
  }
  const h = createHash('sha256');
  for (const t of tables) {
    const { rows } = await sql`select * from ${sql.table(t)}`.execute(deps.store.db);
    h.update(t).update(JSON.stringify(rows.map((r) => JSON.stringify(r)).sort()));
  }
  return h.digest('hex');
}

const nasty = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\u202e',
  'é',
  'ｅmail',
  '😀',
  'a'.repeat(300),
  '$where',
  '../..',
  '%00',
  '{"a":1}',
);
const anyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  nasty,
  fc.constant('x'.repeat(70_000)),
);
const leaf = fc.oneof(
  anyString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(-0),
  fc.constant(1e308),
  fc.constant(Number.MAX_SAFE_INTEGER + 2),
);

function fieldNames(schema: z.ZodType | undefined): string[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, { properties?: Record<string, unknown> }> };
  const names = Object.keys(json.properties ?? {});
  for (const p of Object.values(json.properties ?? {})) names.push(...Object.keys(p.properties ?? {}));
  return names;
}

function valueArb(names: string[]) {
  const key = names.length ? fc.oneof(fc.constantFrom(...names), nasty, fc.string({ maxLength: 12 })) : fc.oneof(nasty, fc.string({ maxLength: 12 }));
  const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('tree'), { maxLength: 4 }),
      fc.dictionary(key, tie('tree'), { maxKeys: 5 }),
    ),
  }));
  return fc.oneof(tree, fc.dictionary(key, tree, { maxKeys: 8 }), fc.dictionary(key, leaf, { maxKeys: 8 }));
}

/** Raw bodies: serialised values, plus texts JSON.stringify never makes. */
function bodyArb(names: string[]) {
  const deep = fc.integer({ min: 100, max: 20_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`);
  const deepObj = fc.integer({ min: 100, max: 5_000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`);
  const dup = fc.constantFrom(...(names.length ? names : ['a'])).map((k) => `{"${k}":1,"${k}":"two","__proto__":{"admin":true}}`);
  const broken = fc.constantFrom('', '{', 'nul', '\ufeff{}', '{"a":"\\ud800"}', '[1,]', '{"a":1}{"b":2}', '"just a string"', '1e999');
  return fc.oneof({ weight: 6, arbitrary: valueArb(names).map((v) => JSON.stringify(v) ?? 'null') }, deep, deepObj, dup, broken);
}

const encode = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80'; // a lone surrogate cannot be encoded: send its raw UTF-8 bytes instead
  }
};
const segment = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }).map(encode),
  nasty.filter((s) => s.length > 0).map(encode),
  fc.constant('a'.repeat(2000)),
  fc.constantFrom('%zz', '%E0%A4%A', '%', '%00', '..', '%2e%2e', '%2F'),
);

function headersFor(o: Operation): Record<string, string> {
  if (o.path.startsWith('/v1/audit')) return { authorization: `Bearer ${auditorToken}` };
  if (o.path.startsWith('/v1/')) return { authorization: `Bearer ${access}` };
  if (o.auth === 'client') return { authorization: basic(brand) };
  return { cookie: me.cookie, 'x-csrf-token': me.csrf };
}

type Case = { path: string; query: string; body: string | undefined; form: boolean };

function caseArb(o: Operation) {
  const params = fieldNames(o.params);
  const pathArb = params.length
    ? fc.array(segment, { minLength: params.length, maxLength: params.length }).map((vals) => {
        let i = 0;
        return o.path.replace(/\{[^}]+\}/g, () => vals[i++]!);
      })
    : fc.constant(o.path);
  const queryNames = fieldNames(o.query);
  const queryArb = fc
    .dictionary(
      queryNames.length ? fc.oneof(fc.constantFrom(...queryNames), nasty) : nasty,
      anyString.map((s) => s.slice(0, 3000)),
      { maxKeys: 5 },
    )
    .map((q) => new URLSearchParams(q).toString());
  const formNames = fieldNames(o.form);
  const bodyArbitrary = o.form
    ? fc
        .dictionary(fc.oneof(fc.constantFrom(...formNames), nasty), fc.oneof(anyString, bodyArb([])), { maxKeys: 8 })
        .map((f) => new URLSearchParams(f).toString())
    : o.method === 'get'
      ? fc.constant(undefined)
      : bodyArb(fieldNames(o.body));
  return fc.record({ path: pathArb, query: queryArb, body: bodyArbitrary, form: fc.constant(Boolean(o.form)) }) as fc.Arbitrary<Case>;
}

const targets = OPERATIONS.filter((o) => !SKIP.has(`${o.method} ${o.path}`) && (o.body || o.form || o.query || o.params || o.method !== 'get'));
const perEndpoint = Math.ceil(TOTAL / targets.length);
const report: string[] = [];

describe('fuzzing', () => {
  it('has a state fingerprint that sees a change to a watched table, and only a change', async () => {
    const before = await fingerprint();
    expect(await fingerprint()).toBe(before);
    await sql`update brands set name = name || ' (changed)'`.execute(deps.store.db);
    const changed = await fingerprint();
    await sql`update brands set name = substr(name, 1, length(name) - 10)`.execute(deps.store.db);
    expect(changed).not.toBe(before);
    expect(await fingerprint()).toBe(before);
  });

  for (const o of targets) {
    it(`${o.method.toUpperCase()} ${o.path}: ${perEndpoint} generated cases, no 5xx, no write on refusal`, async () => {
      let before = await fingerprint();
      let serverErrors = 0;
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(caseArb(o), async (k) => {
          const url = k.query ? `${k.path}?${k.query}` : k.path;
          const headers: Record<string, string> = { ...headersFor(o) };
          if (k.body !== undefined) headers['content-type'] = k.form ? 'application/x-www-form-urlencoded' : 'application/json';
          const res = await app.request(url, { method: o.method.toUpperCase(), headers, ...(k.body !== undefined ? { body: k.body } : {}) });
          const text = await res.text();
          // RFC 6749 §5.2: whatever the input, an OAuth error says so in the allowed characters only.
          if (o.tag === 'OAuth' && res.status >= 400 && res.status < 500) {
            const { error, error_description } = JSON.parse(text) as { error: string; error_description?: string };
            expect(`${error} ${error_description ?? ''}`, `${o.method} ${url}`).toMatch(/^[\x20\x21\x23-\x5b\x5d-\x7e]*$/);
          }
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status >= 500) serverErrors += 1;
          expect(res.status, `${o.method} ${url}`).toBeLessThan(500);
          const after = await fingerprint();
          if (res.status >= 400) expect(after, `refused ${o.method} ${url} (${res.status}) changed state`).toBe(before);
          before = after;
        }),
        { numRuns: perEndpoint, seed: Number(process.env.TROVE_FUZZ_SEED ?? 20261123) },
      );
      expect(loggedErrors).toEqual([]);
      report.push(
        `${o.method.toUpperCase()} ${o.path}: ${perEndpoint} cases, ${serverErrors} server errors, statuses ${[...statuses].map(([s, n]) => `${s}×${n}`).join(' ')}`,
      );
    }, 300_000);
  }

  it('reports the cases tried per endpoint', () => {
    console.log(`fuzz: ${targets.length} endpoints × ${perEndpoint} = ${targets.length * perEndpoint} cases\n${report.join('\n')}`);
    expect(report.length).toBe(targets.length);
  });
});
