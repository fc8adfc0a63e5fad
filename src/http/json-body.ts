// Reads JSON bodies once, before any route: a body that is not valid JSON, or is sent
// with another content type to a JSON endpoint, is refused with a clear 4xx; so is a NUL
// character anywhere in the URL or the JSON (no field needs one; PostgreSQL text refuses it).
import type { MiddlewareHandler } from 'hono';
import { BadRequest, UnsupportedMediaType } from '../errors.ts';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function jsonBody(): MiddlewareHandler {
  return async (c, next) => {
    if (/%00|\0/.test(c.req.url)) throw new BadRequest('The URL may not contain NUL characters (%00).');
    const type = c.req.header('content-type') ?? '';
    if (WITH_BODY.has(c.req.method) && /^application\/([\w.+-]+\+)?json\b/i.test(type)) {
      const text = await c.req.text();
      if (text.length > 0) {
        let nul = false;
        try {
          JSON.parse(text, (key, value: unknown) => {
            if (key.includes('\0') || (typeof value === 'string' && value.includes('\0'))) nul = true;
            return value;
          });
        } catch {
          throw new BadRequest('The request body is not valid JSON.');
        }
        // PostgreSQL text cannot hold NUL, and no field of Trove's needs one.
        if (nul) throw new BadRequest('The request body may not contain NUL characters (\\u0000).');
      }
    } else if (c.req.path.startsWith('/api/') && WITH_BODY.has(c.req.method) && type && !/json/i.test(type)) {
      throw new UnsupportedMediaType('application/json');
    }
    await next();
  };
}
