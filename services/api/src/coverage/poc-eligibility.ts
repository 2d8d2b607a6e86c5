/**
 * Which hotspots take part in proof-of-coverage, and the transmit scale a view shows for them.
 * Data-only hotspots only carry packets: the verifier refuses their beacons and witnesses
 * (invalid_capability), so they are never interactive, never counted in the density map and earn
 * no beacon or witness shares; the rewarder pays them data transfer only, which no transmit scale
 * touches. Showing them the 0.2 default of a non-interactive full hotspot read as a placement
 * problem to their owners, so every view shows null and says why.
 */
import { Type } from 'typebox';
import type { HotspotCapability } from '@cov/shared/poc/context';

export function pocEligible(capability: HotspotCapability): boolean {
  return capability === 'full';
}

/** The transmit scale to show: the density rule's for a full hotspot, none for a data-only one. */
export function shownTransmitScale(capability: HotspotCapability, scale: number): number | null {
  return pocEligible(capability) ? scale : null;
}

export const PocEligibleSchema = Type.Boolean({
  description:
    'Takes part in proof-of-coverage. false for data-only hotspots: they carry packets only (their beacons and witnesses are refused as invalid_capability) and earn data-transfer rewards only, which no transmit scale applies to.',
});

/** `when` completes "HIP-17 transmit scale ..." for the view (what it is measured over). */
export const transmitScaleSchema = (when: string) =>
  Type.Union([Type.Number(), Type.Null()], {
    description: `HIP-17 transmit scale ${when} (0.2 when a full hotspot is not interactive). null for data-only hotspots, which take no part in proof-of-coverage (pocEligible false), so no scale applies to them.`,
  });
