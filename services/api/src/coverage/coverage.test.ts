import { describe, expect, it } from 'vitest';
import { latLngToCell } from 'h3-js';
import { aggregateHexes, type HotspotCoverage } from './coverage-snapshot';
import { COVERAGE_RULE, distanceM, estimatedRssiDbm } from './coverage-rule';
import { assertHexBudget, bboxAreaM2, parseBbox, parseHex, parsePolygon } from './geo-input';

const hotspot = (lat: number, lng: number, extra: Partial<HotspotCoverage> = {}): HotspotCoverage => ({
  address: `h${lat}${lng}`,
  cell: latLngToCell(lat, lng, 12),
  lat,
  lng,
  capability: 'full',
  interactive: true,
  scale: 1,
  pocCount: 1,
  bestRssiDbm: -100,
  medianRssiDbm: -105,
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
});

describe('coverage rule', () => {
  it('estimates weaker signals further away and states its threshold', () => {
    expect(estimatedRssiDbm(500, 3)).toBeGreaterThan(estimatedRssiDbm(5000, 3));
    expect(estimatedRssiDbm(500, 3)).toBeGreaterThan(COVERAGE_RULE.coveredAtOrAboveDbm);
    expect(estimatedRssiDbm(25_000, 3)).toBeLessThan(COVERAGE_RULE.coveredAtOrAboveDbm);
    expect(distanceM(48.8566, 2.3522, 51.5074, -0.1278)).toBeGreaterThan(340_000);
    expect(distanceM(48.8566, 2.3522, 51.5074, -0.1278)).toBeLessThan(345_000);
  });
});

describe('geographic input', () => {
  it('parses and bounds bboxes', () => {
    expect(parseBbox('2.2,48.8,2.4,48.9')).toEqual([2.2, 48.8, 2.4, 48.9]);
    expect(() => parseBbox('1,2,3')).toThrow(expect.objectContaining({ code: 'request.invalid' }));
    expect(() => parseBbox('2.4,48.8,2.2,48.9')).toThrow(expect.objectContaining({ code: 'request.invalid' }));
    expect(() => parseBbox('-190,0,0,1')).toThrow(expect.objectContaining({ code: 'geo.out_of_range' }));
    expect(() => assertHexBudget(bboxAreaM2([-10, 35, 30, 60]), 10)).toThrow(expect.objectContaining({ code: 'geo.bbox_too_large' }));
    expect(() => assertHexBudget(bboxAreaM2([2.2, 48.8, 2.4, 48.9]), 8)).not.toThrow();
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
    // A position that is not an array was destructured before it was checked: a TypeError, a 500.
    for (const pos of [-1, 0.5, null, true, {}, 'x', [2.4], [2.4, '48.8']]) {
      const bad = { type: 'Polygon', coordinates: [[[2.2, 48.8], pos, [2.4, 48.9], [2.2, 48.8]]] };
      expect(() => parsePolygon(bad), JSON.stringify(pos)).toThrow(expect.objectContaining({ code: 'geo.invalid_polygon' }));
    }
  });

  it('validates H3 indexes', () => {
    expect(parseHex('881fb46625fffff', { minRes: 0, maxRes: 15 })).toEqual({ h3: '881fb46625fffff', res: 8 });
    expect(() => parseHex('zzz', { minRes: 0, maxRes: 15 })).toThrow(expect.objectContaining({ code: 'geo.invalid_h3' }));
  });
});
