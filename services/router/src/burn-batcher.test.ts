import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@cov/shared/logger';
import { BurnBatcher, type BurnBatch, type BurnStore } from './burn-batcher';
import type { RouteDecision, RouteOutcome } from './route-decision';
import type { UplinkCopy } from './uplink-copy';

const logger = createLogger({ LOG_LEVEL: 'silent' });
const copy = { hotspotAddress: 'h' } as UplinkCopy;

function decision(org: string, copies: number, dcPerCopy: number, over: Partial<RouteDecision> = {}): RouteDecision {
  return {
    packetId: 'p',
    route: { id: `r-${org}`, orgId: org, endpoint: { protocol: 'http', url: 'http://x' }, maxCopies: 3, active: true, locked: false },
    kind: dcPerCopy === 0 ? 'join' : 'uplink',
    devAddr: null,
    joinEui: null,
    devEui: null,
    fCnt: null,
    fPort: null,
    payloadBytes: 0,
    copiesHeard: copies,
    bought: Array.from({ length: copies }, () => copy),
    overMax: 0,
    dcPerCopy,
    receivedAtMs: 0,
    purchaseIndex: 0,
    ...over,
  };
}

class FakeStore implements BurnStore {
  batches: BurnBatch[] = [];
  fail = false;
  release: (() => void) | undefined;
  hold = false;
  async commit(batch: BurnBatch): Promise<RouteOutcome[]> {
    this.batches.push(batch);
    if (this.hold) await new Promise<void>((r) => (this.release = r));
    if (this.fail) throw new Error('database down');
    return batch.decisions.map(() => 'forwarded');
  }
}

