// The checkpointer thread of a file-backed SQLite store: copies committed WAL frames
// into the database file in the background (PASSIVE checkpoints never wait for, or block,
// the writer or readers), so commits do not pay for that I/O. The writer keeps SQLite's
// own checkpoint at a high mark as the backstop that lets the WAL start over.
import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from './batch.ts';

const EVERY_MS = 50;
const port = parentPort!;
const sqlite = openSqlite((workerData as { filename: string }).filename);

const timer = setInterval(() => {
  try {
    sqlite.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or interrupted: the next tick tries again; the writer's backstop remains.
  }
}, EVERY_MS);

port.on('message', () => {
  clearInterval(timer);
  sqlite.close();
  port.close();
});
