// A demo shop ("Stride & Co" or "Pace Running", demo-shops.ts): asks Trove for your sizes in
// exchange for value through the real flow — PAR with PKCE, the consumer's consent in Trove,
// code exchange, an audited read — then records the value it gave in your Trove value
// ledger and countersigns the consent receipt, so both sides hold the same record. It
// answers intents on the market with offers (market-answer.ts), and listens for Trove's
// signed events, deleting what a revoked or expired grant covered and saying so (what brands
// are expected to do). Server-rendered pages, no inline script or style; state in memory.
import { createHash, randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import * as jose from 'jose';
import { ledgerEntry, type Shop } from '../src/features/operators/demo-shops.ts';
import { esc, page as framed, show, style, when } from './brand-page.ts';
import { createMarketAnswerer, type Pending } from './market-answer.ts';

export type DemoConfig = { troveOrigin: string; publicUrl: string; clientId: string; clientSecret: string; shop: Shop };
export type DemoEvent = { at: string; type: string; grant_id?: string };

const LABELS: Record<string, string> = { shoe_size: 'Shoe size', clothing_size: 'Clothing size', interests: 'Interests', email: 'Email' };

export function createDemoBrand(cfg: DemoConfig) {
  const shop = cfg.shop;
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(cfg.clientId)}:${encodeURIComponent(cfg.clientSecret)}`).toString('base64')}`;
  const pending = new Map<string, Pending>();
  const session: {
    tokens?: { access_token: string; refresh_token?: string; grant_id: string };
    values?: Record<string, unknown>;
    missing?: string[];
    refused?: string;
    revokedAt?: string;
    /** What was deleted on the grant's end, when and why: the shop keeps the fact, not the data. */
    deleted?: { at: string; names: string[]; why: 'revoked' | 'expired' };
    /** The value given for the grant, recorded in Trove, and whether the receipt is countersigned. */
    reward?: { description: string; code: string; recorded: boolean; countersigned: boolean };
  } = {};
  const events: DemoEvent[] = [];
  const jwks = jose.createRemoteJWKSet(new URL('/.well-known/jwks.json', cfg.troveOrigin));
  const page = (body: string) => framed(shop, body);

  const form = (path: string, params: Record<string, string>) =>
    fetch(new URL(path, cfg.troveOrigin), {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params),
    });
  const market = createMarketAnswerer({ troveOrigin: cfg.troveOrigin, publicUrl: cfg.publicUrl, shop, form, pending });
  const asGrant = (path: string, body: unknown) =>
    fetch(new URL(path, cfg.troveOrigin), {
      method: 'POST',
      headers: { authorization: `Bearer ${session.tokens!.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
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

  /** Gives the value (a code), records it in the consumer's Trove ledger, and countersigns the receipt. */
  async function giveValue(p: Pending) {
    const grant = encodeURIComponent(session.tokens!.grant_id);
    const reference = `${p.code}-${randomBytes(3).toString('hex').toUpperCase()}`;
    const recorded = await asGrant(`/v1/grants/${grant}/value`, ledgerEntry(p.reward, reference));
    const countersigned = await asGrant(`/v1/grants/${grant}/receipt/countersign`, {});
    session.reward = { description: p.reward.description, code: reference, recorded: recorded.status === 201, countersigned: countersigned.ok };
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
  const css = style(shop);
  app.get('/style.css', (c) => c.body(css, 200, { 'content-type': 'text/css' }));
  app.get('/privacy', (c) =>
    c.html(page('<h2>Privacy</h2><p>We use your sizes to suggest what fits, keep them for 30 days after you stop sharing, and never sell them.</p>')),
  );
  app.get('/', async (c) => {
    await market.refresh();
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
      parts.push('</section>');
    }
    if (session.reward)
      parts.push(
        `<section aria-labelledby="given"><h2 id="given">What we gave you</h2><p data-testid="reward">${esc(session.reward.description)}: your code <strong>${esc(session.reward.code)}</strong>.</p>` +
          `<p data-testid="reward-record">${session.reward.recorded ? 'Recorded in your Trove value ledger.' : 'We could not record it in your Trove value ledger.'} ${session.reward.countersigned ? 'We countersigned your consent receipt: we both hold the same record.' : ''}</p></section>`,
      );
    if (session.refused) parts.push(`<p class="error" role="alert" data-testid="read-refused">Trove refused our read (${esc(session.refused)}).</p>`);
    if (session.tokens) parts.push('<form method="post" action="/read-again"><button type="submit">Read my sizes again</button></form>');
    parts.push(`<section aria-labelledby="offer"><h2 id="offer">${esc(shop.ask.heading)}</h2><p>${esc(shop.ask.blurb)}</p>
<form method="post" action="/start"><button type="submit" data-testid="start">${esc(shop.ask.heading)}</button></form></section>`);
    if (market.offers.length)
      parts.push(
        `<section aria-labelledby="mk"><h2 id="mk">Our offers on the Trove market</h2><p>We see what people look for, never who they are.</p><ul>${market.offers
          .map(
            (o) =>
              `<li data-market-offer="${esc(o.id)}">“${esc(o.text)}”: ${esc(shop.market.offer.description)} — <span>${esc(o.status.replace('_', ' '))}</span></li>`,
          )
          .join('')}</ul></section>`,
      );
    if (events.length)
      parts.push(
        `<section aria-labelledby="ev"><h2 id="ev">Events from Trove</h2><ul>${events.map((e) => `<li>${esc(e.at)}: ${esc(e.type)}</li>`).join('')}</ul></section>`,
      );
    return c.html(page(parts.join('\n')));
  });
  app.post('/start', async (c) => {
    const state = randomBytes(16).toString('base64url');
    const verifier = randomBytes(32).toString('base64url');
    const ask = shop.ask;
    pending.set(state, { verifier, reward: ask.value, code: ask.code });
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
          attributes: ask.attributes,
          ...(ask.optional.length ? { optional_attributes: ask.optional } : {}),
          purpose: 'https://w3id.org/dpv#PersonalisedAdvertising',
          purpose_description: ask.purpose_description,
          value: { kind: ask.value.kind, description: ask.value.description, amount: ask.value.amount, unit: ask.value.currency ?? ask.value.unit },
          access: 'ongoing',
          duration: shop.key === 'stride' ? 'P90D' : 'P30D',
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
    const p = state ? pending.get(state) : undefined;
    if (error) return c.html(page(`<p role="status" data-testid="denied">You chose not to share (${esc(error)}). No problem.</p><p><a href="/">Back</a></p>`));
    if (!code || !p || iss !== new URL(cfg.troveOrigin).origin)
      return c.html(page('<p role="alert">This answer does not belong to a request we made.</p>'), 400);
    pending.delete(state!);
    const res = await form('/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: `${cfg.publicUrl}/callback`, code_verifier: p.verifier });
    if (!res.ok) return c.html(page(`<p role="alert">The code exchange failed (${res.status}).</p>`), 502);
    session.tokens = await res.json();
    session.revokedAt = undefined;
    session.deleted = undefined;
    await readNow();
    if (session.values) await giveValue(p);
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
        if (short === 'intent.created') void market.answerOpen();
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
  return { app, events, session, market };
}
