// The operator API for brands (/admin/brands): register with the same input as `trove
// brand add` (a generated secret is in this answer only), list, show one, disable. The
// handlers call the very functions the local CLI calls; each call is audited in the
// calling operator's name (register-routes.ts hands them deps that say who).
import { z } from 'zod';
import { operatorQueried } from '../../features/operators/acting-operator.ts';
import { brandDetails } from '../../features/brands/brand-details.ts';
import { brandInput } from '../../features/brands/brand-input.ts';
import { disableBrand, listBrands, registerBrand } from '../../features/brands/register-brand.ts';
import { route, type Route } from '../route.ts';

export const brandIdParams = z.object({ id: z.string().min(1).max(200) });

const registered = z.object({ client_id: z.string(), client_secret: z.string().optional() });
const brandSummary = z.object({
  client_id: z.string(),
  id: z.string(),
  name: z.string(),
  auth_method: z.string(),
  status: z.string(),
  redirect_uris: z.array(z.string()),
  webhook_url: z.string().nullable(),
  created_at: z.number(),
});

export const adminBrandRoutes: Route[] = [
  route({
    method: 'post',
    path: '/admin/brands',
    tag: 'Operator API',
    auth: 'operator',
    body: brandInput,
    response: registered,
    ok: 201,
    summary: 'Register a brand (OAuth client); a generated client secret is shown in this answer only',
    handler: async ({ deps, c, body }) => {
      c.header('cache-control', 'no-store');
      return c.json(await registerBrand(deps, body), 201);
    },
  }),
  route({
    method: 'get',
    path: '/admin/brands',
    tag: 'Operator API',
    auth: 'operator',
    response: z.array(brandSummary),
    summary: 'Every registered brand, oldest first',
    handler: async ({ deps, c }) => {
      await operatorQueried(deps, 'brands');
      return c.json(await listBrands(deps));
    },
  }),
  route({
    method: 'get',
    path: '/admin/brands/{id}',
    tag: 'Operator API',
    auth: 'operator',
    params: brandIdParams,
    summary: 'One brand’s registration (never its secret)',
    handler: async ({ deps, c, params }) => {
      const brand = await brandDetails(deps, params.id);
      await operatorQueried(deps, 'brand', { brand: brand.id });
      return c.json(brand);
    },
  }),
  route({
    method: 'post',
    path: '/admin/brands/{id}/disable',
    tag: 'Operator API',
    auth: 'operator',
    params: brandIdParams,
    summary: 'Disable a brand: it can neither authenticate nor read from now on',
    handler: async ({ deps, c, params }) => {
      await disableBrand(deps, params.id);
      return c.json({ client_id: params.id, status: 'disabled' });
    },
  }),
];
