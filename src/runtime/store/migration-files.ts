// Reads the SQL migration files shipped in migrations/<dialect>/.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MigrationFile } from '../../db/migrate.ts';
import { projectRoot } from '../node/paths.ts';

export function readMigrationFiles(dialect: 'sqlite' | 'postgres'): MigrationFile[] {
  const dir = join(projectRoot, 'migrations', dialect);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name), 'utf8') }));
}
