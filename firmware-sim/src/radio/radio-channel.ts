/**
 * The shared air: who hears a transmission, and how strongly. Receivers (hotspots) are indexed on
 * a coarse lat/lng grid whose cells are as wide as the longest radio horizon, so a transmission
 * only looks at the receivers in the 3x3 block of cells around it. Per-link geometry and shadowing
 * are cached: beacons and uplinks cross the same links again and again.
 */
import type { SpreadingFactor } from '@cov/shared/regions/region-plan';
import type { SeededRandom } from '../random/seeded-random';
import { metresPerDegree } from '../world/geodesy';
import {
  DEFAULT_RADIO_MODEL,
  linkGeometry,
  linkNormal,
  pathLossDb,
  receivedPowerDbm,
  type LinkGeometry,
  type RadioEndpoint,
  type RadioModelParams,
} from './link-model';
import { demodulate, type Demodulation, type ReceiverProfile } from './receiver';

export interface Receiver extends RadioEndpoint, ReceiverProfile {}

export interface Transmission {
  transmitter: RadioEndpoint;
  txPowerDbm: number;
  frequencyHz: number;
  spreadingFactor: SpreadingFactor;
  bandwidthHz: number;
}

export interface Reception extends Demodulation {
  receiverId: string;
  distanceM: number;
  exponent: number;
  shadowingDb: number;
  fadingDb: number;
  pathLossDb: number;
  freeSpacePathLossDb: number;
  clampedToFreeSpace: boolean;
}

interface CachedLink {
  geometry: LinkGeometry;
  shadowingDb: number;
}

export class RadioChannel {
  private readonly grid = new Map<string, Receiver[]>();
  private readonly links = new Map<string, CachedLink>();
  private readonly cellLatDeg: number;
  private readonly cellLngDeg: number;

  constructor(
    private readonly seed: string,
    receivers: readonly Receiver[],
    readonly params: RadioModelParams = DEFAULT_RADIO_MODEL,
    /** Tallest transmitter antenna that will use this channel (devices are short, hotspots are not). */
    maxTransmitterHeightM = 60,
  ) {
    const tallest = Math.max(1, maxTransmitterHeightM, ...receivers.map((r) => r.heightAglM));
    const maxHorizonM = params.horizonMPerSqrtM * 2 * Math.sqrt(tallest);
    const centre = receivers[0]?.position ?? { lat: 0, lng: 0 };
    const perDeg = metresPerDegree(centre);
    // Longitude degrees shrink toward the poles; widen the cells a little to cover the whole area.
    this.cellLatDeg = maxHorizonM / perDeg.lat;
    this.cellLngDeg = maxHorizonM / (perDeg.lng * 0.9);
    for (const r of receivers) {
      const key = this.cellKey(r.position.lat, r.position.lng);
      const bucket = this.grid.get(key);
      if (bucket) bucket.push(r);
      else this.grid.set(key, [r]);
    }
  }

  private cellKey(lat: number, lng: number, dLat = 0, dLng = 0): string {
    return `${Math.floor(lat / this.cellLatDeg) + dLat}:${Math.floor(lng / this.cellLngDeg) + dLng}`;
  }

  /** Receivers that could possibly be within radio horizon of a point. */
  candidates(position: { lat: number; lng: number }): Receiver[] {
    const out: Receiver[] = [];
    for (let dLat = -1; dLat <= 1; dLat++) {
      for (let dLng = -1; dLng <= 1; dLng++) {
        const bucket = this.grid.get(this.cellKey(position.lat, position.lng, dLat, dLng));
        if (bucket) out.push(...bucket);
      }
    }
    return out;
  }

  link(a: RadioEndpoint, b: RadioEndpoint): CachedLink {
    const key = a.id < b.id ? `${a.id}|${b.id}` : `${b.id}|${a.id}`;
    let cached = this.links.get(key);
    if (!cached) {
      const geometry = linkGeometry(a, b, this.params);
      cached = { geometry, shadowingDb: geometry.shadowingSigmaDb * linkNormal(this.seed, a.id, b.id) };
      this.links.set(key, cached);
    }
    return cached;
  }

  /**
   * One transmission arriving at one receiver: null beyond the radio horizon, otherwise the full
   * reception (heard or not).
   */
  receive(tx: Transmission, receiver: RadioEndpoint & ReceiverProfile, fading: SeededRandom | null): Reception | null {
    if (receiver.id === tx.transmitter.id) return null;
    const { geometry, shadowingDb } = this.link(tx.transmitter, receiver);
    if (geometry.distanceM > geometry.horizonM) return null;
    const fadingDb = fading ? fading.normal(0, this.params.fastFadingSigmaDb) : 0;
    const loss = pathLossDb({
      distanceM: geometry.distanceM,
      frequencyHz: tx.frequencyHz,
      exponent: geometry.exponent,
      shadowingDb,
      fadingDb,
      referenceDistanceM: this.params.referenceDistanceM,
    });
    const signalDbm = receivedPowerDbm({ txPowerDbm: tx.txPowerDbm, transmitter: tx.transmitter, receiver, pathLossDb: loss.pathLossDb });
    return {
      receiverId: receiver.id,
      distanceM: geometry.distanceM,
      exponent: geometry.exponent,
      shadowingDb,
      fadingDb,
      ...loss,
      ...demodulate({ signalDbm, spreadingFactor: tx.spreadingFactor, bandwidthHz: tx.bandwidthHz, receiver }),
    };
  }

  /** Every receiver that demodulates the transmission. */
  heardBy(tx: Transmission, fading: SeededRandom | null): { receiver: Receiver; reception: Reception }[] {
    const out: { receiver: Receiver; reception: Reception }[] = [];
    for (const receiver of this.candidates(tx.transmitter.position)) {
      const reception = this.receive(tx, receiver, fading);
      if (reception?.heard) out.push({ receiver, reception });
    }
    return out;
  }
}