describe('burn batcher', () => {
  it('resolves decisions only after their batch commits, batching what arrives together', async () => {
    const store = new FakeStore();
    const b = new BurnBatcher({ store, maxDecisions: 100, nowMs: () => 42, logger });
    const outcomes = await Promise.all([b.submit(decision('a', 1, 1)), b.submit(decision('a', 1, 1)), b.submit(decision('b', 1, 1))]);
    expect(outcomes).toEqual(['forwarded', 'forwarded', 'forwarded']);
    expect(store.batches).toHaveLength(1);
    expect(store.batches[0]!.decisions).toHaveLength(3);
    expect(store.batches[0]!.nowMs).toBe(42);
  });

  it('flushes a full batch at once and keeps one batch in flight, the next one growing meanwhile', async () => {
    const store = new FakeStore();
    store.hold = true;
    const b = new BurnBatcher({ store, maxDecisions: 2, nowMs: () => 0, logger });
    const first = [b.submit(decision('a', 1, 1)), b.submit(decision('a', 1, 1))];
    await new Promise((r) => setImmediate(r));
    expect(store.batches).toHaveLength(1); // full: flushed without waiting for the interval
    const later = [b.submit(decision('a', 1, 1)), b.submit(decision('a', 1, 1)), b.submit(decision('a', 1, 1))];
    await new Promise((r) => setImmediate(r));
    expect(store.batches).toHaveLength(1); // still one in flight
    store.hold = false;
    store.release!();
    expect(await Promise.all([...first, ...later])).toEqual(Array(5).fill('forwarded'));
    expect(store.batches.map((x) => x.decisions.length)).toEqual([2, 2, 1]);
  });

  it('never forwards what a failed batch held, and carries counted drops into a batch', async () => {
    const store = new FakeStore();
    store.fail = true;
    const b = new BurnBatcher({ store, maxDecisions: 10, nowMs: () => 0, logger });
    b.countDrop({ routeId: 'r', orgId: 'o', day: '2026-01-01', reason: 'endpoint_error', count: 1 });
    b.countDrop({ routeId: 'r', orgId: 'o', day: '2026-01-01', reason: 'endpoint_error', count: 2 });
    expect(await b.submit(decision('a', 1, 1))).toBe('burn_failed');
    expect(store.batches[0]!.drops).toEqual([{ routeId: 'r', orgId: 'o', day: '2026-01-01', reason: 'endpoint_error', count: 3 }]);
    store.fail = false;
    await b.stop();
    expect(await b.submit(decision('a', 1, 1))).toBe('burn_failed');
  });

  it('carries copies heard after a purchase into the next batch, or into a batch of their own', async () => {
    const store = new FakeStore();
    const b = new BurnBatcher({ store, maxDecisions: 10, nowMs: () => 0, logger });
    const late = { packetId: 'p', routeId: 'r', orgId: 'o', receivedAtMs: 5, count: 2, forwarded: true };
    b.countLateCopies(late);
    b.countLateCopies({ ...late, count: 0 }); // nothing heard late: nothing to record
    expect(await b.submit(decision('a', 1, 1))).toBe('forwarded');
    expect(store.batches.map((x) => [x.decisions.length, x.lateCopies])).toEqual([[1, [late]]]);
    b.countLateCopies({ ...late, packetId: 'q' });
    await b.flush();
    expect(store.batches.map((x) => [x.decisions.length, x.lateCopies.map((l) => l.packetId)])).toEqual([
      [1, ['p']],
      [0, ['q']],
    ]);
  });

  it('flush() commits everything pending', async () => {
    const store = new FakeStore();
    const b = new BurnBatcher({ store, maxDecisions: 10, nowMs: () => 0, logger });
    const p = b.submit(decision('a', 1, 1));
    await b.flush();
    expect(await p).toBe('forwarded');
    expect(b.pendingCount).toBe(0);
  });

  it('startNow starts the pending batch at once when none is in flight, and leaves one in flight alone', async () => {
    const store = new FakeStore();
    store.hold = true;
    const b = new BurnBatcher({ store, maxDecisions: 10, nowMs: () => 0, logger });
    const first = b.submit(decision('a', 1, 1));
    b.startNow();
    expect(store.batches).toHaveLength(1); // synchronously, not at the end of the turn
    const second = b.submit(decision('a', 1, 1));
    b.startNow();
    expect(store.batches).toHaveLength(1); // one batch in flight at a time
    store.hold = false;
    store.release!();
    expect(await Promise.all([first, second])).toEqual(['forwarded', 'forwarded']);
    expect(store.batches.map((x) => x.decisions.length)).toEqual([1, 1]);
  });

  describe('gathering', () => {
    // Simulated time: the batcher's timers and its monotonic clock move only when the test says so.
    let nowMs = 0;
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] });
      nowMs = 1000;
    });
    afterEach(() => {
      vi.useRealTimers();
    });
    const advance = async (ms: number) => {
      nowMs += ms;
      await vi.advanceTimersByTimeAsync(ms);
    };
    const gathering = (store: FakeStore, gatherMs: number) => new BurnBatcher({ store, maxDecisions: 100, nowMs: () => 0, logger, gatherMs, monotonicMs: () => nowMs });

    it('waits up to gatherMs after the first decision for others, then commits them together', async () => {
      const store = new FakeStore();
      const b = gathering(store, 60);
      const outcomes = [b.submit(decision('a', 1, 1), 10_000)];
      await advance(15);
      b.startNow(); // the window's close of other packets: nothing here is due yet
      outcomes.push(b.submit(decision('b', 1, 1), 10_000));
      await advance(44);
      expect(store.batches).toHaveLength(0);
      await advance(1); // 60 ms after the first
      expect(store.batches.map((x) => x.decisions.length)).toEqual([2]);
      expect(await Promise.all(outcomes)).toEqual(['forwarded', 'forwarded']);
    });

    it('starts by the earliest start-by time when that comes before the gathering ends', async () => {
      const store = new FakeStore();
      const b = gathering(store, 10_000);
      const outcomes = [b.submit(decision('a', 1, 1), nowMs + 5_000), b.submit(decision('a', 1, 1), nowMs + 20)];
      await advance(19);
      expect(store.batches).toHaveLength(0);
      await advance(1);
      expect(store.batches.map((x) => x.decisions.length)).toEqual([2]);
      expect(await Promise.all(outcomes)).toEqual(['forwarded', 'forwarded']);
    });

    it('starts at once for a decision without a start-by time (its window has closed), taking the gathered ones along', async () => {
      const store = new FakeStore();
      const b = gathering(store, 10_000);
      const outcomes = [b.submit(decision('a', 1, 1), nowMs + 10_000)];
      await advance(5);
      outcomes.push(b.submit(decision('b', 1, 1)));
      await advance(0);
      expect(store.batches.map((x) => x.decisions.length)).toEqual([2]);
      expect(await Promise.all(outcomes)).toEqual(['forwarded', 'forwarded']);
    });

    it('after a commit, starts the next batch at once when what waits is already due', async () => {
      const store = new FakeStore();
      store.hold = true;
      const b = gathering(store, 30);
      const first = b.submit(decision('a', 1, 1), nowMs + 10_000);
      await advance(30); // gathered, then started; the store holds it
      expect(store.batches).toHaveLength(1);
      const second = b.submit(decision('a', 1, 1), nowMs + 10_000);
      await advance(40); // its gathering ended while the first was in flight
      expect(store.batches).toHaveLength(1);
      store.hold = false;
      store.release!();
      await first;
      await advance(0);
      expect(store.batches).toHaveLength(2);
      expect(await second).toBe('forwarded');
    });
  });
});
