// Applies migrations/sqlite/*.sql to an embedded SQLite database, each file and its
// d1_migrations record in one transaction.
import type Database from 'better-sqlite3';
import { MIGRATIONS_TABLE_SQL, migrate, type MigrationFile } from '../db/migrate.ts';
import { readMigrationFiles } from './migration-files.ts';

export async function migrateSqlite(sqlite: Database.Database, files?: MigrationFile[]): Promise<string[]> {
  return migrate(
    {
      async applied() {
        sqlite.exec(MIGRATIONS_TABLE_SQL);
        return (sqlite.prepare('SELECT name FROM d1_migrations').all() as { name: string }[]).map((r) => r.name);
      },
      async apply(file) {
        sqlite.transaction(() => {
          sqlite.exec(file.sql);
          sqlite.prepare('INSERT INTO d1_migrations (name) VALUES (?)').run(file.name);
        })();
      },
    },
    files ?? readMigrationFiles('sqlite'),
  );
}
