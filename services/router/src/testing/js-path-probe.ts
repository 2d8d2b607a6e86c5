/**
 * The router's JavaScript cost per uplink without sockets or a database, for the benchmark: GWMP
 * parse, PUSH_ACK bytes, intake (base64, LoRaWAN, SHA-256, dedup), window close, route lookup,
 * copy purchase, the burn batch's statement parameters and the PUSH_DATA datagrams to the LNS,
 * through the real UplinkPipeline, BurnBatcher and DedupWindow. Time is simulated (20,000 uplinks/s,
 * 2 copies each, 200 ms window), so the result is CPU only and, unlike the end-to-end figures,
 * hardly moves with what else the machine runs. Beside it: JSON.parse of the same datagrams' bodies,
 * which any GWMP server does.
 */
import { Registry } from 'prom-client';
import { ManualClock } from '@cov/shared/clock';
import { encodeGwmpPacket, parseGwmpPacket } from '@cov/shared/gwmp/packet';
import { createLogger } from '@cov/shared/logger';
import { threadCpuMs } from '@cov/shared/runtime/proc-cpu';
import { BurnBatcher, type BurnBatch } from '../burn-batcher';
import { batchJson, paymentArrays } from '../burn-store';
import type { Scheduler } from '../dedup-window';
import { pushDataDatagramOf, type SentCallback } from '../forwarding/gwmp-lns-client';
import { ackDatagram } from '../gwmp-server';
import { NegativeCache } from '../negative-cache';
import type { RouteOutcome } from '../route-decision';
import { RouteTable } from '../route-table';
import { RouterMetrics } from '../router-metrics';
import { UplinkPipeline } from '../uplink-pipeline';
import { uplinkBytes } from './uplink-id';

export interface JsPathResult {
  /** CPU per uplink through the router's JavaScript path. */
  pathUs: number;
  /** CPU per uplink to JSON.parse its two datagrams' bodies. */
  jsonParseUs: number;
}

const GATEWAYS = 50;
const COPIES = 2;
const WINDOW_MS = 200;
const PURCHASE_LEAD_MS = 50;
const DATAGRAM_INTERVAL_MS = 1000 / 20_000 / COPIES;
const HEADER_BYTES = 12;

