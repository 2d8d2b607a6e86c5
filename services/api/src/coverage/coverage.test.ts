import { describe, expect, it } from 'vitest';
import { cellToBoundary, cellToParent, latLngToCell } from 'h3-js';
import { booleanClockwise } from '@turf/turf';
import { aggregateHexes, type HotspotCoverage } from './coverage-snapshot';
import { snapshotOf } from '../testing/snapshot-of';
import { hexDetails, MAX_HEX_HOTSPOTS } from './coverage-routes';
import { COVERAGE_RULE, distanceM, estimatedRssiDbm, mayBeWithin, pointCoverage } from './coverage-rule';
import { assertHexBudget, bboxAreaM2, inBbox, parseBbox, MAX_RING_VERTICES, parseHex, parsePolygon } from './geo-input';
import { cellGeometry } from './hex-outline';
import { hotspotsNear } from './hotspots-near';

const hotspot = (lat: number, lng: number, extra: Partial<HotspotCoverage> = {}): HotspotCoverage => ({
  address: `h${lat}${lng}`,
  cell: latLngToCell(lat, lng, 12),
  lat,
  lng,
  capability: 'full',
  region: 'EU868',
  countryCode: 'FR',
  gainDbi: 3,
  interactive: true,
  scale: 1,
  pocCount: 1,
  bestRssiDbm: -100,
  medianRssiDbm: -105,
  latestRewards: null,
  ...extra,
});

describe('hex aggregation', () => {
  it('counts, averages scales over interactive hotspots only, takes best RSSI and median of medians', () => {
    const hexes = aggregateHexes(
      [
        hotspot(48.8566, 2.3522, { scale: 0.5, bestRssiDbm: -90, medianRssiDbm: -100, pocCount: 3 }),
        hotspot(48.8567, 2.3523, { scale: 0.25, bestRssiDbm: -95, medianRssiDbm: -110, pocCount: 2 }),
        hotspot(48.8568, 2.3524, { interactive: false, scale: 0.2, bestRssiDbm: null, medianRssiDbm: null, pocCount: 0 }),
      ],
      8,
    );
    expect(hexes.size).toBe(1);
    expect([...hexes.values()][0]).toMatchObject({ res: 8, hotspotCount: 3, interactiveCount: 2, meanTransmitScale: 0.375, bestRssiDbm: -90, medianRssiDbm: -105, pocCount: 5 });
  });

  it("counts the hex's hotspots paid in the latest paid epoch and averages what it paid them all, unpaid ones as 0", () => {
    const [hex] = aggregateHexes(
      [
        hotspot(48.8566, 2.3522, { latestRewards: 1_000_000_000_000_000_001n }),
        hotspot(48.8567, 2.3523, { latestRewards: 2n }),
        hotspot(48.8568, 2.3524, { latestRewards: 0n }),
      ],
      8,
    ).values();
    // Exact beyond 2^53, rounded down.
    expect(hex).toMatchObject({ rewardedCount: 2, meanRewards: '333333333333333334' });
    // No epoch paid yet: nothing to show, rather than a mean of zeros.
    expect([...aggregateHexes([hotspot(48.8566, 2.3522)], 8).values()][0]).toMatchObject({ rewardedCount: 0, meanRewards: null });
  });
});

describe('hex hierarchy', () => {
  it('counts each hex at res r-1 as the sum of its children at res r', () => {
    const hotspots = Array.from({ length: 200 }, (_, i) => hotspot(45 + ((i * 37) % 100) / 200, 4 + ((i * 53) % 100) / 150, { interactive: i % 3 !== 0, pocCount: i % 4 }));
    for (let res = 5; res <= 10; res++) {
      const parents = aggregateHexes(hotspots, res - 1);
      const sums = new Map<string, [number, number, number]>();
      for (const child of aggregateHexes(hotspots, res).values()) {
        const p = cellToParent(child.h3, res - 1);
        const s = sums.get(p) ?? [0, 0, 0];
        sums.set(p, [s[0] + child.hotspotCount, s[1] + child.interactiveCount, s[2] + child.pocCount]);
      }
      expect(new Map([...parents.values()].map((p) => [p.h3, [p.hotspotCount, p.interactiveCount, p.pocCount]])), `res ${res}`).toEqual(sums);
    }
  });
});

