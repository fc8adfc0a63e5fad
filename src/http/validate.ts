// Request validation with zod through Hono's validator: JSON bodies, queries and path
// parameters. A failure is a 400 problem naming every offending field.
import type { ValidationTargets } from 'hono';
import { validator } from 'hono/validator';
import type { z } from 'zod';
import { BadRequest } from '../errors.ts';

function check<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const invalid = parsed.error.issues.slice(0, 20).map((i) => ({
    name: [where, ...i.path.map(String)].filter(Boolean).join('.') || where,
    reason: i.message,
  }));
  const first = invalid[0]!;
  throw new BadRequest(`${first.name}: ${first.reason}`, { invalid_params: invalid });
}

export const body = <S extends z.ZodType>(schema: S) =>
  validator('json', (value) => check(schema, value, '') as ValidationTargets['json'] & z.infer<S>);

export const query = <S extends z.ZodType>(schema: S) =>
  validator('query', (value) => check(schema, value, 'query') as z.infer<S>);

export const params = <S extends z.ZodType>(schema: S) =>
  validator('param', (value) => check(schema, value, 'path') as z.infer<S>);
