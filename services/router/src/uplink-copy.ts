/**
 * One hotspot's copy of a packet: the radio metadata the device maker and the data-transfer
 * rewards need, normalised from the forwarder's rxpk (MHz -> Hz, signal RSSI preferred over
 * channel RSSI as gateway-rs does; a multi-antenna forwarder's best antenna), plus the raw rxpk for
 * GWMP forwarding.
 */
import { rxpkRssiDbm, rxpkSnrDb } from '@cov/shared/gwmp/json-bodies';
import type { Rxpk } from '@cov/shared/gwmp/types';

export interface HotspotInfo {
  address: string;
  /** 16 hex, lower case (as GWMP datagrams are read); the registry shows it upper case. */
  gatewayEui: string;
  /** Asserted location as an H3 res-12 cell, null until asserted. */
  locationCell: string | null;
  region: string | null;
}

export interface UplinkCopy {
  hotspotAddress: string;
  hotspot: HotspotInfo;
  rssiDbm: number;
  snrDb: number;
  frequencyHz: number;
  /** `SF9BW125`, or `FSK50000` for FSK (bit rate). */
  dataRate: string;
  codingRate: string | null;
  /** Concentrator counter (µs, u32) of the gateway: the base of RX1/RX2 downlink timing. */
  tmst: number;
  /** Forwarder's GPS/UTC time string when it has one. */
  gatewayTime: string | null;
  /** Server clock at receipt (epoch ms). */
  receivedAtMs: number;
  rxpk: Rxpk;
}

export function toUplinkCopy(rxpk: Rxpk, hotspot: HotspotInfo, receivedAtMs: number): UplinkCopy {
  return {
    hotspotAddress: hotspot.address,
    hotspot,
    rssiDbm: Math.round(rxpkRssiDbm(rxpk) ?? 0),
    snrDb: rxpkSnrDb(rxpk) ?? 0,
    frequencyHz: Math.round(rxpk.freq * 1_000_000),
    dataRate: typeof rxpk.datr === 'number' ? `FSK${rxpk.datr}` : rxpk.datr,
    codingRate: rxpk.codr ?? null,
    tmst: rxpk.tmst,
    gatewayTime: rxpk.time ?? null,
    receivedAtMs,
    rxpk,
  };
}

/**
 * The copies a purchase buys: after the `alreadyBought` first ones, up to the first `maxCopies` in
 * arrival order; the rest are counted, not paid. Always a new array: an open window's copies go
 * on growing after the purchase.
 */
export function buyCopies<C>(copies: readonly C[], alreadyBought: number, maxCopies: number): C[] {
  return copies.slice(alreadyBought, Math.max(alreadyBought, Math.min(copies.length, maxCopies)));
}

/** Strongest first (RSSI, then SNR): the order in which hotspots are tried for a downlink. */
export function byReception<C extends { rssiDbm: number; snrDb: number }>(copies: readonly C[]): C[] {
  return [...copies].sort((a, b) => b.rssiDbm - a.rssiDbm || b.snrDb - a.snrDb);
}
