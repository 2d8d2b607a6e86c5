/**
 * Regenerates the beacon a report should have sent, with the shared beacon construction (the same
 * code the simulator transmits with): the report's own entropy bytes, but the timestamp and
 * version of the stored entropy row, never the report's word for them.
 */
import { beaconRegionPlanFrom, checkBeaconConstruction, type BeaconRegionPlan } from '@cov/shared/beacon/beacon';
import type { ExpectedBeacon } from '@cov/shared/poc/context';
import { getRegionPlan, type RegionId } from '@cov/shared/regions/region-plan';

const regionPlans = new Map<RegionId, BeaconRegionPlan>();

function beaconPlanFor(region: RegionId): BeaconRegionPlan {
  let plan = regionPlans.get(region);
  if (!plan) {
    plan = beaconRegionPlanFrom(getRegionPlan(region));
    regionPlans.set(region, plan);
  }
  return plan;
}

export interface BeaconConstructionInput {
  payload: Uint8Array;
  localEntropy: Uint8Array;
  remoteEntropy: Uint8Array;
  frequencyHz: number;
  dataRate: string;
}

/** Null when it cannot be regenerated (unsupported entropy version, region without channels...). */
export function expectedBeaconFor(
  report: BeaconConstructionInput,
  entropy: { timestampSec: number; version: number },
  region: RegionId,
): ExpectedBeacon | null {
  const result = checkBeaconConstruction({
    report: {
      data: report.payload,
      frequencyHz: report.frequencyHz,
      datarate: report.dataRate,
      localEntropy: report.localEntropy,
      remoteEntropy: report.remoteEntropy,
    },
    remoteEntropyTimestampSec: entropy.timestampSec,
    remoteEntropyVersion: entropy.version,
    region: beaconPlanFor(region),
  });
  if (!result.ok) return null;
  const { payload, frequencyHz, dataRate } = result.value.expected;
  return { payload, frequencyHz, dataRate };
}
