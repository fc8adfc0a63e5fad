// The libsodium instance Trove uses, passed in deps. Each runtime loads and readies it
// (workerd needs its WASM compiled at load time); shared code only receives it.
import type sodiumModule from 'libsodium-wrappers';

export type Sodium = typeof sodiumModule;
