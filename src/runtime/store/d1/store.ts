// The store on Cloudflare D1. D1 has no interactive transactions, so commit is one
// batch(): guards, writes and audit events apply atomically or not at all. The audit
// head is read just before; a concurrent append makes our seq collide with the
// UNIQUE key, the batch fails whole, and we retry on the new head.
import { Kysely, type Compilable, type CompiledQuery } from 'kysely';
import { D1Dialect } from 'kysely-d1';
import type { Clock } from '../../../clock.ts';
import { guardStatements } from '../../../db/guard.ts';
import type { Database as Schema } from '../../../db/schema.ts';
import { isGuardViolation, type Change, type Committed, type Store } from '../../../db/store.ts';
import { GuardFailed } from '../../../errors.ts';
import { chainEvents, type ChainHead } from '../../../db/audit-chain.ts';
import { SQLITE_CHAIN_HEAD, sqliteEventStatements } from '../../../db/compact-log.ts';

/** The part of the D1 binding Trove uses (structural, so Node's typecheck needs no Workers types). */
export type D1Statement = {
  bind(...values: unknown[]): D1Statement;
  first<T>(): Promise<T | null>;
};
export type D1Like = {
  prepare(sql: string): D1Statement;
  batch(statements: D1Statement[]): Promise<unknown[]>;
};

const MAX_ATTEMPTS = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function isSeqCollision(err: unknown): boolean {
  return err instanceof Error && /UNIQUE constraint failed: audit_log\.seq/.test(err.message);
}

export function createD1Store(d1: D1Like, clock: Clock): Store {
  // kysely-d1 wants @cloudflare/workers-types' D1Database; Trove describes the binding structurally (D1Like).
  const db = new Kysely<Schema>({ dialect: new D1Dialect({ database: d1 as unknown as ConstructorParameters<typeof D1Dialect>[0]['database'] }) });
  const stmt = (q: CompiledQuery) => d1.prepare(q.sql).bind(...(q.parameters as unknown[]));

  async function firstFailingGuard(change: Change): Promise<string> {
    // A `changes` guard cannot be asked without writing; it is the one left when the others hold.
    for (const g of change.guards ?? []) {
      if ('exists' in g && !(await db.executeQuery(g.exists.compile())).rows.length) return g.name;
    }
    for (const g of change.guards ?? []) if ('changes' in g) return g.name;
    return change.guards?.[0]?.name ?? 'unknown';
  }

  // Commits from one isolate queue behind each other, so they do not collide on the
  // audit sequence; collisions with other isolates are retried with jittered backoff.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  return {
    dialect: 'd1',
    db,
    commit: (change: Change) => serial(() => apply(change)),
    async readAll(queries) {
      if (!queries.length) return [] as never;
      const results = await d1.batch(queries.map((q) => stmt(q.compile())));
      return (results as { results: unknown[] }[]).map((r) => r.results) as never;
    },
    // D1 manages its storage itself and offers no way to purge freed pages; Time Travel
    // keeps the database's history (30 days on paid plans) — see the README.
    async scrub() {},
    async close() {},
  };

  async function apply(change: Change): Promise<Committed> {
    const fixed = [
      ...(change.guards ?? []).flatMap((g) => guardStatements(db, 'd1', g).map((q) => stmt(q.compile()))),
      ...(change.writes ?? []).map((w) => stmt((w as Compilable).compile())),
    ];
    for (let attempt = 1; ; attempt++) {
      const head = change.audit?.length ? ((await d1.prepare(SQLITE_CHAIN_HEAD).first<ChainHead>()) ?? undefined) : undefined;
      const events = change.audit?.length ? chainEvents(head, change.audit, clock.now()) : [];
      const audit = events.flatMap((e) => sqliteEventStatements(e).map((s) => d1.prepare(s.sql).bind(...s.parameters)));
      try {
        if (fixed.length + audit.length) await d1.batch([...fixed, ...audit]);
        return { events };
      } catch (err) {
        if (isGuardViolation(err)) throw new GuardFailed(await firstFailingGuard(change));
        if (isSeqCollision(err) && attempt < MAX_ATTEMPTS) {
          await sleep(Math.random() * Math.min(100, 2 ** attempt));
          continue;
        }
        throw err;
      }
    }
  }
}
