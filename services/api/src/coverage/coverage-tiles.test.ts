import { describe, expect, it } from 'vitest';
import { cellToBoundary, latLngToCell } from 'h3-js';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import type { Polygon } from 'geojson';
import type { HotspotCoverage } from './coverage-snapshot';
import { snapshotOf } from '../testing/snapshot-of';
import { coverageTile, isTile, resolutionForZoom, tileBbox } from './coverage-tiles';

const hotspot = (i: number, lat: number, lng: number, extra: Partial<HotspotCoverage> = {}): HotspotCoverage => ({
  address: `h${i}`,
  cell: latLngToCell(lat, lng, 12),
  lat,
  lng,
  capability: 'full',
  region: 'EU868',
  countryCode: 'FR',
  gainDbi: 3,
  interactive: i % 3 !== 0,
  scale: i % 3 !== 0 ? 0.5 : null,
  pocCount: i,
  bestRssiDbm: i % 2 ? -90 - i : null,
  medianRssiDbm: null,
  latestRewards: null,
  ...extra,
});
/** The XYZ tile holding a point at zoom z. */
const tileAt = (lat: number, lng: number, z: number) => {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  return { x: Math.floor(((lng + 180) / 360) * n), y: Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n) };
};
const decode = (bytes: Buffer) => new VectorTile(new PbfReader(bytes));
// A small town's worth of hotspots around Lyon, as on the map page's test.
const lyon = Array.from({ length: 24 }, (_, i) => hotspot(i, 45.75 + (i % 6) * 0.006, 4.83 + Math.floor(i / 6) * 0.008));

describe('coverage vector tiles', () => {
  it('numbers tiles as XYZ Web Mercator does', () => {
    const [w, s, e, n] = tileBbox(0, 0, 0);
    expect([w, e]).toEqual([-180, 180]);
    expect(n).toBeCloseTo(85.0511, 4);
    expect(s).toBeCloseTo(-85.0511, 4);
    expect(tileBbox(1, 1, 0).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([0, 0, 180, 85.0511]);
    expect([isTile(0, 0, 0), isTile(3, 7, 7), isTile(3, 8, 0), isTile(-1, 0, 0), isTile(19, 0, 0), isTile(2, 1.5, 0)]).toEqual([true, true, false, false, false, false]);
    expect([0, 4, 5, 7, 8, 10, 12, 13, 18].map(resolutionForZoom)).toEqual([4, 4, 5, 6, 7, 8, 9, 10, 10]);
  });

  it("carries the hexes' figures and outlines, and the hotspots from zoom 9", () => {
    const snapshot = snapshotOf(lyon);
    const z = 9;
    const { x, y } = tileAt(45.765, 4.842, z);
    const tile = decode(coverageTile(snapshot, z, x, y));
    const expected = snapshot.hexes(8);
    const hexes = tile.layers.hexes!;
    expect(hexes.length).toBe(expected.size);
    for (let i = 0; i < hexes.length; i++) {
      const f = hexes.feature(i);
      const hex = expected.get(String(f.properties.h3))!;
      expect(f.properties).toEqual({
        h3: hex.h3,
        res: 8,
        hotspotCount: hex.hotspotCount,
        interactiveCount: hex.interactiveCount,
        pocCount: hex.pocCount,
        rewardedCount: 0,
        // Figures without a value are left out (no epoch paid: no meanRewards).
        ...(hex.meanTransmitScale === null ? {} : { meanTransmitScale: hex.meanTransmitScale }),
        ...(hex.bestRssiDbm === null ? {} : { bestRssiDbm: hex.bestRssiDbm }),
      });
      // The outline, back in degrees, within the tile's grid (about 20 m at zoom 9) of H3's.
      const ring = (f.toGeoJSON(x, y, z).geometry as Polygon).coordinates[0]!;
      for (const [lat, lng] of cellToBoundary(hex.h3)) {
        const nearest = Math.min(...ring.map(([rLng, rLat]) => Math.hypot((rLat! - lat) * 111_320, (rLng! - lng) * 111_320 * Math.cos((lat * Math.PI) / 180))));
        expect(nearest).toBeLessThan(40);
      }
    }
    const points = tile.layers.hotspots!;
    expect(points.length).toBe(24);
    const named = Array.from({ length: points.length }, (_, i) => points.feature(i).properties).find((p) => p.address === 'h1')!;
    expect(named).toMatchObject({ address: 'h1', capability: 'full', interactive: true, transmitScale: 0.5, pocCount: 1, bestRssiDbm: -91 });
    expect(named.name).toMatch(/^[a-z]+-[a-z]+-[a-z]+$/);
  });

  it('has no hotspot points below zoom 9, coarser hexes, and nothing where nothing is', () => {
    const snapshot = snapshotOf(lyon);
    const { x, y } = tileAt(45.765, 4.842, 3);
    const tile = decode(coverageTile(snapshot, 3, x, y));
    expect(Object.keys(tile.layers)).toEqual(['hexes']);
    expect(tile.layers.hexes!.feature(0).properties.res).toBe(4);
    // Asked for at another resolution.
    expect(decode(coverageTile(snapshot, 3, x, y, 6)).layers.hexes!.feature(0).properties.res).toBe(6);
    const ocean = tileAt(30, -40, 6);
    expect(coverageTile(snapshot, 6, ocean.x, ocean.y).length).toBe(0);
  });

  it('draws hexes by the antimeridian in the tiles on both sides of it', () => {
    const snapshot = snapshotOf([hotspot(1, -16.5, 179.9999), hotspot(2, -16.5, -179.995)]);
    const z = 6;
    const east = tileAt(-16.5, 179.99, z);
    const west = tileAt(-16.5, -179.99, z);
    expect([east.x, west.x]).toEqual([63, 0]);
    for (const t of [east, west]) expect(decode(coverageTile(snapshot, z, t.x, t.y)).layers.hexes?.length, `tile x ${t.x}`).toBeGreaterThan(0);
  });
});
