// Group reads on PostgreSQL: the reads that reach the store in one turn of the event loop
// go to the server together, as one block on one connection (block.ts) — one
// socket write, one wake-up of one server process and one flush back for all of them,
// where a block per read cost each read its own, and a busy server's processes took
// turns on the CPU for each. A read still fails alone: a block stops at its first error,
// so the reads before it are answered, the failing one gets its error, and those after
// it (which did not run) are sent again. Reads change nothing, so sending one again is safe;
// a read caught by a lost connection is sent again too, on another one.
// A group runs as one implicit transaction: readAll is for plain SELECTs, which do not
// reach each other through it (no SET LOCAL, no writes, no locks beyond the block).
import pg from 'pg';
import { NotRun } from './block.ts';
import { anyStale, bindable, pipeline, type Settled, type Statement } from './pipeline.ts';

type Rows = Record<string, unknown>[][];
type Read = { statements: Statement[]; resolve(rows: Rows): void; reject(error: unknown): void; resent: number };

/**
 * How often a read caught by a lost connection is sent again. When the server restarts,
 * every pooled connection dies, and a read sent again may land on another dead one before
 * the pool has heard of its death; past this, the read fails with the connection's error.
 */
const MAX_RESENDS = 4;

/** The server is ending the connection (shutdown, pg_terminate_backend): not the read's fault. */
const ending = (error: unknown) => error instanceof pg.DatabaseError && (error.severity === 'FATAL' || error.severity === 'PANIC');

/** Statements per block at most: a larger group is split over several connections. */
const MAX_STATEMENTS = 240;

export function groupedReads(pool: pg.Pool, types: pg.CustomTypesConfig) {
  let queue: Read[] = [];
  let scheduled = false;

  // pg converts some values with code of its own, which may fail before the server sees
  // the block; such a read runs on its own, one query per statement.
  async function alone(read: Read) {
    try {
      const client = await pool.connect();
      try {
        const rows: Rows = [];
        for (const s of read.statements) rows.push((await client.query(s.sql, s.parameters as unknown[])).rows);
        read.resolve(rows);
      } finally {
        client.release();
      }
    } catch (error) {
      read.reject(error);
    }
  }

  /**
   * Answers each read from its slice of the block's outcomes; returns those to send again:
   * the reads the server skipped after a failing one, and (up to MAX_RESENDS times) those
   * caught by a lost connection, whose outcome the client never heard. Every round answers
   * or spends a resend of at least one read (the first failing one), so this ends.
   */
  function answer(reads: Read[], results: Settled[], lost: boolean): Read[] {
    const again: Read[] = [];
    let at = 0;
    for (const read of reads) {
      const mine = results.slice(at, (at += read.statements.length));
      const failure = mine.find((r) => !r.ok) as { error: unknown } | undefined;
      if (!failure) read.resolve(mine.map((r) => (r as { rows: Record<string, unknown>[] }).rows));
      // Skipped after another read's failure: not this read's doing, so it costs no resend.
      else if (failure.error instanceof NotRun) again.push(read);
      else if (lost && read.resent < MAX_RESENDS) {
        read.resent++;
        again.push(read);
      } else read.reject(failure.error);
    }
    return again;
  }

  async function send(reads: Read[]): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      for (const r of reads) r.reject(error);
      return;
    }
    let drop = false;
    let lost = false;
    let again: Read[] = [];
    try {
      const statements = reads.flatMap((r) => r.statements);
      let results = await pipeline(client, statements, { types });
      if (anyStale(results)) {
        // Answer these reads afresh, and let the pool replace the connection.
        drop = true;
        results = await pipeline(client, statements, { named: false, types });
      }
      // A connection the server is closing is dropped, so the reads sent again get another.
      lost = results.unknown === true || results.some((r) => !r.ok && ending(r.error));
      drop ||= lost;
      again = answer(reads, results, lost);
    } catch (error) {
      drop = true;
      for (const r of reads) r.reject(error);
    } finally {
      client.release(drop);
    }
    if (!again.length) return;
    // When the server ended this connection it has usually ended the pool's idle ones too
    // (a restart): let their notices arrive before taking another from the pool.
    if (lost) await new Promise((r) => setImmediate(r));
    await send(again);
  }

  function flush() {
    scheduled = false;
    const reads = queue;
    queue = [];
    let block: Read[] = [];
    let size = 0;
    for (const read of reads) {
      if (block.length && size + read.statements.length > MAX_STATEMENTS) {
        void send(block);
        block = [];
        size = 0;
      }
      block.push(read);
      size += read.statements.length;
    }
    if (block.length) void send(block);
  }

  /** The rows of each statement, in order; rejects with the first statement's error. */
  return (statements: Statement[]): Promise<Rows> =>
    new Promise<Rows>((resolve, reject) => {
      const read: Read = { statements, resolve, reject, resent: 0 };
      if (!statements.every((s) => s.parameters.every(bindable))) {
        void alone(read);
        return;
      }
      queue.push(read);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}
