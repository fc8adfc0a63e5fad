// The writer thread of a file-backed SQLite store: its own connection applies each batch
// of changes (batch.ts), so COMMIT's fsync never blocks the event loop. One batch
// at a time, in the order sent.
import { parentPort, workerData } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { batchApplier, openSqlite, toWireError, WAL_BACKSTOP_FRAMES } from './batch.ts';
import { batchDecoder, type WriterReply } from './writer-protocol.ts';

const port = parentPort!;
const sqlite = openSqlite((workerData as { filename: string }).filename);
sqlite.pragma(`wal_autocheckpoint = ${WAL_BACKSTOP_FRAMES}`);
// Prepared on first use, inside the change's savepoint: a statement that does not
// compile fails only the change that carries it.
type Lazy = { sql: string; stmt: Database.Statement | null };
const decode = batchDecoder((sql): Lazy => ({ sql, stmt: null }));
const apply = batchApplier<[Lazy, unknown[]]>(sqlite, ([s, parameters]) => (s.stmt ??= sqlite.prepare(s.sql)).run(...parameters));

port.on('message', (m: string | { close: true }) => {
  if (typeof m !== 'string') {
    sqlite.close();
    port.close();
    return;
  }
  let reply: WriterReply;
  try {
    const { ts, changes } = decode(m);
    reply = { outcomes: apply(changes, ts) };
  } catch (err) {
    reply = { error: toWireError(err) };
  }
  port.postMessage(JSON.stringify(reply));
});
