/**
 * Hotspots within a radius of a point, nearest first: what someone siting a new hotspot, or an
 * owner checking their neighbours, asks ("who is within 5 km of here?"). Every asserted hotspot
 * counts, interactive or not, full or data-only; ties in distance go by address so pages of the
 * answer are stable.
 */
import type { HotspotCoverage } from './coverage-snapshot';
import { distanceM, mayBeWithin } from './coverage-rule';

export interface NearHotspot {
  hotspot: HotspotCoverage;
  distanceM: number;
}

export function hotspotsNear(lat: number, lng: number, radiusM: number, hotspots: readonly HotspotCoverage[]): NearHotspot[] {
  return hotspots
    .filter((h) => mayBeWithin(lat, lng, h.lat, h.lng, radiusM))
    .map((h) => ({ hotspot: h, distanceM: distanceM(lat, lng, h.lat, h.lng) }))
    .filter((x) => x.distanceM <= radiusM)
    .sort((a, b) => a.distanceM - b.distanceM || (a.hotspot.address < b.hotspot.address ? -1 : a.hotspot.address > b.hotspot.address ? 1 : 0));
}
