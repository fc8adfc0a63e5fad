// A Trove for the operator API tests: real SQLite in memory, a fixed clock, the app, and
// an operator token made the way `trove operator token create` makes one; `call` sends a
// request with that token (or another, or none) and `events` reads the audit log back.
import { createApp } from '../../src/app.ts';
import type { AuditEventRow } from '../../src/db/schema.ts';
import { createOperatorToken } from '../../src/features/operators/tokens.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';

export type AdminWorld = Awaited<ReturnType<typeof adminWorld>>;

export async function adminWorld(opts: { rateLimitScale?: number; allowPrivateWebhooks?: boolean; configure?: (deps: TestDeps) => void } = {}) {
  const deps = await testDeps({ rateLimitScale: opts.rateLimitScale, allowPrivateWebhooks: opts.allowPrivateWebhooks });
  opts.configure?.(deps);
  const app = createApp(deps);
  const op = await createOperatorToken(deps, { name: 'ops laptop' });
  async function call(method: string, path: string, init: { json?: unknown; token?: string | null } = {}) {
    const token = init.token === undefined ? op.token : init.token;
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    return app.request(path, { method, headers, body: init.json === undefined ? undefined : JSON.stringify(init.json) });
  }
  async function events(action: string): Promise<AuditEventRow[]> {
    return deps.store.db.selectFrom('audit_events').selectAll().where('action', '=', action).orderBy('seq').execute();
  }
  return { deps, app, op, call, events };
}

/** The detail of an audit event, parsed. */
export const detailOf = (e: AuditEventRow) => JSON.parse(e.detail ?? '{}') as Record<string, unknown>;
