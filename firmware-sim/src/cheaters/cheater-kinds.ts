/**
 * The kinds of dishonest hotspot the simulator plants, each labelled in the output so detection
 * can be scored. Each kind is a behaviour a real network has seen, and each names what should catch
 * it (see firmware-sim/README.md for the table).
 */
import type { LatLng } from '@cov/shared/geo/lat-lng';

export const CHEATER_KINDS = [
  /** Asserts a location far from where its radio really is. */
  'location_spoofer',
  /** A group that fabricates witnesses of each other's beacons without radio contact. */
  'gaming_ring',
  /** Reports witness RSSI stronger than free space allows. */
  'rssi_too_strong',
  /** Reports witness RSSI exactly on a textbook path-loss curve, with no fading at all. */
  'rssi_on_model',
  /** Sends old beacon and witness reports again. */
  'replayer',
  /** Delivers its witness reports many seconds after hearing the beacon. */
  'late_reporter',
  /** Its clock is off: report timestamps disagree with when reports arrive. */
  'clock_skewed',
  /** Reports witnessing its own beacons. */
  'self_witness',
  /** Claims a transmit power above the region's max EIRP minus its antenna gain. */
  'tx_power_over_reporter',
  /** Beacons more than once per beacon window. */
  'beacon_spammer',
] as const;

export type CheaterKind = (typeof CHEATER_KINDS)[number];

export function isCheaterKind(value: string): value is CheaterKind {
  return (CHEATER_KINDS as readonly string[]).includes(value);
}

/** `location_spoofer` -> `location-spoofer`, the form used in CLI flags. */
export function cheaterFlagName(kind: CheaterKind): string {
  return kind.replaceAll('_', '-');
}

export type CheatProfile =
  | { kind: 'location_spoofer'; offsetM: number; bearingDeg: number }
  | { kind: 'gaming_ring'; ringId: number; farm: LatLng }
  | { kind: 'rssi_too_strong'; minExcessDb: number; maxExcessDb: number }
  | { kind: 'rssi_on_model'; exponent: number }
  | { kind: 'replayer'; replayProbability: number; minDelayMs: number; maxDelayMs: number }
  | { kind: 'late_reporter'; minExtraLagMs: number; maxExtraLagMs: number }
  | { kind: 'clock_skewed'; skewMs: number }
  | { kind: 'self_witness' }
  | { kind: 'tx_power_over_reporter'; reportedTxPowerDbm: number }
  | { kind: 'beacon_spammer'; beaconsPerWindow: number };

export type CheaterShares = Readonly<Record<CheaterKind, number>>;

export const NO_CHEATERS: CheaterShares = Object.freeze(Object.fromEntries(CHEATER_KINDS.map((k) => [k, 0])) as Record<CheaterKind, number>);

/** A modest population of every kind: what a real network of this size might hide. */
export const DEFAULT_CHEATER_SHARES: CheaterShares = Object.freeze({
  location_spoofer: 0.02,
  gaming_ring: 0.03,
  rssi_too_strong: 0.01,
  rssi_on_model: 0.01,
  replayer: 0.01,
  late_reporter: 0.01,
  clock_skewed: 0.01,
  self_witness: 0.01,
  tx_power_over_reporter: 0.01,
  beacon_spammer: 0.01,
});
