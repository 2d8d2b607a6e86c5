import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import type { Rxpk } from '@cov/shared/gwmp/types';
import { createLogger } from '@cov/shared/logger';
import { ManualClock } from '@cov/shared/clock';
import type { BurnBatcher, DropCount, LateCopies } from './burn-batcher';
import { EndpointBackoff } from './endpoint-backoff';
import { NegativeCache } from './negative-cache';
import type { RouteDecision, RouteOutcome } from './route-decision';
import { RouteTable } from './route-table';
import { RouterMetrics } from './router-metrics';
import { FakeScheduler } from './testing/fake-scheduler';
import { UplinkPipeline } from './uplink-pipeline';
import type { MultiBuyClaim, MultiBuyCounter, MultiBuyGrant } from './multi-buy-counter';

/**
 * The shared multi-buy counter as Redis keeps it (a count per packet and route, capped at
 * max_copies), with copies another router already bought set by the test.
 */
class FakeMultiBuy implements Pick<MultiBuyCounter, 'claim'> {
  readonly counts = new Map<string, number>();
  readonly claims: MultiBuyClaim[] = [];
  claim(claims: readonly MultiBuyClaim[]): Promise<MultiBuyGrant[]> {
    this.claims.push(...claims);
    return Promise.resolve(
      claims.map((c) => {
        const key = `${c.packetId}:${c.routeId}`;
        const have = this.counts.get(key) ?? 0;
        const grant = Math.max(0, Math.min(c.wanted, c.maxCopies - have));
        this.counts.set(key, have + grant);
        return { granted: grant, boughtBefore: have };
      }),
    );
  }
  boughtElsewhere(packetId: string, routeId: string, copies: number): void {
    this.counts.set(`${packetId}:${routeId}`, copies);
  }
}
const PACKET_20 = createHash('sha256').update(phy(20)).digest('hex');

const ROUTE = { id: 'r1', orgId: 'o1', endpoint: { protocol: 'gwmp' as const, host: '127.0.0.1', port: 1 }, maxCopies: 5, active: true, locked: false };
const table = new RouteTable({ version: 1, routes: [ROUTE], devAddrRanges: [{ routeId: 'r1', startAddr: 0xfc014c00, endAddr: 0xfc014c07 }], euiPairs: [], skfs: [] });

/** Unconfirmed data uplink to fc014c01, FCnt n, 3-byte FRMPayload (base64 of its 16 bytes needs padding). */
function phy(n: number): Buffer {
  return Buffer.from([0x40, 0x01, 0x4c, 0x01, 0xfc, 0x00, n, 0x00, 0x01, 0xaa, 0xbb, 0xcc, 0x11, 0x22, 0x33, 0x44]);
}
const rxpk = (data: string, tmst: number): Rxpk => ({ tmst, freq: 868.1, chan: 0, rfch: 0, stat: 1, modu: 'LORA', datr: 'SF7BW125', codr: '4/5', rssi: -70, lsnr: 5, size: 16, data });
const hotspot = (i: number) => ({ address: `hotspot-${i}`, gatewayEui: `aa555a000000000${i}`, locationCell: null, region: 'EU868' });

function setup(routes: RouteTable = table, outcome: RouteOutcome = 'forwarded', purchaseLeadMs = 0) {
  const decisions: RouteDecision[] = [];
  const lateCopies: LateCopies[] = [];
  const drops: DropCount[] = [];
  const pushed: string[] = [];
  const batcher = {
    submit: (d: RouteDecision) => (decisions.push(d), Promise.resolve(outcome)),
    countDrop: (d: DropCount) => drops.push(d),
    countLateCopies: (l: LateCopies) => lateCopies.push(l),
    countDeliveryFailure: () => {},
    startNow: () => {},
  } as unknown as BurnBatcher;
  const lns = { pushCopy: (_h: string, _p: number, eui: string, _json: string, onSent: (e: Error | null) => void) => (pushed.push(eui), onSent(null)) };
  const registry = new Registry();
  const pipeline = new UplinkPipeline({
    clock: new ManualClock(0),
    logger: createLogger({ LOG_LEVEL: 'silent' }),
    metrics: new RouterMetrics(registry),
    routeTable: () => routes,
    negativeCache: new NegativeCache(60_000, () => 0),
    batcher,
    http: {} as never,
    lns: lns as never,
    downlinks: {} as never,
    windowMs: 50,
    purchaseLeadMs,
    monotonic: () => performance.now(),
  });
  /** `cov_router_dropped_total` for one reason. */
  const dropped = async (reason: string) =>
    (await registry.getMetricsAsJSON()).find((m) => m.name === 'cov_router_dropped_total')?.values.find((v) => v.labels.reason === reason)?.value ?? 0;
  return { pipeline, decisions, lateCopies, drops, pushed, dropped };
}

