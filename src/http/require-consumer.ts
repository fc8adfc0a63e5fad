// Guards /api/me: a signed-in consumer session is required.
import type { MiddlewareHandler } from 'hono';
import { Unauthorized } from '../errors.ts';
import type { AppEnv } from './context.ts';

export const requireConsumer: MiddlewareHandler<AppEnv> = async (c, next) => {
  const session = c.get('session');
  if (!session || session.subjectType !== 'consumer') throw new Unauthorized('Sign in with your passkey first.');
  await next();
};

/** The signed-in consumer's id (only after requireConsumer). */
export function consumerId(c: { get(key: 'session'): AppEnv['Variables']['session'] }): string {
  return c.get('session')!.subjectId;
}
