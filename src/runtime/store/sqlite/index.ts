// The embedded SQLite store, as the rest of Trove sees it: open a file, migrate it, make
// the store, and walk its audit chain in parallel. Everything else in this folder is its own.
export { openSqlite } from './batch.ts';
export { fastChainWalk } from './chain-walk.ts';
export { migrateSqlite } from './migrations.ts';
export { createSqliteStore, type SqliteStore } from './store.ts';