const withMaxCopies = (maxCopies: number) =>
  new RouteTable({ version: 1, routes: [{ ...ROUTE, maxCopies }], devAddrRanges: [{ routeId: 'r1', startAddr: 0xfc014c00, endAddr: 0xfc014c07 }], euiPairs: [], skfs: [] });

/**
 * A pipeline on simulated time (window 100 ms, purchases 40 ms before the close) whose burn
 * outcomes the test hands out one decision at a time, to see what is bought when.
 */
function steppedSetup(maxCopies: number, multiBuy?: FakeMultiBuy, purchaseLeadMs = 40) {
  const scheduler = new FakeScheduler();
  const submitted: { decision: RouteDecision; settle(outcome: RouteOutcome): void }[] = [];
  const lateCopies: LateCopies[] = [];
  const pushed: string[] = [];
  const batcher = {
    submit: (decision: RouteDecision) => new Promise<RouteOutcome>((settle) => submitted.push({ decision, settle })),
    countDrop: () => {},
    countLateCopies: (l: LateCopies) => lateCopies.push(l),
    countDeliveryFailure: () => {},
    startNow: () => {},
  } as unknown as BurnBatcher;
  const lns = { pushCopy: (_h: string, _p: number, eui: string, _json: string, onSent: (e: Error | null) => void) => (pushed.push(eui), onSent(null)) };
  const pipeline = new UplinkPipeline({
    clock: new ManualClock(0),
    logger: createLogger({ LOG_LEVEL: 'silent' }),
    metrics: new RouterMetrics(new Registry()),
    routeTable: () => withMaxCopies(maxCopies),
    negativeCache: new NegativeCache(60_000, () => 0),
    batcher,
    http: {} as never,
    lns: lns as never,
    downlinks: {} as never,
    windowMs: 100,
    purchaseLeadMs,
    monotonic: () => scheduler.now(),
    dedupScheduler: scheduler,
    ...(multiBuy ? { multiBuy } : {}),
  });
  const data = phy(20).toString('base64');
  /** A copy from hotspot i, then the microtasks it sets off. */
  const hear = async (i: number) => {
    pipeline.intake(rxpk(data, i), hotspot(i));
    await flushMicrotasks();
  };
  /** Purchases as [purchase index, copies heard, hotspots bought]. */
  const purchases = () => submitted.map(({ decision: d }) => [d.purchaseIndex, d.copiesHeard, d.bought.map((c) => c.hotspotAddress)]);
  const settle = async (i: number, outcome: RouteOutcome) => {
    submitted[i]!.settle(outcome);
    await flushMicrotasks();
  };
  const advance = async (ms: number) => {
    scheduler.advance(ms);
    await flushMicrotasks();
  };
  return { pipeline, scheduler, submitted, lateCopies, pushed, hear, purchases, settle, advance };
}

