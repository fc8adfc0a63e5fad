// Applies migrations/sqlite/*.sql to an embedded SQLite database, each file and its
// d1_migrations record in one IMMEDIATE transaction that first checks the record: two
// processes starting on one new file take turns, and the second skips what the first did.
import type Database from 'better-sqlite3';
import { MIGRATIONS_TABLE_SQL, migrate, type MigrationFile } from '../../../db/migrate.ts';
import { readMigrationFiles } from '../migration-files.ts';

export async function migrateSqlite(sqlite: Database.Database, files?: MigrationFile[]): Promise<string[]> {
  return migrate(
    {
      async applied() {
        sqlite.exec(MIGRATIONS_TABLE_SQL);
        return (sqlite.prepare('SELECT name FROM d1_migrations').all() as { name: string }[]).map((r) => r.name);
      },
      async apply(file) {
        return sqlite
          .transaction(() => {
            if (sqlite.prepare('SELECT 1 FROM d1_migrations WHERE name = ?').get(file.name)) return false;
            sqlite.exec(file.sql);
            sqlite.prepare('INSERT INTO d1_migrations (name) VALUES (?)').run(file.name);
            return true;
          })
          .immediate();
      },
    },
    files ?? readMigrationFiles('sqlite'),
  );
}
