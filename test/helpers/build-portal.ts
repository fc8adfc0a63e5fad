// Vitest global setup: builds the portal (web/ → web/dist) once before any suite, unless
// its sources are unchanged since the last build; the browser and serving tests load it.
import { buildPortal } from '../../scripts/build-web.ts';

export default async function setup() {
  await buildPortal({ log: (line) => process.stdout.write(`${line}\n`) });
}
