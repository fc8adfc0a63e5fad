// A migration file of this run's dialect as its statements, comment lines dropped: tests
// that rebuild a database as it stood before a migration then run it one statement at a time.
import { readMigrationFiles } from '../../src/runtime/store/migration-files.ts';
import { testDialect } from './deps.ts';

export function migrationStatements(name: string): string[] {
  const file = readMigrationFiles(testDialect === 'postgres' ? 'postgres' : 'sqlite').find((f) => f.name === name);
  if (!file) throw new Error(`no migration named ${name}`);
  return file.sql
    .split('\n')
    .filter((line) => !line.startsWith('--'))
    .join('\n')
    .split(';')
    .filter((st) => st.trim());
}
