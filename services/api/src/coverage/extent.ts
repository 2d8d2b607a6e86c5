// Bounding boxes of hotspots that stay small across the antimeridian (the map's extent, a country's bbox).

/**
 * The smallest box holding every hotspot. In longitude that leaves out the widest gap between
 * neighbouring hotspots: when that gap is not the one across the antimeridian, the box crosses it.
 */
export function extentOf(hotspots: readonly { lat: number; lng: number }[]): [number, number, number, number] {
  const lngs = hotspots.map((h) => h.lng).sort((a, b) => a - b);
  const n = lngs.length;
  let gapEnd = 0;
  let gap = lngs[0]! + 360 - lngs[n - 1]!;
  for (let i = 1; i < n; i++) {
    if (lngs[i]! - lngs[i - 1]! > gap) [gap, gapEnd] = [lngs[i]! - lngs[i - 1]!, i];
  }
  let [minLat, maxLat] = [90, -90];
  for (const h of hotspots) [minLat, maxLat] = [Math.min(minLat, h.lat), Math.max(maxLat, h.lat)];
  return [lngs[gapEnd]!, minLat, lngs[(gapEnd + n - 1) % n]!, maxLat];
}
