import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import type { Rxpk } from '@cov/shared/gwmp/types';
import { createLogger } from '@cov/shared/logger';
import { ManualClock } from '@cov/shared/clock';
import type { BurnBatcher, LateCopies } from './burn-batcher';
import { NegativeCache } from './negative-cache';
import type { RouteDecision, RouteOutcome } from './route-decision';
import { RouteTable } from './route-table';
import { RouterMetrics } from './router-metrics';
import { UplinkPipeline } from './uplink-pipeline';

const ROUTE = { id: 'r1', orgId: 'o1', endpoint: { protocol: 'gwmp' as const, host: '127.0.0.1', port: 1 }, maxCopies: 5, active: true, locked: false };
const table = new RouteTable({ version: 1, routes: [ROUTE], devAddrRanges: [{ routeId: 'r1', startAddr: 0xfc014c00, endAddr: 0xfc014c07 }], euiPairs: [], skfs: [] });

/** Unconfirmed data uplink to fc014c01, FCnt n, 3-byte FRMPayload (base64 of its 16 bytes needs padding). */
function phy(n: number): Buffer {
  return Buffer.from([0x40, 0x01, 0x4c, 0x01, 0xfc, 0x00, n, 0x00, 0x01, 0xaa, 0xbb, 0xcc, 0x11, 0x22, 0x33, 0x44]);
}
const rxpk = (data: string, tmst: number): Rxpk => ({ tmst, freq: 868.1, chan: 0, rfch: 0, stat: 1, modu: 'LORA', datr: 'SF7BW125', codr: '4/5', rssi: -70, lsnr: 5, size: 16, data });
const hotspot = (i: number) => ({ address: `hotspot-${i}`, gatewayEui: `aa555a000000000${i}`, locationCell: null, region: 'EU868' });

function setup(routes: RouteTable = table, outcome: RouteOutcome = 'forwarded') {
  const decisions: RouteDecision[] = [];
  const lateCopies: LateCopies[] = [];
  const pushed: string[] = [];
  const batcher = {
    submit: (d: RouteDecision) => (decisions.push(d), Promise.resolve(outcome)),
    countDrop: () => {},
    countLateCopies: (l: LateCopies) => lateCopies.push(l),
    startNow: () => {},
  } as unknown as BurnBatcher;
  const lns = { pushCopy: (_h: string, _p: number, eui: string, _json: string, onSent: (e: Error | null) => void) => (pushed.push(eui), onSent(null)) };
  const pipeline = new UplinkPipeline({
    clock: new ManualClock(0),
    logger: createLogger({ LOG_LEVEL: 'silent' }),
    metrics: new RouterMetrics(new Registry()),
    routeTable: () => routes,
    negativeCache: new NegativeCache(60_000, () => 0),
    batcher,
    http: {} as never,
    lns: lns as never,
    downlinks: {} as never,
    windowMs: 50,
    monotonic: () => performance.now(),
  });
  return { pipeline, decisions, lateCopies, pushed };
}

describe('uplink pipeline', () => {
  it('puts copies of one packet in one window whether their base64 text is the same or spelled without padding', async () => {
    const { pipeline, decisions, pushed } = setup();
    const padded = phy(7).toString('base64');
    expect(padded.endsWith('=')).toBe(true);
    pipeline.intake(rxpk(padded, 1), hotspot(1));
    pipeline.intake(rxpk(padded, 2), hotspot(2));
    pipeline.intake(rxpk(padded.replace(/=+$/, ''), 3), hotspot(3));
    pipeline.intake(rxpk(padded, 4), hotspot(2)); // the same hotspot again: a duplicate, not a copy
    pipeline.intake(rxpk(phy(8).toString('base64'), 5), hotspot(1)); // another packet
    await pipeline.drain();
    expect(decisions.map((d) => [d.fCnt, d.copiesHeard, d.bought.map((c) => c.hotspotAddress)])).toEqual([
      [7, 3, ['hotspot-1', 'hotspot-2', 'hotspot-3']],
      [8, 1, ['hotspot-1']],
    ]);
    expect(pushed).toHaveLength(4);
    // After the window closed, the same text is a late copy, not a new packet.
    pipeline.intake(rxpk(padded, 6), hotspot(4));
    await pipeline.drain();
    expect(decisions).toHaveLength(2);
    pipeline.stop();
  });

  it('buys as soon as it holds max_copies, forwards only when the window closes, and records the copies heard after', async () => {
    const twoCopies = new RouteTable({ version: 1, routes: [{ ...ROUTE, maxCopies: 2 }], devAddrRanges: [{ routeId: 'r1', startAddr: 0xfc014c00, endAddr: 0xfc014c07 }], euiPairs: [], skfs: [] });
    const { pipeline, decisions, lateCopies, pushed } = setup(twoCopies);
    const data = phy(9).toString('base64');
    pipeline.intake(rxpk(data, 1), hotspot(1));
    expect(decisions).toHaveLength(0); // one copy of the two it may buy
    pipeline.intake(rxpk(data, 2), hotspot(2));
    expect(decisions.map((d) => [d.copiesHeard, d.overMax, d.bought.map((c) => c.hotspotAddress)])).toEqual([[2, 0, ['hotspot-1', 'hotspot-2']]]);
    pipeline.intake(rxpk(data, 3), hotspot(3));
    pipeline.intake(rxpk(data, 4), hotspot(4));
    await new Promise((r) => setImmediate(r));
    expect(decisions).toHaveLength(1);
    expect(decisions[0]!.bought).toHaveLength(2); // its own copy of the list, which the window went on filling
    expect(pushed).toEqual([]); // paid, but the window is still open
    await pipeline.drain();
    expect(pushed).toEqual(['aa555a0000000001', 'aa555a0000000002']);
    expect(lateCopies).toEqual([{ packetId: decisions[0]!.packetId, routeId: 'r1', orgId: 'o1', receivedAtMs: 0, count: 2, forwarded: true }]);
    pipeline.stop();
  });

  it('records copies heard after a purchase the org could not pay as heard, and forwards nothing', async () => {
    const oneCopy = new RouteTable({ version: 1, routes: [{ ...ROUTE, maxCopies: 1 }], devAddrRanges: [{ routeId: 'r1', startAddr: 0xfc014c00, endAddr: 0xfc014c07 }], euiPairs: [], skfs: [] });
    const { pipeline, decisions, lateCopies, pushed } = setup(oneCopy, 'insufficient_dc');
    const data = phy(10).toString('base64');
    pipeline.intake(rxpk(data, 1), hotspot(1));
    expect(decisions).toHaveLength(1); // bought with its first copy
    pipeline.intake(rxpk(data, 2), hotspot(2));
    await pipeline.drain();
    expect(pushed).toEqual([]);
    expect(lateCopies.map((l) => [l.count, l.forwarded])).toEqual([[1, false]]);
    pipeline.stop();
  });
});
