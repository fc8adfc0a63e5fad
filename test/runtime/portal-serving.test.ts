// The built portal on Node: every page and file with the security headers, deep links
// answered with index.html, unknown paths still 404 problems, hashed assets cached; the
// build has no inline script or style and its first page's JavaScript fits 80 KB gzip.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { portalRoot } from '../../src/runtime/node/paths.ts';
import { portalFiles } from '../../src/runtime/node/portal-files.ts';
import { FIRST_PAGE_JS_BUDGET, portalSize } from '../../scripts/portal-size.ts';
import { testDeps } from '../helpers/deps.ts';

let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  const staticFiles = portalFiles(portalRoot);
  if (!staticFiles) throw new Error('web/dist is missing: the global setup builds it');
  app = createApp(await testDeps(), { staticFiles });
});

function expectSecurityHeaders(res: Response) {
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("style-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).not.toContain('unsafe-eval');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
}

describe('the portal on Node', () => {
  it('answers every portal page, including deep links, with index.html and the security headers', async () => {
    const index = readFileSync(join(portalRoot, 'index.html'), 'utf8');
    for (const path of [
      '/',
      '/consent?request=abc',
      '/grants/abc123',
      '/activity?brand=x',
      '/settings',
      '/auditor',
      '/auditor/enrol',
      '/signin?next=%2Fgrants',
    ]) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expectSecurityHeaders(res);
      expect(await res.text()).toBe(index);
    }
  });

  it('serves hashed assets with the headers and a year of caching, precompressed when asked', async () => {
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(readFileSync(join(portalRoot, 'index.html'), 'utf8'))![1]!;
    const res = await app.request(script, { headers: { 'accept-encoding': 'gzip, br' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('content-encoding')).toBe('br');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expectSecurityHeaders(res);
  });

  it('keeps unknown paths, API paths and missing assets as 404 problems', async () => {
    for (const path of ['/nope', '/grants/a/b/c', '/api/nope', '/v1/nope', '/assets/missing.js', '/consent.html']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
  });
});

describe('the portal build', () => {
  it('has no inline script or style in its page', () => {
    const html = readFileSync(join(portalRoot, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/<style/);
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).not.toMatch(/\son[a-z]+=/);
  });

  it('keeps the first page’s JavaScript within 80 KB gzip', () => {
    const size = portalSize(portalRoot);
    console.log(`first page JavaScript: ${(size.firstPageJs / 1024).toFixed(1)} KB gzip (${size.firstPageFiles.join(', ')})`);
    expect(size.firstPageFiles.length).toBeGreaterThan(0);
    expect(size.firstPageJs).toBeLessThanOrEqual(FIRST_PAGE_JS_BUDGET);
  });
});
