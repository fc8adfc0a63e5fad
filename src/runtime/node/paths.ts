// Where the package's own files live, independent of the working directory.
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('../../..', import.meta.url));
/** The portal as built by Vite (`npm run build:web`); the sources are in web/src. */
export const portalRoot = fileURLToPath(new URL('../../../web/dist', import.meta.url));
