// Validates an attribute write before anything is sealed: a catalogue name with a value
// of its type, or an "x-" custom name with bounded text or JSON. Errors name the field.
import { BadRequest } from '../../errors.ts';
import { CATALOG_BY_NAME, CUSTOM_JSON_MAX, CUSTOM_NAME, CUSTOM_PREFIX, CUSTOM_TEXT_MAX } from './catalog.ts';

export function invalid(field: string, reason: string): BadRequest {
  return new BadRequest(`${field}: ${reason}`, { invalid_params: [{ name: field, reason }] });
}

function depth(value: unknown, level = 0): number {
  if (level > 10 || value === null || typeof value !== 'object') return level;
  return Math.max(level + 1, ...Object.values(value).map((v) => depth(v, level + 1)));
}

/** Returns the value to store (normalised by the catalogue's schema) or throws a 400. */
export function validateAttribute(name: string, value: unknown): unknown {
  if (value === undefined) throw invalid('value', 'is required');
  const entry = CATALOG_BY_NAME.get(name);
  if (entry) {
    const parsed = entry.schema.safeParse(value);
    if (!parsed.success) throw invalid('value', `not a valid ${entry.label.toLowerCase()}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data;
  }
  if (!name.startsWith(CUSTOM_PREFIX)) {
    throw invalid('name', `"${name.slice(0, 64)}" is not in the catalogue; custom attributes start with "x-"`);
  }
  if (!CUSTOM_NAME.test(name)) throw invalid('name', 'custom names are x- followed by 1-63 lowercase letters, digits, _ or -');
  if (typeof value === 'string') {
    if (value.length === 0 || value.length > CUSTOM_TEXT_MAX) throw invalid('value', `text must be 1-${CUSTOM_TEXT_MAX} characters`);
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (value === null) throw invalid('value', 'must not be null; delete the attribute instead');
  if (JSON.stringify(value).length > CUSTOM_JSON_MAX) throw invalid('value', `JSON must be at most ${CUSTOM_JSON_MAX} bytes`);
  if (depth(value) > 5) throw invalid('value', 'JSON may nest at most 5 levels');
  return value;
}
