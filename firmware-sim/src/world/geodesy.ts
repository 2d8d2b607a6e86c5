/**
 * Spherical geometry for placing things. Distances use h3-js's great-circle distance, the same
 * authalic Earth radius the backend measures links with, so a simulated distance and the
 * verifier's distance agree up to the size of an asserted H3 cell.
 */
import { UNITS, greatCircleDistance } from 'h3-js';
import type { LatLng } from '@cov/shared/geo/lat-lng';

/** Authalic Earth radius h3 uses, in metres. */
export const EARTH_RADIUS_M = 6_371_007.180918475;

export function distanceM(a: LatLng, b: LatLng): number {
  return greatCircleDistance([a.lat, a.lng], [b.lat, b.lng], UNITS.m);
}

/** The point `distM` metres from `origin` along the initial bearing `bearingDeg` (0 = north, clockwise). */
export function destination(origin: LatLng, distM: number, bearingDeg: number): LatLng {
  const delta = distM / EARTH_RADIUS_M;
  const theta = (bearingDeg * Math.PI) / 180;
  const phi1 = (origin.lat * Math.PI) / 180;
  const lambda1 = (origin.lng * Math.PI) / 180;
  const sinPhi2 = Math.sin(phi1) * Math.cos(delta) + Math.cos(phi1) * Math.sin(delta) * Math.cos(theta);
  const phi2 = Math.asin(sinPhi2);
  const lambda2 = lambda1 + Math.atan2(Math.sin(theta) * Math.sin(delta) * Math.cos(phi1), Math.cos(delta) - Math.sin(phi1) * sinPhi2);
  const lng = ((((lambda2 * 180) / Math.PI + 540) % 360) + 360) % 360 - 180;
  return { lat: (phi2 * 180) / Math.PI, lng };
}

/** Metres per degree of latitude and of longitude around a point (flat-earth approximation for grids). */
export function metresPerDegree(at: LatLng): { lat: number; lng: number } {
  const lat = (Math.PI / 180) * EARTH_RADIUS_M;
  return { lat, lng: lat * Math.cos((at.lat * Math.PI) / 180) };
}
