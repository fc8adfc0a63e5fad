// The catalogue of well-known attributes, fetched once per visit, and the label for a name.
// Custom attributes are stored as "x-" names; the consumer never types or sees the prefix.
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

export const CUSTOM_PREFIX = 'x-';
export const isCustom = (name: string) => name.startsWith(CUSTOM_PREFIX);

/** "x-favourite-colour" → "Favourite colour". */
export function customLabel(name: string): string {
  const words = name.slice(CUSTOM_PREFIX.length).replace(/[-_]+/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : name;
}

/** What the consumer types ("Favourite colour") → the stored name ("x-favourite-colour"), or null if nothing usable is left. */
export function customName(typed: string): string | null {
  const slug = typed
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/^x-/, '')
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return slug ? `${CUSTOM_PREFIX}${slug}` : null;
}

export function labelOf(catalog: Catalog | undefined, name: string): string {
  if (name === 'intents') return 'Your intents';
  if (isCustom(name)) return customLabel(name);
  return catalog?.attributes.find((c) => c.name === name)?.label ?? name;
}

/** A label the server sent, with custom names shown without their prefix. */
export const shownLabel = (a: { name: string; label: string }) => (isCustom(a.name) ? customLabel(a.name) : a.label);