describe('hex outlines', () => {
  it('are closed counter-clockwise [lng, lat] polygons, as H3 draws them', () => {
    const cell = latLngToCell(48.8566, 2.3522, 8);
    const g = cellGeometry(cell);
    expect(g.type).toBe('Polygon');
    const ring = g.coordinates[0] as number[][];
    expect(ring).toHaveLength(7);
    expect(ring[0]).toEqual(ring[6]);
    expect(booleanClockwise(ring)).toBe(false);
    expect(ring[0]![0]).toBeCloseTo(cellToBoundary(cell, true)[0]![0]!, 6);
  });

  it('are cut in two at the antimeridian (RFC 7946 §3.1.9), not drawn as a band around the world', () => {
    for (const [lat, lng, res] of [[0, 179.99, 6], [-17, -179.999, 4], [65, 180, 10], [-16.5, 179.9999, 8]] as const) {
      const cell = latLngToCell(lat, lng, res);
      const g = cellGeometry(cell);
      expect(g.type, cell).toBe('MultiPolygon');
      const parts = g.coordinates as number[][][][];
      expect(parts).toHaveLength(2);
      for (const [ring] of parts) {
        const lngs = ring!.map((p) => p[0]!);
        expect(Math.max(...lngs) - Math.min(...lngs), cell).toBeLessThan(1);
        expect(ring![0]).toEqual(ring![ring!.length - 1]);
        expect(booleanClockwise(ring!)).toBe(false);
      }
      expect(parts.map(([ring]) => Math.sign(ring![0]![0]!)).sort()).toEqual([-1, 1]);
    }
  });

  it('keep a cell around a pole whole, down to the pole', () => {
    const g = cellGeometry(latLngToCell(89.99, 0, 4));
    const rings = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates).map((p) => p[0]!);
    const lngs = rings.flat().map((p) => p[0]!);
    expect(Math.min(...lngs)).toBe(-180);
    expect(Math.max(...lngs)).toBe(180);
    expect(rings.flat().some((p) => p[1] === 90)).toBe(true);
    for (const ring of rings) expect(booleanClockwise(ring)).toBe(false);
  });
});

describe('hex details', () => {
  
  it('say when a crowded hex lists only part of its hotspots', () => {
    // A few metres apart, all in one res-5 hex.
    const crowd = Array.from({ length: MAX_HEX_HOTSPOTS + 1 }, (_, i) => hotspot(48.85 + (i % 40) * 0.0002, 2.35 + Math.floor(i / 40) * 0.0002, { address: `h${i}` }));
    const hex = cellToParent(crowd[0]!.cell, 5);
    expect(crowd.every((h) => cellToParent(h.cell, 5) === hex)).toBe(true);
    const details = hexDetails(snapshotOf(crowd), hex, 5);
    expect([details.hex.hotspotCount, details.hotspots.length, details.truncated]).toEqual([MAX_HEX_HOTSPOTS + 1, MAX_HEX_HOTSPOTS, true]);
    const few = hexDetails(snapshotOf(crowd.slice(0, 3)), hex, 5);
    expect([few.hotspots.length, few.truncated]).toEqual([3, false]);
  });
});

