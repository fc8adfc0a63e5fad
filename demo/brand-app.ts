// "Stride & Co", the demo brand: a small shoe shop that asks Trove for your sizes in
// exchange for 10% off, through the real flow — PAR with PKCE, the consumer's consent in
// Trove, code exchange, an audited read — and that listens for Trove's signed revocation
// events, deleting what the grant covered when one arrives and saying so (what brands are
// expected to do). Server-rendered pages, no inline script or style. State lives in memory.
import { createHash, randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import * as jose from 'jose';

export type DemoConfig = { troveOrigin: string; publicUrl: string; clientId: string; clientSecret: string };
export type DemoEvent = { at: string; type: string; grant_id?: string };

const REQUESTED = ['shoe_size', 'clothing_size'];
const OPTIONAL = ['interests', 'email'];
const LABELS: Record<string, string> = { shoe_size: 'Shoe size', clothing_size: 'Clothing size', interests: 'Interests', email: 'Email' };

const when = (iso: string) => `${iso.slice(0, 19).replace('T', ' ')} UTC`;
const esc = (v: unknown) => String(v).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const show = (v: unknown) =>
  typeof v === 'string'
    ? v
    : Array.isArray(v)
      ? v.join(', ')
      : v && typeof v === 'object'
        ? Object.entries(v)
            .map(([k, x]) => `${k}: ${x}`)
            .join(', ')
        : String(v);

export function createDemoBrand(cfg: DemoConfig) {
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(cfg.clientId)}:${encodeURIComponent(cfg.clientSecret)}`).toString('base64')}`;
  const pending = new Map<string, string>(); // state → PKCE verifier
  const session: {
    tokens?: { access_token: string; refresh_token?: string; grant_id: string };
    values?: Record<string, unknown>;
    missing?: string[];
    refused?: string;
    revokedAt?: string;
    /** What was deleted on the grant's end, when and why: the shop keeps the fact, not the data. */
    deleted?: { at: string; names: string[]; why: 'revoked' | 'expired' };
  } = {};
  const events: DemoEvent[] = [];
  const jwks = jose.createRemoteJWKSet(new URL('/.well-known/jwks.json', cfg.troveOrigin));

  const form = (path: string, params: Record<string, string>) =>
    fetch(new URL(path, cfg.troveOrigin), {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params),
    });

  async function readNow() {
    if (!session.tokens) return;
    let res = await fetch(new URL('/v1/attributes', cfg.troveOrigin), { headers: { authorization: `Bearer ${session.tokens.access_token}` } });
    if (res.status === 401 && session.tokens.refresh_token) {
      const refreshed = await form('/oauth/token', { grant_type: 'refresh_token', refresh_token: session.tokens.refresh_token });
      if (refreshed.ok) {
        session.tokens = { ...session.tokens, ...(await refreshed.json()) };
        res = await fetch(new URL('/v1/attributes', cfg.troveOrigin), { headers: { authorization: `Bearer ${session.tokens!.access_token}` } });
      }
    }
    if (res.ok) {
      const body = (await res.json()) as { attributes: Record<string, unknown>; missing: string[] };
      session.values = body.attributes;
      session.missing = body.missing;
      session.refused = undefined;
    } else {
      const body = (await res.json().catch(() => ({}))) as { detail?: string; error_description?: string };
      session.refused = `${res.status}: ${body.detail ?? body.error_description ?? 'refused'}`;
    }
  }

  /** Deletes every value the ended grant covered (the event names them; else all we hold). */
  function forget(at: string, why: 'revoked' | 'expired', covered: string[] | undefined) {
    const held = Object.keys(session.values ?? {});
    const names = covered?.length ? covered : held;
    for (const n of names) delete session.values?.[n];
    if (session.values && !Object.keys(session.values).length) session.values = undefined;
    session.missing = undefined;
    session.deleted = { at, why, names: names.filter((n) => held.includes(n)) };
  }

  const page = (
    body: string,
  ) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Stride &amp; Co</title><link rel="stylesheet" href="/style.css"></head><body><header><h1>Stride &amp; Co</h1><p>Shoes and clothes that fit.</p></header><main>${body}</main></body></html>`;

  const app = new Hono();
  app.use(async (c, next) => {
    await next();
    c.header(
      'content-security-policy',
      `default-src 'none'; style-src 'self'; form-action 'self' ${new URL(cfg.troveOrigin).origin}; frame-ancestors 'none'; base-uri 'none'`,
    );
    c.header('referrer-policy', 'no-referrer');
    c.header('x-content-type-options', 'nosniff');
  });
  app.get('/style.css', (c) => c.body(STYLE, 200, { 'content-type': 'text/css' }));
  app.get('/privacy', (c) =>
    c.html(page('<h2>Privacy</h2><p>We use your sizes to suggest what fits, keep them for 30 days after you stop sharing, and never sell them.</p>')),
  );
  app.get('/', (c) => {
    const parts: string[] = [];
    if (session.revokedAt)
      parts.push(
        `<p class="notice" role="status" data-testid="revoked-notice">Your consent was revoked at ${esc(when(session.revokedAt))}. We no longer receive your data.</p>`,
      );
    if (session.deleted) {
      const what = session.deleted.names.length ? session.deleted.names.map((n) => LABELS[n] ?? n).join(', ') : 'nothing was left to delete';
      const why = session.deleted.why === 'revoked' ? 'you revoked access in Trove' : 'your grant in Trove expired';
      parts.push(
        `<p class="notice" data-testid="deleted-notice">Your data was deleted at ${esc(when(session.deleted.at))} because ${why}: ${esc(what)}. We hold none of it now.</p>`,
      );
    }
    if (session.values) {
      const rows = Object.entries(session.values)
        .map(([k, v]) => `<tr><th scope="row">${esc(LABELS[k] ?? k)}</th><td data-testid="value-${esc(k)}">${esc(show(v))}</td></tr>`)
        .join('');
      parts.push(`<section aria-labelledby="got"><h2 id="got">What you shared with us</h2><table>${rows}</table>`);
      if (session.missing?.length) parts.push(`<p data-testid="not-shared">Not shared: ${esc(session.missing.map((m) => LABELS[m] ?? m).join(', '))}</p>`);
      parts.push('<p>Your 10% discount code: <strong>STRIDE10</strong></p></section>');
    }
    if (session.refused) parts.push(`<p class="error" role="alert" data-testid="read-refused">Trove refused our read (${esc(session.refused)}).</p>`);
    if (session.tokens) parts.push('<form method="post" action="/read-again"><button type="submit">Read my sizes again</button></form>');
    parts.push(`<section aria-labelledby="offer"><h2 id="offer">Share your sizes for 10% off</h2><p>We ask Trove for your shoe and clothing size (and, if you like, your interests and email) to suggest what fits, for 90 days.</p>
