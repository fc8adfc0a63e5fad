// GET /api/me/activity: the consumer's own audit trail, newest first, cursor paged.
import { Hono } from 'hono';
import type { Deps } from '../../deps.ts';
import { activityQuery, consumerActivity } from '../../features/activity/consumer-activity.ts';
import type { AppEnv } from '../context.ts';
import { consumerId } from '../require-consumer.ts';
import { query } from '../validate.ts';

export function activityRoutes(deps: Deps) {
  return new Hono<AppEnv>().get('/api/me/activity', query(activityQuery), async (c) => {
    c.header('cache-control', 'no-store');
    return c.json(await consumerActivity(deps, consumerId(c), c.req.valid('query')));
  });
}
