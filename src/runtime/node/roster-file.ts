// Reads the operator's roster of standard agreements (TROVE_TERMS_FILE): a JSON array of
// {id, title, summary, source}. A bad file stops start-up, naming what is wrong.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../config.ts';
import { rosterSchema, type Term } from '../../features/terms/roster.ts';

export function loadRoster(file: string): readonly Term[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`Invalid configuration:\n  TROVE_TERMS_FILE: cannot read JSON from ${file}: ${err instanceof Error ? err.message : err}`);
  }
  const parsed = rosterSchema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new ConfigError(`Invalid configuration:\n  TROVE_TERMS_FILE: ${file}: [${i.path.join('.')}] ${i.message}`);
  }
  return parsed.data;
}
