// The demo shops' registration (`trove demo`, POST /admin/demo): a shop from the demo's
// data (demo-shops.ts) registered as a secret-based brand with its callback, webhook
// and links under the demo site's public URL and the agreements it accepts. The secret is
// in the answer only; the CLI keeps it in its data directory for the demo site.
import type { Deps } from '../../deps.ts';
import { SHOPS, type ShopKey } from './demo-shops.ts';
import { registerBrand } from '../brands/register-brand.ts';

export type SeededDemo = { shop: ShopKey; client_id: string; client_secret: string; public_url: string; trove_origin: string };

export async function seedDemoBrand(deps: Deps, input: { shop: ShopKey; public_url: string }): Promise<SeededDemo> {
  const shop = SHOPS[input.shop];
  const publicUrl = new URL(input.public_url).origin;
  const r = await registerBrand(deps, {
    name: shop.name,
    redirect_uris: [`${publicUrl}/callback`],
    auth: { method: 'client_secret_basic' },
    homepage: publicUrl,
    policy_uri: `${publicUrl}/privacy`,
    contact: shop.contact,
    webhook_url: `${publicUrl}/webhook`,
    accepted_terms: shop.accepts,
  });
  return { shop: shop.key, client_id: r.client_id, client_secret: r.client_secret!, public_url: publicUrl, trove_origin: deps.config.origin };
}
