// A JSON answer no cache may keep (Cache-Control: no-store), for the attribute reads.
// Its headers are a plain record, not set through the context: on Node, @hono/node-server
// then writes the answer without building a Fetch API Headers and sorting it, which
// c.header() and c.json() do for any answer with more than one header (README, Performance).
// The request id and the security headers are added on the way out as for any answer.

export function noStoreJson(body: unknown): Response {
  return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } });
}
