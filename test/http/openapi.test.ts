import { Validator } from '@seriousme/openapi-schema-validator';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { testDeps } from '../helpers/deps.ts';

let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  app = createApp(await testDeps());
});

describe('the OpenAPI document', () => {
  it('validates as OpenAPI 3.1 with a real validator', async () => {
    const doc = await (await app.request('/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('lists every route the server serves, and nothing it does not', async () => {
    const doc = await (await app.request('/openapi.json')).json();
    const served = new Set(
      app.routes
        .filter((r) => r.method !== 'ALL' && r.method !== 'HEAD' && !r.path.includes('*'))
        .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`),
    );
    const documented = new Set(
      Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)),
    );
    expect(
      [...served].filter((r) => !documented.has(r)),
      'served but undocumented',
    ).toEqual([]);
    expect(
      [...documented].filter((r) => !served.has(r)),
      'documented but not served',
    ).toEqual([]);
  });

  it('documents request bodies from the validating schemas', async () => {
    const doc = await (await app.request('/openapi.json')).json();
    const put = doc.paths['/api/me/attributes/{name}'].put;
    expect(put.requestBody.content['application/json'].schema.properties).toHaveProperty('persona');
    const par = doc.paths['/oauth/par'].post.requestBody.content['application/x-www-form-urlencoded'].schema;
    expect(par.required).toEqual(expect.arrayContaining(['response_type', 'redirect_uri', 'code_challenge', 'authorization_details']));
  });

  it('renders a readable reference page at /docs without inline script', async () => {
    const res = await app.request('/docs');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('POST /oauth/par');
    expect(page).toContain('GET /v1/attributes');
    expect(page).not.toMatch(/<script/i);
  });
});
