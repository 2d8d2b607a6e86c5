/**
 * Path-loss models, in dB. Pure math: no region rules, no clamping. The simulator uses them to
 * predict RSSI and the verifier to bound it, so both sides agree by construction.
 */

/** Exact speed of light in vacuum (SI definition). */
export const SPEED_OF_LIGHT_M_PER_S = 299_792_458;

/**
 * The rounded value Helium's verifier uses in its free-space bound (`C = 2.998e8` in
 * iot_verifier/src/poc.rs). We default to it so our bad_rssi verdicts match Helium's to the last
 * bit (rssi.json `calc_expected_rssi` is asserted with exact float equality). The difference from
 * the exact constant is 0.00026 dB.
 */
export const HELIUM_SPEED_OF_LIGHT_M_PER_S = 2.998e8;

/**
 * Free-space path loss 20·log10(4π·d·f / c). Distance 0 gives -Infinity (no loss bound), which is
 * what the formula says; callers that need a floor apply it themselves.
 */
export function freeSpacePathLossDb(
  distanceM: number,
  frequencyHz: number,
  speedOfLightMPerS: number = HELIUM_SPEED_OF_LIGHT_M_PER_S,
): number {
  // Same operation order as Helium (4·π·d·f / c) so the floating-point result is identical.
  return 20 * Math.log10((4 * Math.PI * distanceM * frequencyHz) / speedOfLightMPerS);
}

/**
 * Log-distance model: free space up to `referenceDistanceM`, then `10·n·log10(d/d0)` beyond it.
 * n = 2 is free space; 2.7-3.5 is typical for urban links, up to 4-6 indoors. Closer than the
 * reference distance the model falls back to free space, since the exponent only describes the far
 * field.
 */
export function logDistancePathLossDb(
  distanceM: number,
  frequencyHz: number,
  pathLossExponent: number,
  referenceDistanceM = 1,
  speedOfLightMPerS: number = HELIUM_SPEED_OF_LIGHT_M_PER_S,
): number {
  if (distanceM <= referenceDistanceM) return freeSpacePathLossDb(distanceM, frequencyHz, speedOfLightMPerS);
  return (
    freeSpacePathLossDb(referenceDistanceM, frequencyHz, speedOfLightMPerS) +
    10 * pathLossExponent * Math.log10(distanceM / referenceDistanceM)
  );
}
