// Extracts the WebAssembly binary that libsodium (0.8.x) embeds as a base64
// string in dist/modules-esm/libsodium.mjs, so that wrangler/vitest can import
// it as a pre-compiled WebAssembly.Module (workerd refuses to compile Wasm
// from bytes at runtime). Also writes a copy of the Emscripten factory with
// the base64 blob removed (it is dead code once `instantiateWasm` is supplied),
// which keeps ~300 KB of base64 out of the Worker bundle.
// Runs from "postinstall"; output goes to generated/ (not committed).
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
// Neither package exports ./package.json, so resolve the entry points and walk up.
const pkgDir = (file) => {
  let dir = dirname(file);
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
};
// "libsodium" is a dependency of libsodium-wrappers; resolve it from there.
const wrappersEntry = require.resolve('libsodium-wrappers');
const libsodiumPkg = join(pkgDir(createRequire(wrappersEntry).resolve('libsodium')), 'package.json');
const src = join(dirname(libsodiumPkg), 'dist/modules-esm/libsodium.mjs');
const js = readFileSync(src, 'utf8');

const matches = [...js.matchAll(/"(AGFzbQ[A-Za-z0-9+/]+={0,2})"/g)]; // "\0asm" in base64
if (matches.length !== 1) {
  throw new Error(`expected exactly one embedded wasm blob in ${src}, found ${matches.length}`);
}
const wasm = Buffer.from(matches[0][1], 'base64');
if (!WebAssembly.validate(wasm)) throw new Error('extracted libsodium wasm does not validate');
if (!js.includes('instantiateWasm')) throw new Error('libsodium.mjs no longer supports Module.instantiateWasm');

const out = join(root, 'generated');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'libsodium.wasm'), wasm);
writeFileSync(join(out, 'libsodium.mjs'), js.replace(matches[0][0], '""'));
const version = JSON.parse(readFileSync(libsodiumPkg, 'utf8')).version;
console.log(`libsodium ${version}: wrote generated/libsodium.wasm (${wasm.length} bytes) and generated/libsodium.mjs`);
