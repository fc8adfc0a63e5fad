// What crosses to the SQLite writer thread: one JSON string per batch (much cheaper than
// a structured clone of many small objects), each SQL text sent once and then named by a
// number. Parameters must be text, finite numbers or null (Trove stores nothing else),
// so JSON carries them exactly; a change with any other value is refused, not altered.
import type { BatchChange, Outcome, WireError } from './batch.ts';

export type SqlStatement = { sql: string; parameters: readonly unknown[] };
/** A statement as sent: [sql id, parameters]. */
export type SentStatement = [number, unknown[]];
export type WriterBatch = {
  reset: boolean;
  defs: [number, string][];
  ts: number;
  changes: [guards: [string, number, unknown[]][], writes: SentStatement[], audit: BatchChange<unknown>['audit']][];
};
export type WriterReply = { outcomes: Outcome[] } | { error: WireError };

const MAX_TEXTS = 2000;

function checked(parameters: readonly unknown[]): unknown[] {
  for (const p of parameters) {
    if (p === null || typeof p === 'string' || (typeof p === 'number' && Number.isFinite(p))) continue;
    throw new TypeError(`a statement parameter of type ${typeof p} cannot be stored (text, finite numbers and null only)`);
  }
  return parameters as unknown[];
}

/** The sending side: encodes batches; `refused` holds the index and error of changes not sent. */
export function batchEncoder() {
  let ids = new Map<string, number>();
  let reset = false;
  const idOf = (sql: string, defs: [number, string][]) => {
    let id = ids.get(sql);
    if (id === undefined) {
      id = ids.size;
      ids.set(sql, id);
      defs.push([id, sql]);
    }
    return id;
  };
  return {
    /** Forget every text (e.g. a new writer thread started). */
    reset() {
      ids = new Map();
      reset = true;
    },
    encode(batch: readonly BatchChange<SqlStatement>[], ts: number) {
      if (ids.size > MAX_TEXTS) this.reset();
      const message: WriterBatch = { reset, defs: [], ts, changes: [] };
      reset = false;
      const sent: number[] = [];
      const refused = new Map<number, unknown>();
      batch.forEach((c, i) => {
        try {
          const guards = c.guards.map((g): [string, number, unknown[]] => [g.name, idOf(g.statement.sql, message.defs), checked(g.statement.parameters)]);
          const writes = c.writes.map((w): SentStatement => [idOf(w.sql, message.defs), checked(w.parameters)]);
          message.changes.push([guards, writes, c.audit]);
          sent.push(i);
        } catch (error) {
          refused.set(i, error);
        }
      });
      return { text: JSON.stringify(message), sent, refused };
    },
  };
}

/** The receiving side: turns a batch back into changes whose statements are prepared ones. */
export function batchDecoder<S>(prepare: (sql: string) => S) {
  let statements = new Map<number, S>();
  return (text: string): { ts: number; changes: BatchChange<[S, unknown[]]>[] } => {
    const m = JSON.parse(text) as WriterBatch;
    if (m.reset) statements = new Map();
    for (const [id, sql] of m.defs) statements.set(id, prepare(sql));
    const stmt = (id: number) => statements.get(id)!;
    return {
      ts: m.ts,
      changes: m.changes.map(([guards, writes, audit]) => ({
        guards: guards.map(([name, id, p]) => ({ name, statement: [stmt(id), p] as [S, unknown[]] })),
        writes: writes.map(([id, p]) => [stmt(id), p] as [S, unknown[]]),
        audit,
      })),
    };
  };
}
