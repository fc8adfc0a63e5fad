// The portal's weight as a phone downloads it: the JavaScript the first page loads (the
// entry script and the modules it preloads, read from the built index.html) and the CSS,
// each gzip-compressed. The budget for the first page's JavaScript is 80 KB gzip.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const FIRST_PAGE_JS_BUDGET = 80 * 1024;

export type PortalSize = { firstPageJs: number; firstPageFiles: string[]; css: number; allJs: number };

const gz = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length;

export function portalSize(dist: string): PortalSize {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const refs = (re: RegExp) => [...html.matchAll(re)].map((m) => m[1]!.replace(/^\//, ''));
  const scripts = [...refs(/<script[^>]*\ssrc="([^"]+)"/g), ...refs(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)];
  const styles = refs(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g);
  const assets = readdirSync(join(dist, 'assets'));
  return {
    firstPageJs: scripts.reduce((n, f) => n + gz(join(dist, f)), 0),
    firstPageFiles: scripts,
    css: styles.reduce((n, f) => n + gz(join(dist, f)), 0),
    allJs: assets.filter((f) => f.endsWith('.js')).reduce((n, f) => n + gz(join(dist, 'assets', f)), 0),
  };
}

export const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

export function describeSize(s: PortalSize): string {
  return (
    `portal: first page JavaScript ${kb(s.firstPageJs)} gzip (budget ${kb(FIRST_PAGE_JS_BUDGET)}; ${s.firstPageFiles.join(', ')}), ` +
    `CSS ${kb(s.css)} gzip, all JavaScript ${kb(s.allJs)} gzip`
  );
}
