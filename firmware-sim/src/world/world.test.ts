import { describe, expect, it } from 'vitest';
import { RegionLookup } from '@cov/shared/location-region/region-lookup';
import { isValidAddress } from '@cov/shared/helium/keys';
import { CHEATER_KINDS, NO_CHEATERS, type CheaterKind } from '../cheaters/cheater-kinds';
import { AREA_PRESETS, areaContains, polygonAreaFromGeoJson } from './area';
import { distanceM } from './geodesy';
import { buildWorld, type WorldOptions } from './world';

const base: WorldOptions = {
  seed: 'world-test',
  area: AREA_PRESETS.denver!,
  hotspotCount: 200,
  deviceCount: 40,
  dataOnlyShare: 0.1,
  httpShare: 0.2,
  cheaterShares: Object.fromEntries(CHEATER_KINDS.map((k) => [k, k === 'gaming_ring' ? 0.05 : 0.02])) as Record<CheaterKind, number>,
  orgCount: 2,
  uplinkIntervalMs: 900_000,
  confirmedShare: 0.2,
};

describe('buildWorld', () => {
  const world = buildWorld(base);

  it('is determined by its seed', () => {
    const again = buildWorld(base);
    expect(again.hotspots.map((h) => [h.address, h.truePosition, h.cheat])).toEqual(world.hotspots.map((h) => [h.address, h.truePosition, h.cheat]));
    const other = buildWorld({ ...base, seed: 'other' });
    expect(other.hotspots[0]!.address).not.toBe(world.hotspots[0]!.address);
  });

  it('places hotspots over core, suburbs and countryside with real identities', () => {
    expect(world.hotspots).toHaveLength(200);
    expect(new Set(world.hotspots.map((h) => h.address)).size).toBe(200);
    expect(new Set(world.hotspots.map((h) => h.gatewayEui)).size).toBe(200);
    for (const h of world.hotspots) expect(isValidAddress(h.address)).toBe(true);
    const envs = new Set(world.hotspots.map((h) => h.environment));
    expect([...envs].sort()).toEqual(['rural', 'suburban', 'urban']);
    const centre = AREA_PRESETS.denver!.center;
    const withinCore = world.hotspots.filter((h) => h.cheat?.kind !== 'gaming_ring' && distanceM(h.truePosition, centre) < 8_000).length;
    expect(withinCore / 200).toBeGreaterThan(0.35);
    const dataOnly = world.hotspots.filter((h) => h.capability === 'data_only').length;
    expect(dataOnly).toBeGreaterThan(5);
    expect(dataOnly).toBeLessThan(40);
  });

  it('gives gains between 1.2 and 9 dBi, asserted truthfully by honest hotspots', () => {
    for (const h of world.hotspots) {
      expect(h.hardware.gainDbi).toBeGreaterThanOrEqual(1.2);
      expect(h.hardware.gainDbi).toBeLessThanOrEqual(9);
      if (h.cheat === null) expect(h.asserted).toEqual({ lat: h.truePosition.lat, lng: h.truePosition.lng, gainDbiX10: Math.round(h.hardware.gainDbi * 10), elevationM: Math.round(h.hardware.heightAglM) });
    }
  });

  it('cheats only with full hotspots, one kind each', () => {
    for (const h of world.hotspots.filter((x) => x.cheat)) expect(h.capability).toBe('full');
    for (const kind of CHEATER_KINDS) expect(world.hotspots.some((h) => h.cheat?.kind === kind), kind).toBe(true);
  });

  it('spoofers assert 15-60 km away, on land in the same region', () => {
    const regions = new RegionLookup(7);
    const spoofers = world.hotspots.filter((h) => h.cheat?.kind === 'location_spoofer');
    expect(spoofers.length).toBeGreaterThan(0);
    for (const s of spoofers) {
      const d = distanceM(s.truePosition, s.asserted);
      expect(d).toBeGreaterThan(14_900);
      expect(d).toBeLessThan(60_100);
      expect(regions.regionAt(s.asserted.lat, s.asserted.lng)?.region).toBe('US915');
    }
  });

  it('rings sit on one farm and assert a spread-out neighbourhood far from it', () => {
    expect(world.rings.length).toBeGreaterThan(0);
    for (const ring of world.rings) {
      expect(ring.members.length).toBeGreaterThanOrEqual(3);
      expect(ring.members.length).toBeLessThanOrEqual(6);
      expect(distanceM(ring.farm, ring.assertedCentre)).toBeGreaterThan(15_000);
      for (const m of ring.members) {
        const h = world.hotspots[m]!;
        expect(distanceM(h.truePosition, ring.farm)).toBeLessThan(50);
        const fromCentre = distanceM(h.asserted, ring.assertedCentre);
        expect(fromCentre).toBeGreaterThan(1_100);
        expect(fromCentre).toBeLessThan(4_100);
      }
    }
  });

  it('puts devices near honest hotspots, each in an organisation with its JoinEUI', () => {
    expect(world.devices).toHaveLength(40);
    const honest = world.hotspots.filter((h) => h.cheat === null);
    for (const d of world.devices) {
      expect(Math.min(...honest.map((h) => distanceM(h.truePosition, d.position)))).toBeLessThan(25_000);
      expect(d.devEui).toMatch(/^[0-9a-f]{16}$/);
      expect(d.appKey).toHaveLength(16);
    }
    expect(new Set(world.devices.map((d) => d.joinEui)).size).toBe(2);
  });

  it('fills a GeoJSON polygon instead of a preset, and takes its region from it', () => {
    const polygon = polygonAreaFromGeoJson(
      JSON.stringify({ type: 'Polygon', coordinates: [[[11.4, 48.05], [11.75, 48.05], [11.75, 48.25], [11.4, 48.25], [11.4, 48.05]]] }),
    );
    const w = buildWorld({ ...base, area: polygon, hotspotCount: 60, deviceCount: 5, cheaterShares: NO_CHEATERS });
    expect(w.region).toBe('EU868');
    for (const h of w.hotspots) expect(areaContains(polygon, h.truePosition)).toBe(true);
  });

  it('refuses GeoJSON that is not a polygon', () => {
    expect(() => polygonAreaFromGeoJson('{"type":"Point","coordinates":[0,0]}')).toThrow(/Polygon/);
    expect(() => polygonAreaFromGeoJson('not json')).toThrow(/JSON/);
  });
});
