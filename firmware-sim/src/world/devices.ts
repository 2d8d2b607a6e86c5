/**
 * LoRaWAN end devices: sensors placed near where hotspots are (people deploy sensors where there is
 * coverage), each belonging to one device maker's organisation with its own JoinEUI, with a random
 * DevEUI and AppKey, a reporting interval and a share of confirmed uplinks.
 */
import type { LatLng } from '@cov/shared/geo/lat-lng';
import { bytesToHex } from '@cov/shared/lorawan/bytes';
import type { RegionId } from '@cov/shared/regions/region-plan';
import type { SeededRandom } from '../random/seeded-random';
import type { Environment } from './area';
import { destination } from './geodesy';

export interface SimDevice {
  index: number;
  /** Radio id ("d5"). */
  id: string;
  org: number;
  devEui: string;
  joinEui: string;
  appKey: Uint8Array;
  position: LatLng;
  environment: Environment;
  heightAglM: number;
  gainDbi: number;
  /** Many sensors sit indoors (meters in basements, trackers in warehouses). */
  buildingLossDb: number;
  /** Conducted power: 20 dBm (US915 sensors), 14 dBm (EU868, 16 dBm EIRP cap). */
  txPowerDbm: number;
  /** Mean time between uplinks. */
  uplinkIntervalMs: number;
  /** Share of this device's uplinks sent confirmed. */
  confirmedShare: number;
  /** Application payload size (kept within every uplink data rate's limit: 11 bytes at US915 DR0). */
  payloadBytes: number;
  fPort: number;
}

export interface DeviceOptions {
  count: number;
  orgCount: number;
  region: RegionId;
  uplinkIntervalMs: number;
  confirmedShare: number;
}

const ANCHOR_SPREAD_M: Readonly<Record<Environment, number>> = { urban: 500, suburban: 1_200, rural: 2_500 };

/** JoinEUI of organisation `org`, stable per run seed. */
export function orgJoinEui(seedRng: SeededRandom, org: number): string {
  return bytesToHex(seedRng.fork(`org/${org}/join-eui`).bytes(8));
}

export function placeDevices(
  anchors: readonly { position: LatLng; environment: Environment }[],
  options: DeviceOptions,
  rng: SeededRandom,
): SimDevice[] {
  if (options.count > 0 && anchors.length === 0) throw new Error('devices need at least one honest hotspot to stand near');
  const joinEuis = Array.from({ length: options.orgCount }, (_, org) => orgJoinEui(rng, org));
  return Array.from({ length: options.count }, (_, index) => {
    const r = rng.fork(`device/${index}`);
    const anchor = r.pick(anchors);
    const org = index % Math.max(1, options.orgCount);
    return {
      index,
      id: `d${index}`,
      org,
      devEui: bytesToHex(r.bytes(8)),
      joinEui: joinEuis[org] ?? joinEuis[0]!,
      appKey: r.bytes(16),
      position: destination(anchor.position, r.logNormal(ANCHOR_SPREAD_M[anchor.environment], 0.6), r.uniform(0, 360)),
      environment: anchor.environment,
      heightAglM: Math.round(r.uniform(0.5, 3) * 10) / 10,
      gainDbi: Math.round(r.uniform(-2, 2) * 10) / 10,
      buildingLossDb: r.chance(0.5) ? Math.round(r.uniform(8, 20) * 10) / 10 : 0,
      txPowerDbm: options.region === 'EU868' ? 14 : 20,
      uplinkIntervalMs: Math.round(options.uplinkIntervalMs * r.logNormal(1, 0.3)),
      confirmedShare: options.confirmedShare,
      payloadBytes: r.int(4, 11),
      fPort: r.int(1, 20),
    };
  });
}
