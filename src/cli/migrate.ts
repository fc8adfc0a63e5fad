// `trove migrate`: applies pending migrations to the configured database.
import type { Config } from '../config.ts';
import { systemClock } from '../clock.ts';
import { openStore } from '../runtime/node/deps.ts';
import { migrationsAudit } from '../boot.ts';
import { output, parse } from './args.ts';

export const MIGRATE_HELP = `Usage: trove migrate [--json]

Applies pending SQL migrations to the configured database (TROVE_DATA_DIR or DATABASE_URL).
The server also does this at start-up; this command lets an operator do it ahead of time.`;

export async function migrateCommand(argv: string[], config: Config): Promise<number> {
  const { values } = parse(argv, {});
  if (values.help) return help(MIGRATE_HELP);
  const { store, applied } = await openStore(config, systemClock);
  try {
    if (applied.length) await store.commit({ audit: [migrationsAudit(applied)] });
  } finally {
    await store.close();
  }
  output(values.json, { applied }, applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
  return 0;
}

export function help(text: string): number {
  process.stdout.write(`${text}\n`);
  return 0;
}
