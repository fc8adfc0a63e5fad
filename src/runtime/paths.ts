// Where the package's own files live, independent of the working directory.
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
export const webRoot = fileURLToPath(new URL('../../web/', import.meta.url));
