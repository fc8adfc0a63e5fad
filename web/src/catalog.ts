// The catalogue of well-known attributes, fetched once per visit, and the label for a name
// (custom "x-" names and the "intents" grant show as they are or in plain words).
import { api } from './api.ts';
import type { Catalog } from './types.ts';

let cached: Promise<Catalog> | null = null;

export function loadCatalog(): Promise<Catalog> {
  cached ??= api<Catalog>('/api/catalog/attributes').catch((err: unknown) => {
    cached = null;
    throw err;
  });
  return cached;
}

export function labelOf(catalog: Catalog | undefined, name: string): string {
  if (name === 'intents') return 'Your intents';
  return catalog?.attributes.find((c) => c.name === name)?.label ?? name;
}
