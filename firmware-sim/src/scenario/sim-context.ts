/**
 * What every part of a running simulation shares: the world, simulated time and its event queue,
 * the radio channel, the region's plans, counters and the message record.
 */
import type { BeaconRegionPlan } from '@cov/shared/beacon/beacon';
import type { RegionPlan } from '@cov/shared/regions/region-plan';
import type { SeededRandom } from '../random/seeded-random';
import type { RadioChannel } from '../radio/radio-channel';
import type { SimWorld } from '../world/world';
import type { RecordedMessage } from './recorder';
import type { SimClock } from './sim-clock';
import type { SimStats } from './sim-stats';

export interface TrafficSettings {
  beaconIntervalMs: number;
  /** Beacons must embed entropy younger than this (ENTROPY_VALIDITY_MS of the backend). */
  entropyValidityMs: number;
  gwmpKeepaliveMs: number;
  gwmpStatIntervalMs: number;
  /** Share of uplinks a device maker answers with an application downlink. */
  appDownlinkShare: number;
  /**
   * Devices send their first join request at a random time within this span of the start (two
   * minutes unless set): a fleet powered on over a while, not all at once. The quickstart
   * shortens it, so a newcomer sees device traffic soon after `npm start`.
   */
  firstJoinSpreadMs?: number;
}

export interface SimContext {
  world: SimWorld;
  clock: SimClock;
  schedule(atMs: number, label: string, run: () => void | Promise<void>): void;
  record(message: RecordedMessage): void;
  stats: SimStats;
  channel: RadioChannel;
  regionPlan: RegionPlan;
  beaconPlan: BeaconRegionPlan;
  rng: SeededRandom;
  settings: TrafficSettings;
  startMs: number;
  endMs: number;
}
