// GET /openapi.json and GET /docs: the document generated from the route table, and a
// readable reference page rendered on the server (no script, so the strict CSP holds).
import { html } from 'hono/html';
import { route, type Route } from '../route.ts';
import { openApiDocument } from './document.ts';

export function openApiRoutes(table: () => readonly Route[]): Route[] {
  let doc: ReturnType<typeof openApiDocument> | undefined;
  const document = (origin: string) => (doc ??= openApiDocument(origin, table()));
  return [
    route({
      method: 'get',
      path: '/openapi.json',
      tag: 'System',
      auth: 'none',
      summary: 'This OpenAPI 3.1 document',
      handler: ({ deps, c }) => {
        c.header('cache-control', 'public, max-age=300');
        return c.json(document(deps.config.origin));
      },
    }),
    route({
      method: 'get',
      path: '/docs',
      tag: 'System',
      auth: 'none',
      summary: 'The API reference as a page',
      okType: 'text/html',
      handler: ({ deps, c }) => {
        const d = document(deps.config.origin);
        const routes = table();
        const tags = [...new Set(routes.map((o) => o.tag))];
        const body = tags.map(
          (tag) =>
            html`<section><h2>${tag}</h2>${routes
              .filter((o) => o.tag === tag)
              .map((o) => {
                const spec = d.paths[o.path]![o.method] as { parameters?: unknown[]; requestBody?: { content: Record<string, { schema: unknown }> } };
                const request = spec.requestBody ? Object.entries(spec.requestBody.content)[0] : undefined;
                return html`<article id="${o.method}-${o.path}"><h3><code>${o.method.toUpperCase()} ${o.path}</code></h3><p>${o.summary}</p>
<p class="auth">Authentication: ${o.auth}${o.limit ? html` · rate limit: ${o.limit}` : ''}</p>
${spec.parameters ? html`<details><summary>Parameters</summary><pre>${JSON.stringify(spec.parameters, null, 2)}</pre></details>` : ''}
${request ? html`<details><summary>Request body (${request[0]})</summary><pre>${JSON.stringify(request[1].schema, null, 2)}</pre></details>` : ''}
</article>`;
              })}</section>`,
        );
        return c.html(html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Trove API reference</title><link rel="stylesheet" href="/style.css"></head>
<body><main><h1>Trove API reference</h1><p>Generated from the route table and the schemas that validate each request. Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
${body}</main></body></html>`);
      },
    }),
  ];
}