/** CPU ms of the calling thread; the process's where /proc has no thread view. */
function cpuMs(): number {
  const thread = threadCpuMs();
  if (thread !== undefined) return thread;
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export async function measureJsPath(uplinks: number): Promise<JsPathResult> {
  const route = { id: '00000000-0000-4000-8000-0000000000b1', orgId: '00000000-0000-4000-8000-0000000000a1', endpoint: { protocol: 'gwmp' as const, host: '127.0.0.1', port: 1 }, maxCopies: COPIES, active: true, locked: false };
  const table = new RouteTable({ version: 1, routes: [route], devAddrRanges: [{ routeId: route.id, startAddr: 0xfc014c00, endAddr: 0xfc014c07 }], euiPairs: [], skfs: [] });
  const hotspots = Array.from({ length: GATEWAYS }, (_, i) => ({ address: `probe-hotspot-${i}`, gatewayEui: `b0000000000000${i.toString(16).padStart(2, '0')}`, locationCell: '8c1f05a3611a1ff', region: 'EU868' }));
  const euiBytes = new Map(hotspots.map((h) => [h.gatewayEui, Buffer.from(h.gatewayEui, 'hex')]));

  let nowMs = 0;
  let timer: { fn: () => void; dueMs: number } | undefined;
  const scheduler: Scheduler = {
    now: () => nowMs,
    setTimer: (fn, delayMs) => (timer = { fn, dueMs: nowMs + delayMs }),
    clearTimer: () => (timer = undefined),
  };
  // Whatever the path builds is folded in here, so no step can be optimised away.
  let bytesBuilt = 0;
  const store = {
    commit: async (batch: BurnBatch): Promise<RouteOutcome[]> => {
      const json = batchJson(batch);
      bytesBuilt += json.decisions.length + paymentArrays(batch).orgs.length;
      return batch.decisions.map(() => 'forwarded' as const);
    },
  };
  const logger = createLogger({ LOG_LEVEL: 'silent' });
  const batcher = new BurnBatcher({ store, maxDecisions: 5000, nowMs: () => 0, logger });
  const lns = {
    pushCopy: (_host: string, _port: number, gatewayEui: string, rxpkJson: string, onSent: SentCallback) => {
      bytesBuilt += pushDataDatagramOf(1, euiBytes.get(gatewayEui)!, [rxpkJson]).length;
      onSent(null);
    },
  };
  const pipeline = new UplinkPipeline({
    clock: new ManualClock(Date.UTC(2026, 10, 21)),
    logger,
    metrics: new RouterMetrics(new Registry()),
    routeTable: () => table,
    negativeCache: new NegativeCache(60_000, () => nowMs),
    batcher,
    http: {} as never,
    lns: lns as never,
    downlinks: {} as never,
    windowMs: WINDOW_MS,
    purchaseLeadMs: PURCHASE_LEAD_MS,
    monotonic: () => nowMs,
    dedupScheduler: scheduler,
  });

  const datagrams: Buffer[] = [];
  const senders: number[] = [];
  for (let i = 0; i < uplinks; i++) {
    const bytes = uplinkBytes(0xfc014c00 + (i % 4), i + 1);
    const phy = bytes.toString('base64');
    for (let k = 0; k < COPIES; k++) {
      const g = (i + 7 * k) % GATEWAYS;
      const r = encodeGwmpPacket({
        type: 'PUSH_DATA',
        token: i & 0xffff,
        gatewayEui: hotspots[g]!.gatewayEui,
        stat: null,
        rxpk: [{ tmst: (i * 1000) >>> 0, freq: 868.1, chan: 0, rfch: 0, stat: 1, modu: 'LORA', datr: 'SF7BW125', codr: '4/5', rssi: -60 - k, lsnr: 5.5, size: bytes.length, data: phy }],
      });
      if (!r.ok) throw r.error;
      datagrams.push(Buffer.from(r.value));
      senders.push(g);
    }
  }

  const feed = async (from: number, to: number) => {
    for (let d = from; d < to; d++) {
      nowMs += DATAGRAM_INTERVAL_MS;
      if (timer && nowMs >= timer.dueMs) {
        const due = timer;
        timer = undefined;
        due.fn();
      }
      const packet = parseGwmpPacket(datagrams[d]!);
      if (!packet.ok || packet.value.type !== 'PUSH_DATA') throw new Error('probe datagram does not parse');
      bytesBuilt += ackDatagram('PUSH_ACK', packet.value.token).length;
      for (const rxpk of packet.value.rxpk) pipeline.intake(rxpk, hotspots[senders[d]!]!);
      // Let committed batches forward, as the event loop would between datagrams.
      if (d % 64 === 0) await new Promise((r) => setImmediate(r));
    }
  };
  const warmUp = Math.floor(datagrams.length / 5);
  await feed(0, warmUp);
  const before = cpuMs();
  await feed(warmUp, datagrams.length);
  nowMs += WINDOW_MS * 2;
  await pipeline.drain();
  const pathUs = ((cpuMs() - before) * 1000) / ((datagrams.length - warmUp) / COPIES);
  pipeline.stop();

  const decoder = new TextDecoder();
  const parseBefore = cpuMs();
  let keys = 0;
  for (let d = warmUp; d < datagrams.length; d++) keys += Object.keys(JSON.parse(decoder.decode(datagrams[d]!.subarray(HEADER_BYTES))) as object).length;
  const jsonParseUs = ((cpuMs() - parseBefore) * 1000) / ((datagrams.length - warmUp) / COPIES);
  if (bytesBuilt === 0 || keys === 0) throw new Error('the probe built nothing');
  return { pathUs, jsonParseUs };
}