describe('coverage rule', () => {
  it('estimates weaker signals further away and states its threshold', () => {
    expect(estimatedRssiDbm(500, 3)).toBeGreaterThan(estimatedRssiDbm(5000, 3));
    expect(estimatedRssiDbm(500, 3)).toBeGreaterThan(COVERAGE_RULE.coveredAtOrAboveDbm);
    expect(estimatedRssiDbm(25_000, 3)).toBeLessThan(COVERAGE_RULE.coveredAtOrAboveDbm);
    expect(distanceM(48.8566, 2.3522, 51.5074, -0.1278)).toBeGreaterThan(340_000);
    expect(distanceM(48.8566, 2.3522, 51.5074, -0.1278)).toBeLessThan(345_000);
  });

  it('counts an interactive hotspot in reach even when idle hotspots nearer fill the nearest list', () => {
    // Five idle hotspots 150-250 m away, one interactive 3 km away (well within the -120 dBm reach).
    const idle = [0, 1, 2, 3, 4].map((i) => hotspot(48.8566 + 0.0015 + i * 0.0002, 2.3522, { address: `idle${i}`, interactive: false }));
    const far = hotspot(48.8566 + 0.027, 2.3522, { address: 'far' });
    const answer = pointCoverage(48.8566, 2.3522, [...idle, far]);
    expect(answer.nearest.map((n) => n.address)).toEqual(['idle0', 'idle1', 'idle2', 'idle3', 'idle4']);
    expect(answer.bestEstimatedRssiDbm).toBe(estimatedRssiDbm(distanceM(48.8566, 2.3522, far.lat, far.lng), 3));
    expect(answer.covered).toBe(true);
  });

  it("estimates with each hotspot's asserted antenna gain, as the rule says", () => {
    const [lat, lng] = [48.8566, 2.3522];
    const h = hotspot(lat + 0.05, lng, { gainDbi: 8 });
    const d = distanceM(lat, lng, h.lat, h.lng);
    const answer = pointCoverage(lat, lng, [h]);
    expect(answer.bestEstimatedRssiDbm).toBe(estimatedRssiDbm(d, 8));
    expect(answer.nearest[0]!.estimatedRssiDbm).toBe(estimatedRssiDbm(d, 8));
    expect(pointCoverage(lat, lng, [{ ...h, interactive: false }]).bestEstimatedRssiDbm).toBeNull();
    expect(pointCoverage(lat, lng, [{ ...h, capability: 'data_only' }]).nearest).toEqual([]);
  });

  it('looks for hotspots across the antimeridian and around the poles', () => {
    // Every pair is within 30 km, each the short way round.
    for (const [lat, lng, oLat, oLng] of [[-16.5, -179.99, -16.5, 179.99], [-16.5, 179.9, -16.6, -179.9], [89.9, 0, 89.9, 90], [89.95, 10, 89.95, -170], [-89.9, 45, -89.95, -100], [60, 0.1, 60, -0.1]]) {
      expect(distanceM(lat!, lng!, oLat!, oLng!)).toBeLessThan(30_000);
      expect(mayBeWithin(lat!, lng!, oLat!, oLng!, 30_000), `${lat},${lng} ${oLat},${oLng}`).toBe(true);
    }
    for (const [lat, lng, oLat, oLng] of [[-16.5, -179.5, -16.5, 179.5], [48.85, 2.35, 48.2, 2.35], [0, 0, 0, 0.5], [89.5, 0, 89.5, 180]]) {
      expect(distanceM(lat!, lng!, oLat!, oLng!)).toBeGreaterThan(30_000);
      expect(mayBeWithin(lat!, lng!, oLat!, oLng!, 30_000), `${lat},${lng} ${oLat},${oLng}`).toBe(false);
    }
  });
});

