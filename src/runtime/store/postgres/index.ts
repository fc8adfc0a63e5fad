// The PostgreSQL store, as the rest of Trove sees it: a pool, migrations, the store.
export { createPool, createPostgresStore, migratePostgres, type PostgresStore } from './store.ts';
