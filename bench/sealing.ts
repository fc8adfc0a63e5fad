// Benchmark: attribute seal and open operations per second (XChaCha20-Poly1305 via
// libsodium, nonces from the platform CSPRNG).
import sodium from 'libsodium-wrappers';
import { performance } from 'node:perf_hooks';
import { newDataKey, openAttribute, sealAttribute } from '../src/crypto/envelope.ts';

export async function benchSealing(n: number) {
  await sodium.ready;
  const key = newDataKey();
  const slot = { consumerId: 'c1', name: 'email', persona: '', version: 1 };
  const t0 = performance.now();
  let sealed = sealAttribute(sodium, key, slot, 'ada@example.com');
  for (let i = 0; i < n; i++) sealed = sealAttribute(sodium, key, slot, 'ada@example.com');
  const t1 = performance.now();
  for (let i = 0; i < n; i++) openAttribute(sodium, key, slot, sealed);
  const t2 = performance.now();
  return { ops: n, seal_per_s: Math.round(n / ((t1 - t0) / 1000)), open_per_s: Math.round(n / ((t2 - t1) / 1000)) };
}
