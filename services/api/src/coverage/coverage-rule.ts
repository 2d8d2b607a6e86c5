/**
 * "Is this point covered?" We have no measurement at an arbitrary point, so the rule estimates what
 * a typical device there would deliver to the nearest interactive hotspots: a 14 dBm, 0 dBi device,
 * the hotspot's asserted gain, an urban log-distance path loss (exponent 3.0 beyond 100 m, free
 * space before) at 915 MHz. The point is covered when the best estimate reaches -120 dBm, the
 * threshold Helium's coverage mappers used for a usable uplink. The answer states the rule.
 */
import { logDistancePathLossDb } from '@cov/shared/rf/path-loss';
import { hotspotName } from '@cov/shared/registry/hotspot-name';
import type { HotspotCoverage } from './coverage-snapshot';
import { pocEligible } from './poc-eligibility';

export const COVERAGE_RULE = {
  deviceTxPowerDbm: 14,
  deviceGainDbi: 0,
  pathLossExponent: 3.0,
  referenceDistanceM: 100,
  frequencyHz: 915_000_000,
  coveredAtOrAboveDbm: -120,
  searchRadiusM: 30_000,
} as const;

export const COVERAGE_RULE_TEXT = `covered when an interactive hotspot's estimated RSSI from a ${COVERAGE_RULE.deviceTxPowerDbm} dBm device at the point (log-distance path loss, exponent ${COVERAGE_RULE.pathLossExponent} beyond ${COVERAGE_RULE.referenceDistanceM} m, ${COVERAGE_RULE.frequencyHz / 1e6} MHz, hotspot antenna gain) is at least ${COVERAGE_RULE.coveredAtOrAboveDbm} dBm`;

export function estimatedRssiDbm(distanceM: number, hotspotGainDbi: number): number {
  const lossDb = logDistancePathLossDb(Math.max(distanceM, 1), COVERAGE_RULE.frequencyHz, COVERAGE_RULE.pathLossExponent, COVERAGE_RULE.referenceDistanceM);
  return Math.round((COVERAGE_RULE.deviceTxPowerDbm + COVERAGE_RULE.deviceGainDbi + hotspotGainDbi - lossDb) * 10) / 10;
}

/** Great-circle distance in metres (haversine on the H3 earth radius). */
export function distanceM(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const R = 6_371_007.180918475;
  const toRad = Math.PI / 180;
  const dLat = (lat2 - lat1) * toRad;
  const dLng = (lng2 - lng1) * toRad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * toRad) * Math.cos(lat2 * toRad) * Math.sin(dLng / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(a)));
}

/**
 * A cheap test before distanceM: can the second point lie within radiusM of the first? Longitudes
 * are compared the short way round (a hotspot across the antimeridian is near), and a circle that
 * reaches a pole takes every longitude.
 */
export function mayBeWithin(lat: number, lng: number, otherLat: number, otherLng: number, radiusM: number): boolean {
  const degLat = radiusM / 111_000;
  if (Math.abs(otherLat - lat) > degLat) return false;
  const poleward = Math.abs(lat) + degLat;
  if (poleward >= 90) return true;
  const apart = Math.abs(otherLng - lng);
  return Math.min(apart, 360 - apart) <= degLat / Math.cos((poleward * Math.PI) / 180);
}

/** Nearest hotspots "is this point covered" lists. */
const NEAREST_LISTED = 5;

export interface PointCoverage {
  covered: boolean;
  bestEstimatedRssiDbm: number | null;
  nearest: { address: string; name: string; distanceM: number; interactive: boolean; estimatedRssiDbm: number; bestObservedRssiDbm: number | null }[];
}

/**
 * The rule applied at one point: every interactive full hotspot within the search radius counts
 * towards the best estimate, not only the few listed as nearest (five idle hotspots next door
 * must not hide an interactive one a little further), each with its own asserted antenna gain.
 */
export function pointCoverage(lat: number, lng: number, hotspots: readonly HotspotCoverage[]): PointCoverage {
  const inReach = hotspots
    .filter((h) => pocEligible(h.capability) && mayBeWithin(lat, lng, h.lat, h.lng, COVERAGE_RULE.searchRadiusM))
    .map((h) => ({ h, d: distanceM(lat, lng, h.lat, h.lng) }))
    .filter((x) => x.d <= COVERAGE_RULE.searchRadiusM)
    .map(({ h, d }) => ({ h, d, rssi: estimatedRssiDbm(d, h.gainDbi) }));
  const best = inReach.reduce<number | null>((b, x) => (x.h.interactive && (b === null || x.rssi > b) ? x.rssi : b), null);
  const nearest = inReach
    .sort((a, b) => a.d - b.d)
    .slice(0, NEAREST_LISTED)
    .map(({ h, d, rssi }) => ({ address: h.address, name: hotspotName(h.address), distanceM: Math.round(d), interactive: h.interactive, estimatedRssiDbm: rssi, bestObservedRssiDbm: h.bestRssiDbm }));
  return { covered: best !== null && best >= COVERAGE_RULE.coveredAtOrAboveDbm, bestEstimatedRssiDbm: best, nearest };
}
