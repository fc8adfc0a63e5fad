// Request validation with zod: path parameters, queries and JSON bodies are parsed by the
// schemas their route table entry names. A failure is a 400 problem naming every
// offending field (never echoing a value).
import type { z } from 'zod';
import { BadRequest } from '../errors.ts';

/** The value as the schema parses it, or a 400 problem naming every offending field. */
export function checked<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const invalid = parsed.error.issues.slice(0, 20).map((i) => ({
    name: [where, ...i.path.map(String)].filter(Boolean).join('.') || where,
    reason: i.message,
  }));
  const first = invalid[0]!;
  throw new BadRequest(`${first.name}: ${first.reason}`, { invalid_params: invalid });
}
