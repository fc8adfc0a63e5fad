// Module shapes for the Workers build: a .wasm import is a compiled WebAssembly.Module,
// and the extracted libsodium factory takes Emscripten's module argument.
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
declare module '*/generated/libsodium.mjs' {
  const factory: (moduleArg?: Record<string, unknown>) => Promise<unknown>;
  export default factory;
}