describe('geographic input', () => {
  it('parses and bounds bboxes', () => {
    expect(parseBbox('2.2,48.8,2.4,48.9')).toEqual([2.2, 48.8, 2.4, 48.9]);
    expect(() => parseBbox('1,2,3')).toThrow(expect.objectContaining({ code: 'request.invalid' }));
    // West edge east of the east edge: the box the other way round the world, bounded like any other.
    expect(() => assertHexBudget(bboxAreaM2(parseBbox('2.4,48.8,2.2,48.9')), 8)).toThrow(expect.objectContaining({ code: 'geo.bbox_too_large' }));
    expect(() => parseBbox('-190,0,0,1')).toThrow(expect.objectContaining({ code: 'geo.out_of_range' }));
    expect(() => assertHexBudget(bboxAreaM2([-10, 35, 30, 60]), 10)).toThrow(expect.objectContaining({ code: 'geo.bbox_too_large' }));
    expect(() => assertHexBudget(bboxAreaM2([2.2, 48.8, 2.4, 48.9]), 8)).not.toThrow();
  });

  it('takes a bbox crossing the antimeridian (minLng > maxLng, RFC 7946 §5.2) and refuses what is not four plain numbers', () => {
    const fiji = parseBbox('177,-20,-178,-16');
    expect(fiji).toEqual([177, -20, -178, -16]);
    expect([inBbox(-17, 178, fiji), inBbox(-17, -179, fiji), inBbox(-17, 0, fiji), inBbox(-17, 176, fiji)]).toEqual([true, true, false, false]);
    // 5 degrees wide, not 355.
    expect(bboxAreaM2(fiji)).toBeCloseTo(bboxAreaM2([0, -20, 5, -16]), -3);
    expect(parseBbox('-180,-90,180,90')).toEqual([-180, -90, 180, 90]);
    expect(parseBbox(' 1e1, 2 ,30,4')).toEqual([10, 2, 30, 4]);
    // An empty part was read as 0, hex as a number.
    for (const text of ['-1,2,,4', ',,,', '0x1,2,3,4', '1,2,3,Infinity', 'NaN,1,2,3', '1,2,3', '1,2,3,4,5', '1,2,3,4,', '']) {
      expect(() => parseBbox(text), text).toThrow(expect.objectContaining({ code: 'request.invalid' }));
    }
    // Zero area or south above north: refused with what is wrong.
    for (const text of ['1,2,1,4', '180,2,-180,4', '1,4,3,2', '1,2,3,2']) expect(() => parseBbox(text), text).toThrow(expect.objectContaining({ code: 'request.invalid' }));
    for (const text of ['-180.1,0,0,1', '0,-90.5,1,1', '0,0,1,91']) expect(() => parseBbox(text), text).toThrow(expect.objectContaining({ code: 'geo.out_of_range' }));
  });

  it('accepts valid polygons and refuses invalid ones with stable codes', () => {
    const square = { type: 'Polygon', coordinates: [[[2.2, 48.8], [2.4, 48.8], [2.4, 48.9], [2.2, 48.9], [2.2, 48.8]]] };
    expect(parsePolygon(square).geometry.type).toBe('Polygon');
    expect(parsePolygon({ type: 'Feature', properties: {}, geometry: square }).geometry.type).toBe('Polygon');
    const bowtie = { type: 'Polygon', coordinates: [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]] };
    expect(() => parsePolygon(bowtie)).toThrow(expect.objectContaining({ code: 'geo.invalid_polygon' }));
    expect(() => parsePolygon({ type: 'Point', coordinates: [0, 0] })).toThrow(expect.objectContaining({ code: 'geo.invalid_polygon' }));
    expect(() => parsePolygon({ type: 'Polygon', coordinates: [[[0, 0], [1, 1], [0, 0]]] })).toThrow(expect.objectContaining({ code: 'geo.invalid_polygon' }));
    expect(() => parsePolygon({ type: 'Polygon', coordinates: [[[0, 0], [200, 1], [1, 0], [0, 0]]] })).toThrow(expect.objectContaining({ code: 'geo.out_of_range' }));
    const huge = { type: 'Polygon', coordinates: [Array.from({ length: 6000 }, (_, i) => [Math.cos(i / 955) , Math.sin(i / 955)]).concat([[1, 0]])] };
    expect(() => parsePolygon(huge)).toThrow(expect.objectContaining({ code: 'geo.polygon_too_large' }));
    // One ring longer than a ring may be (its checks grow with the square of its length).
    const circle = (n: number, cx: number) => Array.from({ length: n - 1 }, (_, i) => [cx + 0.1 * Math.cos((2 * Math.PI * i) / (n - 1)), 48 + 0.1 * Math.sin((2 * Math.PI * i) / (n - 1))]).concat([[cx + 0.1, 48]]);
    expect(parsePolygon({ type: 'Polygon', coordinates: [circle(MAX_RING_VERTICES, 11)] }).geometry.type).toBe('Polygon');
    expect(() => parsePolygon({ type: 'Polygon', coordinates: [circle(MAX_RING_VERTICES + 1, 11)] })).toThrow(
      expect.objectContaining({ code: 'geo.polygon_too_large', details: expect.objectContaining({ ringPositions: MAX_RING_VERTICES + 1 }) }),
    );
    // Parts are still checked against each other: 400 apart are taken quickly, overlapping ones refused.
    const box = (x: number, y: number, d: number) => [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]];
    expect(parsePolygon({ type: 'MultiPolygon', coordinates: Array.from({ length: 400 }, (_, i) => box(11 + (i % 20) * 0.01, 48 + Math.floor(i / 20) * 0.01, 0.005)) }).geometry.type).toBe('MultiPolygon');
    expect(() => parsePolygon({ type: 'MultiPolygon', coordinates: [box(5, 5, 1), box(0, 0, 1), box(0.5, 0.5, 1)] })).toThrow(expect.objectContaining({ code: 'geo.invalid_polygon' }));
    // A position that is not an array was destructured before it was checked: a TypeError, a 500.
    for (const pos of [-1, 0.5, null, true, {}, 'x', [2.4], [2.4, '48.8']]) {
      const bad = { type: 'Polygon', coordinates: [[[2.2, 48.8], pos, [2.4, 48.9], [2.2, 48.8]]] };
      expect(() => parsePolygon(bad), JSON.stringify(pos)).toThrow(expect.objectContaining({ code: 'geo.invalid_polygon' }));
    }
  });

  it('takes valid polygons exported data often has, and says what is wrong with the others', () => {
    const sq = (x: number, y: number, d: number) => [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]];
    // A position repeated right after itself (valid GeoJSON and OGC) was refused as invalid.
    const repeated = parsePolygon({ type: 'Polygon', coordinates: [[[0, 0], [2, 0], [2, 0], [2, 2, 10], [0, 2], [0, 0], [0, 0]]] });
    expect(repeated.geometry.coordinates).toEqual([[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]]);
    // A hole touching its outline at one vertex (OGC valid) was refused as a kink.
    expect(parsePolygon({ type: 'Polygon', coordinates: [sq(0, 0, 2), [[0, 0], [1, 0.5], [0.5, 1], [0, 0]]] }).geometry.type).toBe('Polygon');
    const code = (g: unknown) => {
      try {
        parsePolygon(g);
        return 'accepted';
      } catch (e) {
        return `${(e as { code: string }).code}: ${(e as Error).message}`;
      }
    };
    expect(code({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0.5]]] })).toBe('geo.invalid_polygon: a ring is not closed: its last position must repeat its first');
    expect(code({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 0], [0, 0]]] })).toMatch(/^geo.invalid_polygon: each ring needs at least 3 distinct positions/);
    expect(code({ type: 'Polygon', coordinates: [] })).toMatch(/^geo.invalid_polygon: each polygon is an array of rings/);
    expect(code({ type: 'MultiPolygon', coordinates: [] })).toMatch(/^geo.invalid_polygon: polygon has no rings/);
    expect(code({ type: 'MultiPolygon', coordinates: [[]] })).toMatch(/^geo.invalid_polygon/);
    const crossing = /^geo.invalid_polygon: polygon is not valid: a ring crosses itself or another ring, or parts overlap$/;
    expect(code({ type: 'Polygon', coordinates: [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]] })).toMatch(crossing);
    expect(code({ type: 'Polygon', coordinates: [sq(0, 0, 2), sq(1, 1, 2)] })).toMatch(crossing);
    expect(code({ type: 'Polygon', coordinates: [sq(0, 0, 4), [[1, 1], [3, 3], [3, 1], [1, 3], [1, 1]]] })).toMatch(crossing);
    expect(code({ type: 'MultiPolygon', coordinates: [[sq(0, 0, 1)], [sq(0.5, 0.5, 1)]] })).toMatch(crossing);
  });

  it('validates H3 indexes', () => {
    expect(parseHex('881fb46625fffff', { minRes: 0, maxRes: 15 })).toEqual({ h3: '881fb46625fffff', res: 8 });
    expect(() => parseHex('zzz', { minRes: 0, maxRes: 15 })).toThrow(expect.objectContaining({ code: 'geo.invalid_h3' }));
  });
});

describe('hotspots near a point', () => {
  it('lists those within the radius, nearest first, ties by address, across the antimeridian', () => {
    const twinA = { ...hotspot(10, 20), address: 'b-twin' };
    const twinB = { ...hotspot(10, 20), address: 'a-twin' };
    const far = hotspot(10.1, 20);
    const near = hotspot(10.01, 20);
    const listed = hotspotsNear(10, 20, 5_000, [far, twinA, near, twinB]);
    expect(listed.map((n) => n.hotspot.address)).toEqual(['a-twin', 'b-twin', near.address]);
    expect(listed[2]!.distanceM).toBeGreaterThan(1_000);
    expect(listed[2]!.distanceM).toBeLessThan(1_200);
    // 11 km away: outside 5 km, inside 12 km.
    expect(hotspotsNear(10, 20, 12_000, [far]).map((n) => Math.round(n.distanceM / 1000))).toEqual([11]);
    const east = hotspot(-16.5, -179.99);
    expect(hotspotsNear(-16.5, 179.99, 5_000, [east]).length).toBe(1);
  });
});
