// The migration runner's rules, shared by every Node store: apply pending SQL files in
// name order, each with its record in d1_migrations (the table wrangler keeps on D1),
// so a database can move between Node-SQLite and D1.

export type MigrationFile = { name: string; sql: string };

export type MigrationTarget = {
  /** Names already recorded in d1_migrations (creating the table if needed). */
  applied(): Promise<string[]>;
  /** Runs one file and records it, atomically; false when another process had just done it. */
  apply(file: MigrationFile): Promise<boolean | undefined>;
};

export const MIGRATIONS_TABLE_SQL = `CREATE TABLE IF NOT EXISTS d1_migrations(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT UNIQUE,
  applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
)`;

export async function migrate(target: MigrationTarget, files: MigrationFile[]): Promise<string[]> {
  const done = new Set(await target.applied());
  const pending = files.filter((f) => !done.has(f.name)).sort((a, b) => a.name.localeCompare(b.name));
  const applied: string[] = [];
  for (const file of pending) if ((await target.apply(file)) !== false) applied.push(file.name);
  return applied;
}
