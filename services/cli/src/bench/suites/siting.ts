/**
 * Siting estimates (GET /v1/coverage/siting) against the whole network's density computation they
 * stand in for. 400,000 interactive hotspots (`--scale` shrinks them): 4,000 city clusters of 100
 * across Europe, as the epoch benchmark places them, and one metro area of 20,000 within 40 km, the
 * densest neighbourhood an estimate may have to count.
 *
 * Measured in this process, no server: the baseline is one computeHexDensity over every hotspot
 * (what the coverage snapshot does once per rebuild, and what an estimate would cost by
 * recomputing); then the estimate (HexDensityMap.withHotspotAt, and naming the changed hotspots)
 * for candidates in an average place and in the metro area, and the per-snapshot index of hotspots
 * by cell.
 */
import { latLngToCell } from 'h3-js';
import { computeHexDensity } from '@cov/shared/rewards/hex-density';
import { mulberry32 } from '@cov/shared/seeded-random';
import { DensityInputsByCell, estimateSiting, type DensityInput } from '@cov/api/coverage/siting-estimate';
import type { BenchResult, BenchSuite } from '../bench-suite';

const CLUSTER_SIZE = 100;
const METRO = { lat: 52.37, lng: 4.9, radiusKm: 40, hotspots: 20_000 };
const CANDIDATES = 100;

/** A point within `radiusKm` (uniform in the disc) of the centre. */
function near(random: () => number, lat: number, lng: number, radiusKm: number): [number, number] {
  const r = radiusKm * Math.sqrt(random());
  const a = 2 * Math.PI * random();
  return [lat + (r / 111) * Math.sin(a), lng + (r / (111 * Math.cos((lat * Math.PI) / 180))) * Math.cos(a)];
}

function msOf(run: () => void): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

export const suite: BenchSuite = {
  name: 'siting',
  description: 'siting estimates (a neighbourhood recount) vs the whole network density computation',
  async run(ctx) {
    const random = mulberry32(7);
    const clustered = Math.max(CLUSTER_SIZE, Math.round(400_000 * ctx.scale) - Math.round(METRO.hotspots * ctx.scale));
    const metroCount = Math.max(1000, Math.round(METRO.hotspots * ctx.scale));
    const inputs: DensityInput[] = [];
    let centre: [number, number] = [0, 0];
    for (let i = 0; i < clustered; i++) {
      // Europe, roughly: 36-60 N, 10 W-30 E; each cluster about a town's 5 km across.
      if (i % CLUSTER_SIZE === 0) centre = [36 + random() * 24, -10 + random() * 40];
      inputs.push({ address: `c${i}`, cell: latLngToCell(...near(random, centre[0], centre[1], 5), 12) });
    }
    for (let i = 0; i < metroCount; i++) inputs.push({ address: `m${i}`, cell: latLngToCell(...near(random, METRO.lat, METRO.lng, METRO.radiusKm), 12) });
    ctx.log(`${inputs.length} interactive hotspots (${metroCount} in the metro area)`);

    let whole = computeHexDensity(inputs.map((i) => i.cell));
    const wholeMs = msOf(() => (whole = computeHexDensity(inputs.map((i) => i.cell))));
    if (!whole.ok) throw whole.error;
    const current = whole.value;
    let byCell = new DensityInputsByCell(inputs);
    const indexMs = msOf(() => (byCell = new DensityInputsByCell(inputs)));

    const estimateMs = (candidates: string[]) => {
      let changed = 0;
      const ms = msOf(() => {
        for (const cell of candidates) changed += estimateSiting(current, byCell, cell).changes.length;
      });
      return { ms: ms / candidates.length, changed: Math.round(changed / candidates.length) };
    };
    const anywhere = Array.from({ length: CANDIDATES }, () => inputs[Math.floor(random() * clustered)]!.cell);
    const metro = Array.from({ length: CANDIDATES }, () => latLngToCell(...near(random, METRO.lat, METRO.lng, METRO.radiusKm), 12));
    estimateMs(anywhere.slice(0, 10)); // warm-up
    const typical = estimateMs(anywhere);
    const dense = estimateMs(metro);
    ctx.log(`whole network ${wholeMs.toFixed(0)} ms; estimate ${typical.ms.toFixed(3)} ms (${typical.changed} hotspots changed), metro ${dense.ms.toFixed(3)} ms (${dense.changed} changed)`);
    const results: BenchResult[] = [
      { name: 'siting estimate, a town (time per estimate)', value: typical.ms, unit: 'ms', baselineName: 'whole network density computation', baselineValue: wholeMs, notes: `${typical.changed} hotspots changed on average` },
      { name: 'siting estimate, the metro area (time per estimate)', value: dense.ms, unit: 'ms', baselineName: 'whole network density computation', baselineValue: wholeMs, notes: `${dense.changed} hotspots changed on average` },
      { name: 'hotspots by cell, once per snapshot', value: indexMs, unit: 'ms', baselineName: 'whole network density computation', baselineValue: wholeMs, notes: `${inputs.length} hotspots` },
    ];
    return results;
  },
};
