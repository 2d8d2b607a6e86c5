import { describe, expect, it } from 'vitest';
import type { ClosedPacket } from './dedup-window';
import type { HeldFrame } from './held-frame';
import { allCopiesIn, PacketPurchase } from './packet-purchase';
import type { RouteMatch } from './route-table';
import type { UplinkCopy } from './uplink-copy';

const route = (id: string, maxCopies: number, over: { locked?: boolean; active?: boolean } = {}): RouteMatch => ({
  route: { id, orgId: 'o1', endpoint: { protocol: 'http', url: 'http://x' }, maxCopies, active: over.active ?? true, locked: over.locked ?? false },
  maxCopies,
});
const copy = (i: number) => ({ hotspotAddress: `h${i}`, receivedAtMs: 1000 + i }) as UplinkCopy;
const frame = { kind: 'data', devAddr: 'fc014c01', fCnt: 3, fPort: 2, payloadBytes: 30 } as unknown as HeldFrame;

function packet(copies: number): ClosedPacket<UplinkCopy, { frame: HeldFrame }> {
  return { key: 'ab'.repeat(32), frame: { frame }, copies: Array.from({ length: copies }, (_, i) => copy(i + 1)), openedAt: 0 };
}

describe('a packet purchase', () => {
  it('is complete once the window holds every route’s max_copies', () => {
    expect(allCopiesIn([route('a', 1), route('b', 3)], 2)).toBe(false);
    expect(allCopiesIn([route('a', 1), route('b', 3)], 3)).toBe(true);
  });

  it('buys on every route first, then only the copies routes still have room for, and forwards them as one', () => {
    const a = route('a', 1);
    const b = route('b', 3);
    const p = new PacketPurchase([a, b]);
    const first = packet(1);
    const d0 = p.next(first, 0);
    expect(d0.map((d) => [d.route.id, d.purchaseIndex, d.bought.map((c) => c.hotspotAddress), d.copiesHeard, d.overMax, d.dcPerCopy])).toEqual([
      ['a', 0, ['h1'], 1, 0, 2],
      ['b', 0, ['h1'], 1, 0, 2],
    ]);
    expect(d0[0]!.receivedAtMs).toBe(1001);
    for (const d of d0) p.settled(d, 'forwarded');
    // Three more copies: a is full, b takes two more and is then full.
    const later = packet(4);
    expect(p.hasRoom(4)).toBe(true);
    const d1 = p.next(later, 0);
    expect(d1.map((d) => [d.route.id, d.purchaseIndex, d.bought.map((c) => c.hotspotAddress), d.copiesHeard, d.overMax])).toEqual([['b', 1, ['h2', 'h3'], 4, 1]]);
    p.settled(d1[0]!, 'forwarded');
    expect(p.hasRoom(5)).toBe(false);
    expect(p.next(packet(5), 0)).toEqual([]);
    const [ra, rb] = p.routes;
    expect(p.forwardable(ra!)).toBe(d0[0]); // one purchase: the decision itself
    expect(p.forwardable(rb!)).toMatchObject({ purchaseIndex: 0, copiesHeard: 4, overMax: 1 });
    expect(p.forwardable(rb!)!.bought.map((c) => c.hotspotAddress)).toEqual(['h1', 'h2', 'h3']);
  });

  it('records a locked or inactive route once and never buys on it again', () => {
    const p = new PacketPurchase([route('a', 3, { locked: true }), route('b', 3, { active: false })]);
    const d0 = p.next(packet(1), 0);
    expect(d0.map((d) => d.dropReason)).toEqual(['route_locked', 'route_inactive']);
    p.settled(d0[0]!, 'route_locked');
    p.settled(d0[1]!, 'route_inactive');
    expect(p.hasRoom(3)).toBe(false);
    expect(p.next(packet(3), 0)).toEqual([]);
    expect(p.routes.map((r) => p.forwardable(r))).toEqual([undefined, undefined]);
  });

  it('stops buying on a route after a refused purchase, and still forwards what was paid', () => {
    const p = new PacketPurchase([route('a', 5)]);
    p.settled(p.next(packet(1), 0)[0]!, 'forwarded');
    const d1 = p.next(packet(2), 0);
    p.settled(d1[0]!, 'insufficient_dc');
    expect(p.routes[0]).toMatchObject({ status: 'forwarded', refused: true, bought: 2 });
    expect(p.hasRoom(4)).toBe(false);
    expect(p.forwardable(p.routes[0]!)!.bought.map((c) => c.hotspotAddress)).toEqual(['h1']);
  });

  it('buys nothing more for a packet whose first purchase was not paid', () => {
    const p = new PacketPurchase([route('a', 5)]);
    p.settled(p.next(packet(1), 0)[0]!, 'insufficient_dc');
    expect(p.hasRoom(3)).toBe(false);
    expect(p.forwardable(p.routes[0]!)).toBeUndefined();
  });

  it('records a route whose endpoint is backed off as endpoint_backoff on the first purchase, never on a later one', () => {
    const a = route('a', 3);
    const b = route('b', 3);
    const backedOff = new Set(['b']);
    const p = new PacketPurchase([a, b]);
    const d0 = p.next(packet(1), 0, (id) => backedOff.has(id));
    expect(d0.map((d) => [d.route.id, d.dropReason])).toEqual([
      ['a', undefined],
      ['b', 'endpoint_backoff'],
    ]);
    p.settled(d0[0]!, 'forwarded');
    p.settled(d0[1]!, 'endpoint_backoff');
    // Route a's later purchase goes out with its first one, even if its endpoint was backed off meanwhile.
    backedOff.add('a');
    const d1 = p.next(packet(2), 0, (id) => backedOff.has(id));
    expect(d1.map((d) => [d.route.id, d.purchaseIndex, d.dropReason])).toEqual([['a', 1, undefined]]);
    // A locked route stays locked, whatever its endpoint did.
    const locked = new PacketPurchase([route('c', 1, { locked: true })]);
    expect(locked.next(packet(1), 0, () => true)[0]!.dropReason).toBe('route_locked');
  });

  describe('with copies claimed on the shared multi-buy counter', () => {
    it('keeps a decision whose copies were all granted as it is', () => {
      const p = new PacketPurchase([route('a', 2)]);
      const [d] = p.next(packet(2), 0);
      expect(p.maxCopiesOf(d!)).toBe(2);
      expect(p.granted(d!, 2)).toBe(d);
      expect(p.routes[0]!.full).toBe(false);
      expect(d!.countedElsewhere).toBeUndefined();
    });

    it('buys only the granted copies, counts the rest over max_copies, and buys nothing more of the packet', () => {
      const p = new PacketPurchase([route('a', 3)]);
      const [d] = p.next(packet(2), 0);
      const kept = p.granted(d!, 1, 2)!;
      expect(kept.countedElsewhere).toBe(true); // another router bought first: its record counts the packet
      expect(kept.bought.map((c) => c.hotspotAddress)).toEqual(['h1']);
      expect([kept.copiesHeard, kept.overMax, kept.purchaseIndex]).toEqual([2, 1, 0]);
      expect(d!.bought).toHaveLength(2); // the original decision is left alone
      p.settled(kept, 'forwarded');
      // Another router holds the rest of max_copies: a third copy here is not bought.
      expect(p.hasRoom(3)).toBe(false);
      expect(p.forwardable(p.routes[0]!)!.bought.map((c) => c.hotspotAddress)).toEqual(['h1']);
    });

    it('leaves a packet whose copies other routers bought to them: nothing to submit, record or forward', () => {
      const p = new PacketPurchase([route('a', 2), route('b', 2)]);
      const [da, db] = p.next(packet(1), 0);
      expect(p.granted(da!, 0)).toBeUndefined();
      expect(p.granted(db!, 1)).toBe(db);
      p.settled(db!, 'forwarded');
      const [ra, rb] = p.routes;
      expect([ra!.boughtElsewhere, ra!.bought, ra!.full]).toEqual([true, 0, true]);
      expect(p.forwardable(ra!)).toBeUndefined();
      expect(p.forwardable(rb!)).toBe(db);
      // Route b still has room; route a never buys the packet again.
      expect(p.next(packet(2), 0).map((d) => d.route.id)).toEqual(['b']);
    });

    it('gives a later purchase bought elsewhere back, so its copies are heard over max_copies at the close', () => {
      const p = new PacketPurchase([route('a', 3)]);
      const [d0] = p.next(packet(1), 0);
      p.settled(d0!, 'forwarded');
      const [d1] = p.next(packet(3), 0);
      expect(d1!.bought.map((c) => c.hotspotAddress)).toEqual(['h2', 'h3']);
      expect(p.granted(d1!, 0)).toBeUndefined();
      const r = p.routes[0]!;
      expect([r.bought, r.heardAtLastPurchase, r.boughtElsewhere, r.full]).toEqual([1, 1, false, true]);
      expect(p.hasRoom(4)).toBe(false);
      expect(p.forwardable(r)).toBe(d0);
    });
  });
});
