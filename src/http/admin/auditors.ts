// The operator API for auditors (/admin/auditors): add one (its API token and portal
// enrolment link are in this answer only), list them, revoke one (its token and sessions
// stop at once), and issue a fresh enrolment link. Same functions as `trove auditor`.
import { z } from 'zod';
import { addAuditor, disableAuditor, listAuditors, newEnrolLink } from '../../features/auditors/accounts.ts';
import { operatorQueried } from '../../features/operators/acting-operator.ts';
import { route, type Route } from '../route.ts';

const idParams = z.object({ id: z.string().min(1).max(200) });
const addBody = z.strictObject({ name: z.string().min(1).max(100), brands: z.array(z.string().min(1).max(200)).max(100).optional() });

export const adminAuditorRoutes: Route[] = [
  route({
    method: 'post',
    path: '/admin/auditors',
    tag: 'Operator API',
    auth: 'operator',
    body: addBody,
    ok: 201,
    summary: 'Add an auditor scoped to the named brands (every brand when none); token and enrolment link shown only here',
    handler: async ({ deps, c, body }) => {
      c.header('cache-control', 'no-store');
      return c.json(await addAuditor(deps, body), 201);
    },
  }),
  route({
    method: 'get',
    path: '/admin/auditors',
    tag: 'Operator API',
    auth: 'operator',
    summary: 'Every auditor, with scope, status and passkey count',
    handler: async ({ deps, c }) => {
      await operatorQueried(deps, 'auditors');
      return c.json(await listAuditors(deps));
    },
  }),
  route({
    method: 'post',
    path: '/admin/auditors/{id}/revoke',
    tag: 'Operator API',
    auth: 'operator',
    params: idParams,
    summary: 'Revoke an auditor: its token is refused and its sessions end at once',
    handler: async ({ deps, c, params }) => {
      await disableAuditor(deps, params.id);
      return c.json({ id: params.id, status: 'disabled' });
    },
  }),
  route({
    method: 'post',
    path: '/admin/auditors/{id}/enrol-link',
    tag: 'Operator API',
    auth: 'operator',
    params: idParams,
    summary: 'A fresh one-time portal enrolment link for the auditor (the previous one stops working)',
    handler: async ({ deps, c, params }) => {
      c.header('cache-control', 'no-store');
      return c.json({ id: params.id, ...(await newEnrolLink(deps, params.id)) });
    },
  }),
];