<form method="post" action="/start"><button type="submit" data-testid="start">Share your sizes for 10% off</button></form></section>`);
    if (events.length)
      parts.push(
        `<section aria-labelledby="ev"><h2 id="ev">Events from Trove</h2><ul>${events.map((e) => `<li>${esc(e.at)}: ${esc(e.type)}</li>`).join('')}</ul></section>`,
      );
    return c.html(page(parts.join('\n')));
  });
  app.post('/start', async (c) => {
    const state = randomBytes(16).toString('base64url');
    const verifier = randomBytes(32).toString('base64url');
    pending.set(state, verifier);
    const res = await form('/oauth/par', {
      response_type: 'code',
      client_id: cfg.clientId,
      redirect_uri: `${cfg.publicUrl}/callback`,
      state,
      code_challenge_method: 'S256',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      authorization_details: JSON.stringify([
        {
          type: 'trove_attributes',
          attributes: REQUESTED,
          optional_attributes: OPTIONAL,
          purpose: 'https://w3id.org/dpv#PersonalisedAdvertising',
          purpose_description: 'Suggest shoes and clothes in your size',
          value: { kind: 'discount', description: '10% off your next order', amount: 10, unit: 'percent' },
          access: 'ongoing',
          duration: 'P90D',
          retention: 'P30D',
        },
      ]),
    });
    if (res.status !== 201) return c.html(page(`<p role="alert">Trove refused the request (${res.status}).</p>`), 502);
    const { request_uri } = (await res.json()) as { request_uri: string };
    const to = new URL('/oauth/authorize', cfg.troveOrigin);
    to.search = new URLSearchParams({ client_id: cfg.clientId, request_uri }).toString();
    return c.redirect(to.toString(), 303);
  });
  app.get('/callback', async (c) => {
    const { code, state, iss, error } = c.req.query();
    const verifier = state ? pending.get(state) : undefined;
    if (error) return c.html(page(`<p role="status" data-testid="denied">You chose not to share (${esc(error)}). No problem.</p><p><a href="/">Back</a></p>`));
    if (!code || !verifier || iss !== new URL(cfg.troveOrigin).origin)
      return c.html(page('<p role="alert">This answer does not belong to a request we made.</p>'), 400);
    pending.delete(state!);
    const res = await form('/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: `${cfg.publicUrl}/callback`, code_verifier: verifier });
    if (!res.ok) return c.html(page(`<p role="alert">The code exchange failed (${res.status}).</p>`), 502);
    session.tokens = await res.json();
    session.revokedAt = undefined;
    session.deleted = undefined;
    await readNow();
    return c.redirect('/', 303);
  });
  app.post('/read-again', async (c) => {
    await readNow();
    return c.redirect('/', 303);
  });
  app.post('/webhook', async (c) => {
    try {
      const { payload } = await jose.jwtVerify(await c.req.text(), jwks, {
        issuer: new URL(cfg.troveOrigin).origin,
        audience: cfg.clientId,
        typ: 'secevent+jwt',
      });
      for (const [type, detail] of Object.entries((payload.events ?? {}) as Record<string, { grant_id?: string; attributes?: string[] }>)) {
        const short = type.split('/').at(-1)!;
        const at = new Date().toISOString();
        events.push({ at, type: short, grant_id: detail.grant_id });
        if ((short === 'grant.revoked' || short === 'grant.expired') && detail.grant_id === session.tokens?.grant_id) {
          if (short === 'grant.revoked') session.revokedAt = at;
          forget(at, short === 'grant.revoked' ? 'revoked' : 'expired', detail.attributes);
        }
      }
      return c.body(null, 202);
    } catch {
      return c.body(null, 400);
    }
  });
  return { app, events, session };
}

const STYLE = `:root{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2330;background:#fbfaf7;line-height:1.5}
body{margin:0 auto;max-width:40rem;padding:1rem}header{border-bottom:2px solid #2f5d50;margin-bottom:1rem}h1{margin:.2rem 0;color:#2f5d50}
button{font:inherit;padding:.6rem 1rem;border-radius:.4rem;border:0;background:#2f5d50;color:#fff;cursor:pointer}button:focus-visible{outline:3px solid #e0a526;outline-offset:2px}
table{border-collapse:collapse}th,td{text-align:left;padding:.3rem .8rem .3rem 0}.notice{background:#fff4d6;padding:.6rem;border-radius:.4rem}.error{background:#fde8e8;padding:.6rem;border-radius:.4rem}`;
