// Reads JSON bodies once, before any route: a body that is not valid JSON is refused with
// a clear 400; so is a NUL character anywhere in the URL or the JSON (no field needs one;
// PostgreSQL text refuses it). Another content type at the JSON API is answered 415 by
// the route pipeline, after its CSRF check (a cross-site form is a forgery first).
import type { MiddlewareHandler } from 'hono';
import { BadRequest, UnsupportedMediaType } from '../errors.ts';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The JSON API takes JSON only (415 otherwise). */
export function requireJsonType(method: string, contentType: string | undefined): void {
  if (WITH_BODY.has(method) && contentType && !/json/i.test(contentType)) throw new UnsupportedMediaType('application/json');
}

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
    }
    await next();
  };
}
