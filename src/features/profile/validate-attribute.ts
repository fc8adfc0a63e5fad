// Validates an attribute write before anything is sealed: a catalogue name with a value
// of its type, or an "x-" custom name with bounded text or JSON. Errors name the field.
import { InvalidField } from '../../errors.ts';
import { CATALOG_BY_NAME, CUSTOM_JSON_MAX, CUSTOM_NAME, CUSTOM_PREFIX, CUSTOM_TEXT_MAX } from './catalog.ts';

function depth(value: unknown, level = 0): number {
  if (level > 10 || value === null || typeof value !== 'object') return level;
  return Math.max(level + 1, ...Object.values(value).map((v) => depth(v, level + 1)));
}

/** Returns the value to store (normalised by the catalogue's schema) or throws a 400. */
export function validateAttribute(name: string, value: unknown): unknown {
  if (value === undefined) throw new InvalidField('value', 'is required');
  const entry = CATALOG_BY_NAME.get(name);
  if (entry) {
    const parsed = entry.schema.safeParse(value);
    if (!parsed.success) throw new InvalidField('value', `not a valid ${entry.label.toLowerCase()}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data;
  }
  if (!name.startsWith(CUSTOM_PREFIX)) {
    throw new InvalidField('name', `"${name.slice(0, 64)}" is not in the catalogue; custom attributes start with "x-"`);
  }
  if (!CUSTOM_NAME.test(name)) throw new InvalidField('name', 'custom names are x- followed by 1-63 lowercase letters, digits, _ or -');
  if (typeof value === 'string') {
    if (value.length === 0 || value.length > CUSTOM_TEXT_MAX) throw new InvalidField('value', `text must be 1-${CUSTOM_TEXT_MAX} characters`);
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (value === null) throw new InvalidField('value', 'must not be null; delete the attribute instead');
  if (JSON.stringify(value).length > CUSTOM_JSON_MAX) throw new InvalidField('value', `JSON must be at most ${CUSTOM_JSON_MAX} bytes`);
  if (depth(value) > 5) throw new InvalidField('value', 'JSON may nest at most 5 levels');
  return value;
}
