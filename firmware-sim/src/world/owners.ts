/**
 * Who owns which hotspot. Most owners have one or two; a few run fleets of dozens, which is what
 * the fleet views of the API are for.
 */
import type { SeededRandom } from '../random/seeded-random';

const FLEET_SIZES: readonly { value: readonly [number, number]; weight: number }[] = [
  { value: [1, 1], weight: 65 },
  { value: [2, 3], weight: 20 },
  { value: [4, 10], weight: 11 },
  { value: [11, 40], weight: 4 },
];

/** owner index for each of `hotspotCount` hotspots, and how many owners there are. */
export function assignOwners(hotspotCount: number, rng: SeededRandom): { ownerOf: number[]; ownerCount: number } {
  const sizes: number[] = [];
  let total = 0;
  while (total < hotspotCount) {
    const [min, max] = rng.weighted(FLEET_SIZES);
    const size = Math.min(rng.int(min, max), hotspotCount - total);
    sizes.push(size);
    total += size;
  }
  const order = rng.shuffled(Array.from({ length: hotspotCount }, (_, i) => i));
  const ownerOf = new Array<number>(hotspotCount).fill(0);
  let cursor = 0;
  sizes.forEach((size, owner) => {
    for (let k = 0; k < size; k++) ownerOf[order[cursor++]!] = owner;
  });
  return { ownerOf, ownerCount: sizes.length };
}
