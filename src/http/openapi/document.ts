// Builds the OpenAPI 3.1 document from the route table: parameters, bodies, forms and
// answers are the JSON Schema (2020-12) of the very zod schemas the routes validate with,
// and each operation's security is the auth its entry declares.
import { z } from 'zod';
import type { AuthKind, Route } from '../route.ts';

type Operation = Route;

function schemaOf(s: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  const json = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

function parameters(o: Operation) {
  const out: Record<string, unknown>[] = [];
  for (const [where, obj] of [
    ['path', o.params],
    ['query', o.query],
  ] as const) {
    if (!obj) continue;
    const json = schemaOf(obj) as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, schema] of Object.entries(json.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema });
    }
  }
  return out;
}

const SECURITY: Record<AuthKind, Record<string, string[]>[]> = {
  none: [],
  consumer: [{ session: [], csrf: [] }],
  'consumer-step-up': [{ session: [], csrf: [] }],
  'brand-token': [{ accessToken: [] }],
  'brand-grant-token': [{ accessToken: [] }],
  client: [{ clientSecretBasic: [] }, { clientSecretPost: [] }, { privateKeyJwt: [] }],
  auditor: [{ auditorToken: [] }, { session: [] }],
  'auditor-session': [{ session: [] }],
  operator: [{ operatorToken: [] }],
};

function operation(o: Operation) {
  const ok = o.ok ?? 200;
  const isOAuth = o.tag === 'OAuth';
  return {
    tags: [o.tag],
    summary: o.summary,
    operationId: `${o.method}${o.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    security: SECURITY[o.auth],
    ...(parameters(o).length ? { parameters: parameters(o) } : {}),
    ...(o.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(o.body) } } } } : {}),
    ...(o.form ? { requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: schemaOf(o.form) } } } } : {}),
    responses: {
      [String(ok)]:
        ok === 204 || ok === 303
          ? { description: ok === 204 ? 'Done' : 'Redirect to the consent page' }
          : { description: 'Success', content: { [o.okType ?? 'application/json']: { schema: o.response ? schemaOf(o.response, 'output') : {} } } },
      '4XX': isOAuth
        ? { description: 'An RFC 6749 error', content: { 'application/json': { schema: { $ref: '#/components/schemas/OAuthError' } } } }
        : { description: 'A problem (RFC 9457)', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
    },
  };
}

export function openApiDocument(origin: string, routes: readonly Route[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const o of routes) (paths[o.path] ??= {})[o.method] = operation(o);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Trove',
      version: '0.1.0',
      summary: 'A consent-centric personal data vault',
      description:
        'Brands request attributes through OAuth (PAR + PKCE, trove_attributes authorization details) and read them through the audited data API; consumers decide through the consumer API.',
    },
    servers: [{ url: origin }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'trove_session', description: '__Host-trove_session on https origins' },
        csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token', description: 'From GET /api/me; required on state-changing calls' },
        accessToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (RFC 9068, at+jwt)' },
        clientSecretBasic: { type: 'http', scheme: 'basic' },
        auditorToken: { type: 'http', scheme: 'bearer', bearerFormat: 'opaque trv_au_… token from trove auditor add' },
        operatorToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'opaque trv_op_… token from trove operator token create, or the TROVE_OPERATOR_TOKEN secret',
        },
        clientSecretPost: {
          type: 'apiKey',
          in: 'query',
          name: 'client_secret',
          description: 'client_secret_post (RFC 6749 §2.3.1): the client secret sent in the form body with client_id',
        },
        privateKeyJwt: {
          type: 'apiKey',
          in: 'query',
          name: 'client_assertion',
          description: 'RFC 7523 client assertion, sent in the form body with client_assertion_type',
        },
      },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            request_id: { type: 'string' },
            invalid_params: { type: 'array', items: { type: 'object' } },
          },
        },
        OAuthError: { type: 'object', required: ['error'], properties: { error: { type: 'string' }, error_description: { type: 'string' } } },
      },
    },
  };
}
