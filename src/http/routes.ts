// The route table: every endpoint Trove serves, gathered from the areas' entry lists. It
// is the single list the app registers, the OpenAPI document describes, and the
// authorization matrix and the fuzz test exercise.
import { adminAuditRoutes } from './admin/audit.ts';
import { adminAuditorRoutes } from './admin/auditors.ts';
import { adminBrandRoutes } from './admin/brands.ts';
import { adminDemoRoutes } from './admin/demo.ts';
import { adminKeyRoutes } from './admin/keys.ts';
import { adminOperatorTokenRoutes } from './admin/operator-tokens.ts';
import { auditApiRoutes } from './auditor/audit-api.ts';
import { auditorPortalRoutes } from './auditor/auditor-portal.ts';
import { logApiRoutes } from './auditor/log-api.ts';
import { dataApiRoutes } from './brand/data-api.ts';
import { brandLifecycleRoutes } from './brand/lifecycle.ts';
import { brandEventRoutes } from './brand/event-proofs.ts';
import { marketRoutes } from './brand/market.ts';
import { offerRoutes } from './consumer/offers.ts';
import { offerStreamRoutes } from './consumer/offer-stream.ts';
import { activityRoutes } from './consumer/activity.ts';
import { attributeRoutes } from './consumer/attributes.ts';
import { credentialRoutes } from './consumer/credentials.ts';
import { consumerGrantRoutes } from './consumer/grants.ts';
import { intentRoutes } from './consumer/intents.ts';
import { lifecycleRoutes } from './consumer/lifecycle.ts';
import { meRoutes } from './consumer/me.ts';
import { passkeyAuthRoutes } from './consumer/passkey-auth.ts';
import { personaRoutes } from './consumer/personas.ts';
import { sessionRoutes } from './consumer/sessions.ts';
import { stepUpRoutes } from './consumer/step-up.ts';
import { oauthRoutes } from './oauth/endpoints.ts';
import { metadataRoutes } from './oauth/metadata.ts';
import { openApiRoutes } from './openapi/routes.ts';
import type { Route } from './route.ts';
import { healthRoutes } from './system/health.ts';
import { jwksRoutes } from './system/jwks.ts';
import { publicTermsRoutes } from './system/terms.ts';
import { termsRoutes } from './consumer/terms.ts';

export const ROUTES: readonly Route[] = [
  ...healthRoutes,
  ...jwksRoutes,
  ...publicTermsRoutes,
  ...metadataRoutes,
  ...oauthRoutes,
  ...dataApiRoutes,
  ...brandLifecycleRoutes,
  ...brandEventRoutes,
  ...marketRoutes,
  ...passkeyAuthRoutes,
  ...meRoutes,
  ...attributeRoutes,
  ...personaRoutes,
  ...termsRoutes,
  ...intentRoutes,
  ...offerRoutes,
  ...offerStreamRoutes,
  ...credentialRoutes,
  ...sessionRoutes,
  ...stepUpRoutes,
  ...consumerGrantRoutes,
  ...lifecycleRoutes,
  ...activityRoutes,
  ...auditorPortalRoutes,
  ...auditApiRoutes,
  ...logApiRoutes,
  ...adminBrandRoutes,
  ...adminAuditorRoutes,
  ...adminKeyRoutes,
  ...adminAuditRoutes,
  ...adminOperatorTokenRoutes,
  ...adminDemoRoutes,
  ...openApiRoutes(() => ROUTES),
];
