// The Node server's response class: it adds the security headers (http/security-headers.ts)
// and the request's X-Request-Id (once the app has named it: requestId) to every response
// as its head is written, the one place every answer passes — routes, errors, 404s, the
// portal's files, and heads written implicitly by a first write. Merged into the one
// writeHead call @hono/node-server makes, they cost less than set through the Fetch API's
// Headers (README, Performance). They have the final say over a header of the same name,
// as the app's middleware has where the app sets them itself.
import { ServerResponse, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';

type Head = OutgoingHttpHeaders | readonly unknown[] | undefined;

export type SecureResponse = ServerResponse & { requestId?: string };

export function secureResponseClass(headers: Readonly<Record<string, string>>): typeof ServerResponse {
  return class SecureResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
    /** This answer's X-Request-Id (observe.ts names it before the app answers). */
    requestId: string | undefined = undefined;

    override writeHead(status: number, message?: string | Head, given?: Head): this {
      const [text, head] = typeof message === 'string' ? [message, given] : [undefined, message];
      // Raw header arrays could name a header twice; nothing here writes them, so refuse
      // rather than let one slip past ours.
      if (Array.isArray(head)) throw new TypeError('writeHead with a header array is not supported here');
      // Header names are case-insensitive: one of ours replaces the given one in any case.
      const merged: OutgoingHttpHeaders = {};
      for (const name in head) {
        const lower = name.toLowerCase();
        if (!Object.hasOwn(headers, lower) && !(this.requestId !== undefined && lower === 'x-request-id')) merged[name] = (head as OutgoingHttpHeaders)[name];
      }
      if (this.requestId !== undefined) merged['x-request-id'] = this.requestId;
      Object.assign(merged, headers);
      return text === undefined ? super.writeHead(status, merged) : super.writeHead(status, text, merged);
    }
  };
}
