// Vite builds the portal from web/ into web/dist (gitignored), which the Node server and
// the Worker's assets serve. `npx vite web` serves it in development with the API proxied.
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const api = process.env.TROVE_API ?? 'http://127.0.0.1:8787';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [preact({ devtoolsInProd: false })],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Browsers that run the portal support <link rel=modulepreload>; no polyfill bytes.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  server: {
    proxy: Object.fromEntries(['/api', '/v1', '/oauth', '/.well-known', '/docs', '/openapi.json', '/healthz'].map((p) => [p, api])),
  },
});
