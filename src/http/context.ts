// The Hono environment Trove's routes share: the request id and, once resolved, the
// signed-in session.
import type { Session } from '../features/identity/sessions.ts';

export type AppEnv = {
  Variables: {
    requestId: string;
    session: Session | null;
  };
};
