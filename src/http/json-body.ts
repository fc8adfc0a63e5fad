// Reads JSON bodies once, before any route: a body that is not valid JSON, or is sent
// with another content type to a JSON endpoint, is refused with a clear 4xx.
import type { MiddlewareHandler } from 'hono';
import { BadRequest, UnsupportedMediaType } from '../errors.ts';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function jsonBody(): MiddlewareHandler {
  return async (c, next) => {
    const type = c.req.header('content-type') ?? '';
    if (WITH_BODY.has(c.req.method) && /^application\/([\w.+-]+\+)?json\b/i.test(type)) {
      const text = await c.req.text();
      if (text.length > 0) {
        try {
          JSON.parse(text);
        } catch {
          throw new BadRequest('The request body is not valid JSON.');
        }
      }
    } else if (c.req.path.startsWith('/api/') && WITH_BODY.has(c.req.method) && type && !/json/i.test(type)) {
      throw new UnsupportedMediaType('application/json');
    }
    await next();
  };
}
