// Workers only: stands in for the "libsodium" package that libsodium-wrappers imports
// (wrangler.toml [alias] and the workers vitest project map it here). workerd forbids
// compiling WASM from bytes at run time and drawing random bytes at global scope, so
// this instantiates the module wrangler precompiled at load time, and only after a
// request opened the gate (libsodium's init draws random bytes).
// generated/* is written by scripts/extract-libsodium-wasm.mjs (postinstall).
import libsodiumFactory from '../../../generated/libsodium.mjs';
import libsodiumWasm from '../../../generated/libsodium.wasm';

type Gate = { promise: Promise<void>; open: () => void };

// On globalThis so that a second copy of this module would still share the one gate.
const GATE = Symbol.for('trove.libsodium.gate');
const holder = globalThis as unknown as { [GATE]?: Gate };
const gate: Gate = (holder[GATE] ??= (() => {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
})());

/** Call inside a request, before awaiting sodium.ready. Idempotent. */
export function openLibsodiumGate(): void {
  gate.open();
}

export default function libsodium(moduleArg: Record<string, unknown> = {}): Promise<unknown> {
  return gate.promise.then(() =>
    libsodiumFactory({
      ...moduleArg,
      instantiateWasm(imports: WebAssembly.Imports, done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) {
        done(new WebAssembly.Instance(libsodiumWasm, imports), libsodiumWasm);
        return {}; // tells Emscripten that instantiation is handled here
      },
    }),
  );
}
