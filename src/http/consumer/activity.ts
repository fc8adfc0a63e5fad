// GET /api/me/activity: the consumer's own audit trail, newest first, cursor paged.
import { activityQuery, consumerActivity } from '../../features/activity/consumer-activity.ts';
import { route, type Route } from '../route.ts';

export const activityRoutes: Route[] = [
  route({
    method: 'get',
    path: '/api/me/activity',
    tag: 'Consumer API',
    auth: 'consumer',
    query: activityQuery,
    summary: 'Every event about me (reads, denied attempts, decisions), newest first',
    handler: async ({ deps, c, auth, query }) => {
      c.header('cache-control', 'no-store');
      return c.json(await consumerActivity(deps, auth.consumerId, query));
    },
  }),
];
