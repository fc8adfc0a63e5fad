// A mixed audit log for auditor tests: two brands, two consumers, grants, reads, a
// revocation and a denied read, plus auditors scoped to all brands and to brand X.
import type { AppLike } from './app-like.ts';
import { createApp } from '../../src/app.ts';
import { addAuditor } from '../../src/features/auditors/accounts.ts';
import { advanceLog } from '../../src/features/audit/log-checkpoint.ts';
import type { AuditEventRow } from '../../src/db/schema.ts';
import { secretBrand } from './brands.ts';
import { signedInConsumer, type Caller } from './consumer.ts';
import { testDeps, type TestDeps } from './deps.ts';
import { read, tokensFor } from './raw-oauth.ts';

export type World = Awaited<ReturnType<typeof auditWorld>>;

export async function auditWorld() {
  const deps: TestDeps = await testDeps({ checkpointEvery: 10 });
  const app = createApp(deps);
  const a = await signedInConsumer(deps, app);
  const b = await signedInConsumer(deps, app);
  for (const c of [a, b]) {
    await c.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'someone@example.com' } });
    await c.call('/api/me/attributes/shoe_size', { method: 'PUT', json: { value: { system: 'EU', size: 42 } } });
  }
  const x = await secretBrand(deps, 'Brand X, "the shoe people"');
  const y = await secretBrand(deps, 'Brand Y');
  deps.clock.advance(60_000);
  const ax = await tokensFor(app, x, a);
  const ay = await tokensFor(app, y, a, { attributes: ['email', 'shoe_size'] });
  const by = await tokensFor(app, y, b);
  deps.clock.advance(60_000);
  await ok(read(app, ax.access_token));
  await ok(read(app, ay.access_token));
  await ok(read(app, by.access_token));
  await advanceLog(deps); // a checkpoint, as the runtime signs every few seconds
  deps.clock.advance(60_000);
  await ok(a.call(`/api/me/grants/${ay.grant_id}/revoke`, { method: 'POST' }));
  const denied = await read(app, ay.access_token);
  if (denied.status < 400) throw new Error('read after revocation should be refused');
  await ok(read(app, ax.access_token));
  await advanceLog(deps);
  const all = await addAuditor(deps, { name: 'Unscoped Ursula' });
  const scoped = await addAuditor(deps, { name: 'Scoped Sam', brands: [x.clientId] });
  await advanceLog(deps);
  return { deps, app, a, b, x, y, grants: { ax, ay, by }, auditors: { all, scoped } };
}

async function ok(res: Promise<Response> | Response) {
  const r = await res;
  if (r.status >= 400) throw new Error(`unexpected ${r.status}: ${await r.text()}`);
  return r;
}

export async function allEvents(deps: TestDeps): Promise<AuditEventRow[]> {
  return deps.store.db.selectFrom('audit_events').selectAll().orderBy('seq').execute();
}

export function asAuditor(app: AppLike, token: string) {
  return (path: string) => Promise.resolve(app.request(path, { headers: { authorization: `Bearer ${token}` } }));
}

export type { Caller };
