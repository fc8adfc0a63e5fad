// The demo brand against a real Trove process: registered through the CLI, the offer
// runs PAR → consent → token → read, the shop shows exactly the approved values, and
// after the consumer revokes, the signed revocation event arrives, the shop deletes what the
// grant covered and says so, and the next read is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerDemoBrand } from '../../demo/register.ts';
import { startDemoBrand } from '../../demo/start-demo-brand.ts';
import { caller, type Caller } from '../helpers/consumer.ts';
import { liveServer, type LiveServer } from '../helpers/live-server.ts';
import { sessionCookie, signUp } from '../helpers/passkey-client.ts';
import { unusedPort } from '../helpers/unused-port.ts';

let live: LiveServer;
let demo: Awaited<ReturnType<typeof startDemoBrand>>;
let me: Caller;

beforeAll(async () => {
  live = await liveServer({ TROVE_WEBHOOK_ALLOW_PRIVATE: 'true' });
  await live.start();
  const port = await unusedPort();
  const brand = registerDemoBrand(live.cliEnv(), `http://localhost:${port}`);
  demo = await startDemoBrand({ troveOrigin: live.origin, port, clientId: brand.client_id, clientSecret: brand.client_secret });
  const { res } = await signUp(live.asApp as never, live.origin);
  const body = await res.json();
  me = caller(live.asApp as never, sessionCookie(res)!, body.csrf_token, body.consumer.id);
  for (const [name, value] of [
    ['shoe_size', { size: 43, system: 'EU' }],
    ['clothing_size', 'L'],
    ['interests', ['running']],
    ['email', 'demo@example.com'],
  ] as const) {
    const put = await me.call(`/api/me/attributes/${name}`, { method: 'PUT', json: { value } });
    if (put.status !== 200) throw new Error(`${name}: ${await put.text()}`);
  }
}, 60_000);

afterAll(async () => {
  await demo?.close();
  await live?.cleanup();
});

const shop = (path: string, init?: RequestInit) => fetch(`${demo.url.replace('localhost', '127.0.0.1')}${path}`, { redirect: 'manual', ...init });

describe('the demo brand', () => {
  it('runs the real flow and shows exactly the approved values, then reacts to revocation', async () => {
    const start = await shop('/start', { method: 'POST' });
    expect(start.status).toBe(303);
    const authorize = new URL(start.headers.get('location')!);
    expect(authorize.origin).toBe(live.origin);
    const toConsent = await live.asApp.request(`${authorize.pathname}${authorize.search}`, { redirect: 'manual' });
    expect(toConsent.status).toBe(303);
    const requestId = new URL(toConsent.headers.get('location')!, live.origin).searchParams.get('request')!;
    const view = await (await me.call(`/api/me/requests/${requestId}`)).json();
    expect(view).toMatchObject({ brand: expect.objectContaining({ name: 'Stride & Co' }) });
    // Keep the required sizes and one optional attribute; untick the email.
    const approved = await me.call(`/api/me/requests/${requestId}/approve`, {
      method: 'POST',
      json: { attributes: ['shoe_size', 'clothing_size', 'interests'] },
    });
    expect(approved.status).toBe(200);
    const callback = new URL((await approved.json()).redirect_to);
    const back = await shop(`${callback.pathname}${callback.search}`);
    expect(back.status).toBe(303);
    const page = await (await shop('/')).text();
    expect(page).toContain('data-testid="value-shoe_size">size: 43, system: EU<');
    expect(page).toContain('data-testid="value-clothing_size">L<');
    expect(page).toContain('data-testid="value-interests">running<');
    expect(page).not.toContain('value-email');
    expect(page).not.toContain('demo@example.com');
    expect(Object.keys(demo.held())).toEqual(['shoe_size', 'clothing_size', 'interests']);

    const grants = await (await me.call('/api/me/grants')).json();
    const grant = grants.active.find((g: { brand: { name: string } | undefined; brand_name?: string }) => JSON.stringify(g).includes('Stride'))!;
    expect((await me.call(`/api/me/grants/${grant.id}/revoke`, { method: 'POST' })).status).toBe(200);
    let notice = '';
    for (let i = 0; i < 100 && !notice.includes('revoked-notice'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      notice = await (await shop('/')).text();
    }
    expect(notice).toContain('data-testid="revoked-notice"');
    expect(demo.events.some((e) => e.type === 'grant.revoked' && e.grant_id === grant.id)).toBe(true);
    await shop('/read-again', { method: 'POST' });
    expect(await (await shop('/')).text()).toContain('data-testid="read-refused"');
  }, 60_000);

  it('deletes what the grant covered when the revocation event arrives, and says so on its page', async () => {
    // The previous test revoked the grant and waited for the event.
    expect(demo.held()).toEqual({});
    const page = await (await shop('/')).text();
    expect(page).not.toContain('data-testid="value-');
    expect(page).not.toContain('size: 43');
    expect(page).not.toContain('running');
    expect(page).toMatch(
      /data-testid="deleted-notice">Your data was deleted at \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC because you revoked access in Trove: Shoe size, Clothing size, Interests\. We hold none of it now\./,
    );
  });

  it('registers once through trove demo and reuses the registration', () => {
    const again = registerDemoBrand(live.cliEnv(), new URL(demo.url).origin);
    expect(again.client_id).toEqual(expect.stringMatching(/^brand_/));
    expect(registerDemoBrand(live.cliEnv(), new URL(demo.url).origin).client_id).toBe(again.client_id);
  });
});
