/**
 * mulberry32: a tiny deterministic PRNG for generated test data, fuzz inputs and benchmark
 * networks, so every run produces the same cases and a failure reproduces. Not for anything that
 * must be unpredictable (keys, entropy, nonces use the CSPRNG).
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