const flushMicrotasks = () => new Promise((r) => setImmediate(r));

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

  // Without a stat the CRC is not known good: ChirpStack's gateway bridge drops such an rxpk
  // (stat reads 0) and Helium's semtech-udp cannot parse one, so an LNS fed it by GWMP would
  // drop a copy the device maker paid for.
  it('neither routes nor charges an rxpk with a failed, absent or unknown CRC (stat -1 / 0 / missing); routes stat 1', async () => {
    const { pipeline, decisions, dropped } = setup();
    pipeline.intake({ ...rxpk(phy(30).toString('base64'), 1), stat: -1 }, hotspot(1));
    pipeline.intake({ ...rxpk(phy(31).toString('base64'), 1), stat: 0 }, hotspot(1));
    const { stat: _stat, ...noStat } = rxpk(phy(32).toString('base64'), 1);
    pipeline.intake(noStat, hotspot(1));
    pipeline.intake(rxpk(phy(33).toString('base64'), 1), hotspot(1));
    await pipeline.drain();
    expect(decisions.map((d) => d.fCnt)).toEqual([33]);
    expect(await dropped('crc_failed')).toBe(3);
    pipeline.stop();
  });

  it('neither routes nor charges an rxpk whose size disagrees with its data (a truncated or corrupted copy)', async () => {
    const { pipeline, decisions, pushed, dropped } = setup();
    const data = phy(34).toString('base64');
    pipeline.intake({ ...rxpk(data, 1), size: 15 }, hotspot(1));
    pipeline.intake({ ...rxpk(data, 2), size: 17 }, hotspot(2));
    // A copy whose size agrees opens the window; later disagreeing copies do not join it.
    pipeline.intake(rxpk(data, 3), hotspot(3));
    pipeline.intake({ ...rxpk(data, 4), size: 200 }, hotspot(4));
    const { size: _size, ...noSize } = rxpk(data, 5);
    pipeline.intake(noSize, hotspot(5)); // size is optional
    await pipeline.drain();
    expect(decisions.map((d) => d.bought.map((c) => c.hotspotAddress))).toEqual([['hotspot-3', 'hotspot-5']]);
    expect(pushed).toEqual(['aa555a0000000003', 'aa555a0000000005']);
    expect(await dropped('bad_payload')).toBe(3);
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

  it('counts a packet a route\'s session-key filters all refused as one session_key_mismatch on that route, however many copies', async () => {
    // r1 filters fc014c01 by a key that does not validate the frame's MIC; r2 has no filter.
    const r2 = { ...ROUTE, id: 'r2', orgId: 'o2' };
    const ranges = [
      { routeId: 'r1', startAddr: 0xfc014c00, endAddr: 0xfc014c07 },
      { routeId: 'r2', startAddr: 0xfc014c00, endAddr: 0xfc014c07 },
    ];
    const skfs = [{ routeId: 'r1', devAddr: 0xfc014c01, sessionKey: '00'.repeat(16), maxCopies: 0 }];
    const shared = new RouteTable({ version: 1, routes: [ROUTE, r2], devAddrRanges: ranges, euiPairs: [], skfs });
    const { pipeline, decisions, drops } = setup(shared);
    const data = phy(11).toString('base64');
    for (const i of [1, 2, 3]) pipeline.intake(rxpk(data, i), hotspot(i));
    await pipeline.drain();
    expect(decisions.map((d) => d.route.id)).toEqual(['r2']);
    // It was left out of r1 without a trace its org could see.
    expect(drops).toEqual([{ routeId: 'r1', orgId: 'o1', day: '1970-01-01', reason: 'session_key_mismatch', count: 1 }]);
    // With no other route the packet is dropped (invalid_mic), and still counted on r1.
    const alone = setup(new RouteTable({ version: 1, routes: [ROUTE], devAddrRanges: [ranges[0]!], euiPairs: [], skfs }));
    for (const i of [1, 2]) alone.pipeline.intake(rxpk(phy(12).toString('base64'), i), hotspot(i));
    await alone.pipeline.drain();
    expect(alone.decisions).toEqual([]);
    expect(await alone.dropped('invalid_mic')).toBe(1);
    expect(alone.drops.map((d) => [d.routeId, d.reason, d.count])).toEqual([['r1', 'session_key_mismatch', 1]]);
    pipeline.stop();
    alone.pipeline.stop();
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

  describe('buying before the window closes', () => {
    it('buys what the window holds at the lead, the copies heard after it in a later purchase, and forwards them together at the close', async () => {
      const t = steppedSetup(3);
      await t.hear(1);
      await t.advance(59);
      expect(t.purchases()).toEqual([]); // 1 of the 3 copies it may buy, and the lead is not reached
      await t.advance(1); // 40 ms before the close
      expect(t.purchases()).toEqual([[0, 1, ['hotspot-1']]]);
      await t.settle(0, 'forwarded');
      await t.advance(10);
      await t.hear(2); // heard after the purchase, with room left: bought at once
      expect(t.purchases()).toEqual([[0, 1, ['hotspot-1']], [1, 2, ['hotspot-2']]]);
      await t.settle(1, 'forwarded');
      expect(t.pushed).toEqual([]); // paid, but the window is open
      await t.advance(30); // the close: nothing left to wait for
      expect(t.pushed).toEqual(['aa555a0000000001', 'aa555a0000000002']);
      expect(t.lateCopies).toEqual([]);
      await t.pipeline.drain();
      t.pipeline.stop();
    });

    it('buys the copies heard while a purchase is in flight together, once it settled', async () => {
      const t = steppedSetup(5);
      await t.hear(1);
      await t.advance(60);
      await t.hear(2);
      await t.hear(3);
      expect(t.purchases()).toEqual([[0, 1, ['hotspot-1']]]); // one purchase at a time
      await t.settle(0, 'forwarded');
      expect(t.purchases()).toEqual([[0, 1, ['hotspot-1']], [1, 3, ['hotspot-2', 'hotspot-3']]]);
      // The window closes with the later purchase in flight: the packet waits for it.
      await t.advance(40);
      expect(t.pushed).toEqual([]);
      await t.settle(1, 'forwarded');
      expect(t.pushed).toEqual(['aa555a0000000001', 'aa555a0000000002', 'aa555a0000000003']);
      await t.pipeline.drain();
      t.pipeline.stop();
    });

    it('stops at max_copies: later copies are recorded as over max_copies at the close', async () => {
      const t = steppedSetup(2);
      await t.hear(1);
      await t.advance(60);
      await t.settle(0, 'forwarded');
      await t.hear(2);
      await t.settle(1, 'forwarded');
      await t.hear(3);
      await t.hear(4);
      expect(t.purchases()).toEqual([[0, 1, ['hotspot-1']], [1, 2, ['hotspot-2']]]);
      await t.advance(40);
      expect(t.pushed).toHaveLength(2);
      expect(t.lateCopies.map((l) => [l.count, l.forwarded])).toEqual([[2, true]]);
      await t.pipeline.drain();
      t.pipeline.stop();
    });

    it('buys nothing more for a packet its org could not pay, and records the copies heard after it', async () => {
      const t = steppedSetup(3);
      await t.hear(1);
      await t.advance(60);
      await t.hear(2); // in flight: waits
      await t.settle(0, 'insufficient_dc');
      await t.hear(3);
      expect(t.purchases()).toEqual([[0, 1, ['hotspot-1']]]);
      await t.advance(40);
      expect(t.pushed).toEqual([]);
      expect(t.lateCopies.map((l) => [l.count, l.forwarded])).toEqual([[2, false]]);
      await t.pipeline.drain();
      t.pipeline.stop();
    });

    it('forwards the paid copies when a later purchase is refused, and buys nothing after it', async () => {
      const t = steppedSetup(3);
      await t.hear(1);
      await t.advance(60);
      await t.settle(0, 'forwarded');
      await t.hear(2);
      await t.settle(1, 'insufficient_dc');
      await t.hear(3);
      expect(t.purchases()).toHaveLength(2);
      await t.advance(40);
      expect(t.pushed).toEqual(['aa555a0000000001']);
      // Not over max_copies: unpaid. Heard, so the packet log counts them.
      expect(t.lateCopies.map((l) => [l.count, l.forwarded])).toEqual([[1, false]]);
      await t.pipeline.drain();
      t.pipeline.stop();
    });

    it('with no lead, buys at the close and forwards once the purchase settled', async () => {
      const t = steppedSetup(3, undefined, 0);
      await t.hear(1);
      await t.advance(99);
      expect(t.purchases()).toEqual([]); // 1 of 3 copies, and no lead: nothing bought before the close
      await t.advance(1);
      expect(t.purchases()).toEqual([[0, 1, ['hotspot-1']]]);
      expect(t.pushed).toEqual([]); // closed, but not paid yet
      await t.settle(0, 'forwarded');
      expect(t.pushed).toEqual(['aa555a0000000001']);
      await t.pipeline.drain();
      t.pipeline.stop();
    });
  });

  describe('endpoint back-off', () => {
    /** One route buying 1 copy, window 100 ms on simulated time, an LNS the test takes down and brings back. */
    function backoffSetup() {
      const scheduler = new FakeScheduler();
      const decisions: RouteDecision[] = [];
      const drops: string[] = [];
      const failedPackets: string[] = [];
      const batcher = {
        // As the real store: a decision with a drop reason is recorded, not paid.
        submit: (d: RouteDecision) => (decisions.push(d), Promise.resolve<RouteOutcome>(d.dropReason ?? 'forwarded')),
        countDrop: (x: { reason: string }) => drops.push(x.reason),
        countLateCopies: () => {},
        countDeliveryFailure: (x: { packetId: string }) => failedPackets.push(x.packetId),
        startNow: () => {},
      } as unknown as BurnBatcher;
      const lns = { down: true, pushed: 0 };
      const lnsClient = {
        pushCopy: (_h: string, _p: number, _eui: string, _json: string, onSent: (e: Error | null) => void) => {
          lns.pushed++;
          onSent(lns.down ? Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) : null);
        },
      };
      const registry = new Registry();
      const pipeline = new UplinkPipeline({
        clock: new ManualClock(0),
        logger: createLogger({ LOG_LEVEL: 'silent' }),
        metrics: new RouterMetrics(registry),
        routeTable: () => withMaxCopies(1),
        negativeCache: new NegativeCache(60_000, () => 0),
        batcher,
        http: {} as never,
        lns: lnsClient as never,
        downlinks: {} as never,
        windowMs: 100,
        purchaseLeadMs: 40,
        monotonic: () => scheduler.now(),
        dedupScheduler: scheduler,
        endpointBackoff: new EndpointBackoff({ baseMs: 1000, maxMs: 2000, failuresBeforeBackoff: 2 }),
      });
      let fCnt = 100;
      /** One packet, heard once, through its window; what its decision's drop reason was. */
      const packet = async () => {
        pipeline.intake(rxpk(phy(fCnt++).toString('base64'), 1), hotspot(1));
        await flushMicrotasks();
        scheduler.advance(100);
        await flushMicrotasks();
        return decisions[decisions.length - 1]!.dropReason ?? 'bought';
      };
      const advance = async (ms: number) => {
        scheduler.advance(ms);
        await flushMicrotasks();
      };
      return { pipeline, lns, drops, failedPackets, decisions, packet, advance, registry };
    }

    it('stops buying a route whose endpoint failed in a row, doubles the pause while it keeps failing, and resumes on a success', async () => {
      const t = backoffSetup();
      // Two failed deliveries in a row start a 1 s back-off.
      expect(await t.packet()).toBe('bought');
      expect(await t.packet()).toBe('bought');
      expect(t.lns.pushed).toBe(2);
      expect(t.drops).toEqual(['endpoint_error', 'endpoint_error']);
      // Each named, so its packet log row can say endpoint_error.
      expect(t.failedPackets).toEqual(t.decisions.map((d) => d.packetId));
      // Meanwhile the route's packets are recorded, not bought, not sent.
      expect(await t.packet()).toBe('endpoint_backoff');
      await t.advance(500);
      expect(await t.packet()).toBe('endpoint_backoff');
      expect(t.lns.pushed).toBe(2);
      // After it, packets are bought again; one more failure is enough for the next, twice as long.
      await t.advance(300);
      expect(await t.packet()).toBe('bought');
      expect(t.lns.pushed).toBe(3);
      await t.advance(1900);
      expect(await t.packet()).toBe('endpoint_backoff');
      // Capped at 2 s: the third back-off lasts 2 s as well.
      await t.advance(100);
      expect(await t.packet()).toBe('bought');
      await t.advance(1900);
      expect(await t.packet()).toBe('endpoint_backoff');
      // The endpoint is back: the first packet after the back-off gets through and ends the episode.
      t.lns.down = false;
      await t.advance(100);
      expect(await t.packet()).toBe('bought');
      expect(await t.packet()).toBe('bought');
      // From zero again: one failure does not back the route off.
      t.lns.down = true;
      expect(await t.packet()).toBe('bought');
      expect(await t.packet()).toBe('bought');
      expect(await t.packet()).toBe('endpoint_backoff');
      const metrics = await t.registry.getMetricsAsJSON();
      const value = (name: string, reason?: string) =>
        metrics.find((m) => m.name === name)!.values.find((v) => reason === undefined || v.labels.reason === reason)?.value;
      expect(value('cov_router_endpoint_backoffs_total')).toBe(4);
      expect(value('cov_router_dropped_total', 'endpoint_backoff')).toBe(5);
      await t.pipeline.drain();
      t.pipeline.stop();
    });
  });

  describe('with a multi-buy counter shared with other routers', () => {
    it('claims each purchase’s copies and buys only what other routers left of max_copies', async () => {
      const multiBuy = new FakeMultiBuy();
      multiBuy.boughtElsewhere(PACKET_20, 'r1', 2); // other routers bought two copies already
      const t = steppedSetup(3, multiBuy);
      await t.hear(1);
      await t.hear(2);
      await t.advance(60); // the lead: both copies claimed, one granted
      expect(multiBuy.claims).toEqual([{ packetId: PACKET_20, routeId: 'r1', wanted: 2, maxCopies: 3 }]);
      expect(t.purchases()).toEqual([[0, 2, ['hotspot-1']]]);
      expect(t.submitted[0]!.decision.overMax).toBe(1);
      expect(t.submitted[0]!.decision.countedElsewhere).toBe(true); // the first router's record counts the packet
      await t.settle(0, 'forwarded');
      await t.hear(3); // the route's max_copies are bought in all: not claimed, not bought
      expect(multiBuy.claims).toHaveLength(1);
      expect(t.purchases()).toHaveLength(1);
      await t.advance(40);
      expect(t.pushed).toEqual(['aa555a0000000001']);
      expect(t.lateCopies).toMatchObject([{ packetId: PACKET_20, routeId: 'r1', count: 1, forwarded: true }]);
      await t.pipeline.drain();
      t.pipeline.stop();
    });

    it('leaves a packet whose copies other routers bought alone: nothing paid, forwarded or recorded here', async () => {
      const multiBuy = new FakeMultiBuy();
      multiBuy.boughtElsewhere(PACKET_20, 'r1', 2);
      const t = steppedSetup(2, multiBuy);
      await t.hear(1);
      await t.hear(2); // max_copies heard: claimed at once, none granted
      expect(multiBuy.claims).toHaveLength(1);
      expect(t.purchases()).toEqual([]);
      await t.hear(3);
      await t.advance(100);
      await t.pipeline.drain();
      expect(t.purchases()).toEqual([]);
      expect(t.pushed).toEqual([]);
      expect(t.lateCopies).toEqual([]);
      t.pipeline.stop();
    });

    it('changes nothing for a router alone: every claim is granted in full', async () => {
      const multiBuy = new FakeMultiBuy();
      const t = steppedSetup(3, multiBuy);
      await t.hear(1);
      await t.advance(60);
      await t.settle(0, 'forwarded');
      await t.hear(2);
      await t.settle(1, 'forwarded');
      await t.advance(40);
      expect(t.purchases()).toEqual([[0, 1, ['hotspot-1']], [1, 2, ['hotspot-2']]]);
      expect(multiBuy.claims.map((c) => c.wanted)).toEqual([1, 1]);
      expect(t.submitted.map((s) => s.decision.countedElsewhere)).toEqual([undefined, undefined]);
      expect(t.pushed).toEqual(['aa555a0000000001', 'aa555a0000000002']);
      await t.pipeline.drain();
      t.pipeline.stop();
    });
  });
});
