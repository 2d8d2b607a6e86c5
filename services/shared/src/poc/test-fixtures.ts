/**
 * Builders for PoC check contexts in tests: a valid beacon/witness pair that passes every check,
 * which each test then breaks in one place. Locations are from rssi.json (Malta, EU868).
 */
import type { BeaconCheckContext, HotspotInfo, WitnessCheckContext, WitnessLinkContext } from './context';

export const FIXTURE_LOCATIONS = {
  /** Beaconer in rssi.json. */
  LOC0: '8c3f304e42e4bff',
  /** 22.7 km from LOC0, 461 res-11 cells. */
  LOC1: '8c3f3051d7339ff',
  /** Armenia, 2 622 km from LOC0. */
  LOC2: '8c2c00b2d8207ff',
  /** 363 m, 7 cells from LOC0 (res 11). */
  LOC3: '8b3f304e438bfff',
  /** 1 314 m, 28 cells from LOC0 (res 11). */
  LOC4: '8b3f304e4032fff',
} as const;

/** 2024-01-01T00:00:00Z, the start of a 6 h beacon window. */
export const FIXTURE_T0_MS = Date.UTC(2024, 0, 1);
export const FIXTURE_PAYLOAD = Uint8Array.from({ length: 51 }, (_, i) => (i * 37 + 11) & 0xff);

export function hotspot(overrides: Partial<HotspotInfo> = {}): HotspotInfo {
  return {
    pubKey: 'beaconer',
    location: FIXTURE_LOCATIONS.LOC0,
    gainDbiX10: 12,
    elevationM: 100,
    region: 'EU868',
    capability: 'full',
    denied: false,
    ...overrides,
  };
}

export function beaconContext(overrides: Partial<BeaconCheckContext> = {}): BeaconCheckContext {
  return {
    beaconer: hotspot(),
    beacon: {
      payload: FIXTURE_PAYLOAD,
      frequencyHz: 867_900_000,
      dataRate: 'SF12BW125',
      txPowerDbm: 8,
      receivedAtMs: FIXTURE_T0_MS + 60_000,
    },
    entropyStartMs: FIXTURE_T0_MS + 30_000,
    lastBeaconAtMs: FIXTURE_T0_MS - 3_600_000,
    expectedBeacon: { payload: FIXTURE_PAYLOAD, frequencyHz: 867_900_000, dataRate: 'SF12BW125' },
    ...overrides,
  };
}

/** The rssi.json "witness_verification_list" valid case (resp12): witness at LOC4. */
export function witnessContext(overrides: Partial<WitnessCheckContext> = {}): WitnessCheckContext {
  const beacon = beaconContext();
  return {
    beaconer: hotspot(),
    witnessHotspot: hotspot({ pubKey: 'witness', location: FIXTURE_LOCATIONS.LOC4, gainDbiX10: 20 }),
    beacon: beacon.beacon,
    witness: {
      payload: FIXTURE_PAYLOAD,
      signalDbmX10: -1080,
      snrDbX10: 35,
      frequencyHz: 867_900_032,
      dataRate: 'SF12BW125',
      receivedAtMs: beacon.beacon.receivedAtMs + 800,
    },
    isDuplicate: false,
    edgeDenied: false,
    entropyStartMs: beacon.entropyStartMs,
    firstWitnessReceivedAtMs: beacon.beacon.receivedAtMs + 500,
    ...overrides,
  };
}

export function linkContext(overrides: Partial<WitnessLinkContext> = {}): WitnessLinkContext {
  return {
    beaconer: { location: FIXTURE_LOCATIONS.LOC0, gainDbiX10: 12, region: 'EU868' },
    witnessHotspot: { location: FIXTURE_LOCATIONS.LOC4, gainDbiX10: 20, region: 'EU868' },
    beacon: { frequencyHz: 867_900_000, dataRate: 'SF12BW125', txPowerDbm: 8 },
    witness: { signalDbmX10: -1080, snrDbX10: 35, frequencyHz: 867_900_032, dataRate: 'SF12BW125' },
    ...overrides,
  };
}
