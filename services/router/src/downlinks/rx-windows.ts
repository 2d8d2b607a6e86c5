/**
 * Class A receive windows for a downlink answering an uplink heard by one hotspot
 * (reference/lorawan-routing.md §1.5 and §4.3). Timing is on the gateway's concentrator counter:
 * RX1 at uplink tmst + 1 s for data (5 s for a join-accept), RX2 one second later; the counter is
 * a u32 of µs and wraps. RX1 frequency and data rate follow the region's rule with RX1DROffset 0:
 * US915/AU915/CN470 map the uplink channel onto a downlink channel and a 500 kHz data rate; the
 * other regions answer on the uplink frequency and data rate. RX2 is the region's fixed channel.
 * The device maker may override any of it (its LNS knows the device's RX1DROffset and RxDelay).
 */
import { dataRateByIndex, findDataRateByName, getRegionPlan, isRegion, type RegionId } from '@cov/shared/regions/region-plan';

export type DownlinkKind = 'data' | 'join_accept';

export interface UplinkRadio {
  frequencyHz: number;
  dataRate: string;
  tmst: number;
  region: string | null;
}

export interface WindowOverride {
  delayMs?: number;
  frequencyHz?: number;
  dataRate?: string;
}

export interface TxWindow {
  name: 'rx1' | 'rx2';
  /** Concentrator counter to transmit at (µs, u32). */
  tmst: number;
  /** Delay after the uplink, used to judge whether the window can still be met. */
  delayMs: number;
  frequencyHz: number;
  dataRate: string;
  powerDbm: number;
}

const RX1_DELAY_MS: Record<DownlinkKind, number> = { data: 1000, join_accept: 5000 };
/** RX2 opens one second after RX1 (LoRaWAN 1.0.x RECEIVE_DELAY2 = RECEIVE_DELAY1 + 1 s). */
const RX2_AFTER_RX1_MS = 1000;
/** What most gateways can emit; region defaults above it (US915's 30 dBm EIRP) are capped here. */
const MAX_GATEWAY_TX_POWER_DBM = 27;
const FALLBACK_TX_POWER_DBM = 14;

/** Region of a hotspot without an asserted location, guessed from the uplink band. */
export function effectiveRegion(region: string | null, frequencyHz: number): RegionId | null {
  if (isRegion(region)) return region;
  if (frequencyHz >= 902_000_000 && frequencyHz < 915_000_000) return 'US915';
  return null;
}

export function defaultTxPowerDbm(region: RegionId | null): number {
  return region ? Math.min(MAX_GATEWAY_TX_POWER_DBM, Math.floor(getRegionPlan(region).loRaWanDefaultMaxEirpDbm)) : FALLBACK_TX_POWER_DBM;
}

function tmstAfter(tmst: number, delayMs: number): number {
  return (tmst + delayMs * 1000) >>> 0;
}

interface ChannelPlan {
  /** Uplink channel from frequency and bandwidth; null when the frequency is not on the grid. */
  uplinkChannel(frequencyHz: number, bandwidthKhz: number): number | null;
  downlinkHz(channel: number): number;
  /** RX1 downlink DR index for an uplink DR index (RX1DROffset 0). */
  rx1DataRateIndex(upIndex: number): number | null;
}

function onGrid(frequencyHz: number, firstHz: number, stepHz: number, count: number): number | null {
  const n = Math.round((frequencyHz - firstHz) / stepHz);
  return n >= 0 && n < count && Math.abs(firstHz + n * stepHz - frequencyHz) <= 1_000 ? n : null;
}

const US_AU_DOWNLINK = (ch: number) => 923_300_000 + 600_000 * (ch % 8);

const CHANNEL_MAPPED: Partial<Record<RegionId, ChannelPlan>> = {
  US915: {
    uplinkChannel: (f, bw) => (bw === 500 ? mapped(onGrid(f, 903_000_000, 1_600_000, 8), 64) : onGrid(f, 902_300_000, 200_000, 64)),
    downlinkHz: US_AU_DOWNLINK,
    rx1DataRateIndex: (dr) => [10, 11, 12, 13, 13][dr] ?? null,
  },
  AU915: {
    uplinkChannel: (f, bw) => (bw === 500 ? mapped(onGrid(f, 915_900_000, 1_600_000, 8), 64) : onGrid(f, 915_200_000, 200_000, 64)),
    downlinkHz: US_AU_DOWNLINK,
    rx1DataRateIndex: (dr) => [8, 9, 10, 11, 12, 13, 13][dr] ?? null,
  },
  CN470: {
    uplinkChannel: (f) => onGrid(f, 470_300_000, 200_000, 96),
    downlinkHz: (ch) => 500_300_000 + 200_000 * (ch % 48),
    rx1DataRateIndex: (dr) => (dr >= 0 && dr <= 5 ? dr : null),
  },
};

function mapped(n: number | null, offset: number): number | null {
  return n === null ? null : n + offset;
}

function bandwidthKhz(dataRate: string): number | null {
  const m = /BW(\d+)$/.exec(dataRate);
  return m ? Number(m[1]) : null;
}

export function rx1Window(up: UplinkRadio, kind: DownlinkKind, override: WindowOverride = {}, powerDbm?: number): TxWindow | null {
  const region = effectiveRegion(up.region, up.frequencyHz);
  const delayMs = override.delayMs ?? RX1_DELAY_MS[kind];
  let frequencyHz = up.frequencyHz;
  let dataRate = up.dataRate;
  const plan = region ? CHANNEL_MAPPED[region] : undefined;
  if (plan && region) {
    const bw = bandwidthKhz(up.dataRate);
    const channel = bw === null ? null : plan.uplinkChannel(up.frequencyHz, bw);
    const upDr = findDataRateByName(region, up.dataRate, 'up');
    const downIndex = upDr ? plan.rx1DataRateIndex(upDr.index) : null;
    const downDr = downIndex === null ? null : dataRateByIndex(region, downIndex, 'down');
    if (channel === null || !downDr) {
      if (override.frequencyHz === undefined || override.dataRate === undefined) return null;
    } else {
      frequencyHz = plan.downlinkHz(channel);
      dataRate = downDr.name;
    }
  }
  return {
    name: 'rx1',
    tmst: tmstAfter(up.tmst, delayMs),
    delayMs,
    frequencyHz: override.frequencyHz ?? frequencyHz,
    dataRate: override.dataRate ?? dataRate,
    powerDbm: powerDbm ?? defaultTxPowerDbm(region),
  };
}

/** RX2, one second after RX1 (or after the overridden RX1 delay); null when the region is unknown and nothing is given. */
export function rx2Window(up: UplinkRadio, kind: DownlinkKind, override: WindowOverride = {}, rx1DelayMs?: number, powerDbm?: number): TxWindow | null {
  const region = effectiveRegion(up.region, up.frequencyHz);
  const delayMs = override.delayMs ?? (rx1DelayMs ?? RX1_DELAY_MS[kind]) + RX2_AFTER_RX1_MS;
  let frequencyHz = override.frequencyHz;
  let dataRate = override.dataRate;
  if (region) {
    const rx2 = getRegionPlan(region).rx2;
    frequencyHz ??= rx2.frequencyHz;
    dataRate ??= dataRateByIndex(region, rx2.dataRateIndex, 'down')?.name;
  }
  if (frequencyHz === undefined || dataRate === undefined) return null;
  return { name: 'rx2', tmst: tmstAfter(up.tmst, delayMs), delayMs, frequencyHz, dataRate, powerDbm: powerDbm ?? defaultTxPowerDbm(region) };
}
