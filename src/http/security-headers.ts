// The security headers of every response, defined once: a CSP without inline script and
// framing refused (frame-ancestors 'none' and X-Frame-Options DENY for browsers that
// only read the older header), no referrer, nosniff, same-origin COOP/CORP, and HSTS only
// when the origin is https (over http browsers must ignore it, RFC 6797 §8.1, so on the
// development origin it would only claim a protection not in place). The app sets them
// after each handler (src/app.ts); the Node server adds them as it writes a response's
// head instead (src/runtime/node/secure-response.ts), where they cost less than going
// through the Fetch API's Headers.

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' https: data:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** Lower-case header names to values, for `origin` (the public origin). */
export function securityHeaders(origin: string): Readonly<Record<string, string>> {
  return Object.freeze({
    'content-security-policy': CSP,
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'referrer-policy': 'no-referrer',
    ...(origin.startsWith('https://') ? { 'strict-transport-security': 'max-age=15552000; includeSubDomains' } : {}),
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-frame-options': 'DENY',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0',
  });
}
