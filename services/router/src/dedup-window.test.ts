import { describe, expect, it } from 'vitest';
import { DedupWindow, type ClosedPacket } from './dedup-window';
import { FakeScheduler } from './testing/fake-scheduler';

const copy = (hotspotAddress: string, n = 0) => ({ hotspotAddress, n });

function setup(windowMs = 200, lateMemoryMs = 1000, maxCopiesKept = 10) {
  const scheduler = new FakeScheduler();
  const closed: ClosedPacket<ReturnType<typeof copy>, string>[] = [];
  /** Each kept copy as `key:copies so far`. */
  const kept: string[] = [];
  const w = new DedupWindow<ReturnType<typeof copy>, string>({
    windowMs,
    lateMemoryMs,
    maxCopiesKept,
    scheduler,
    onClose: (p) => closed.push(p),
    onCopyKept: (p) => kept.push(`${p.key}:${p.copies.length}`),
  });
  return { scheduler, closed, kept, w };
}

describe('dedup window', () => {
  it('hands a packet on once, after the window, with its copies in arrival order', () => {
    const { scheduler, closed, w } = setup();
    expect(w.add('p1', copy('a'), 'frame')).toBe('opened');
    scheduler.advance(50);
    expect(w.add('p1', copy('b'), 'frame')).toBe('joined');
    scheduler.advance(100);
    expect(w.add('p1', copy('c'), 'frame')).toBe('joined');
    expect(closed).toHaveLength(0);
    scheduler.advance(49);
    expect(closed).toHaveLength(0);
    scheduler.advance(1);
    expect(closed).toHaveLength(1);
    expect(closed[0]!.copies.map((c) => c.hotspotAddress)).toEqual(['a', 'b', 'c']);
    expect(closed[0]!.openedAt).toBe(0);
    expect(w.openCount).toBe(0);
  });

  it('counts a second copy from the same hotspot as a duplicate, never a second copy', () => {
    const { scheduler, closed, w } = setup();
    w.add('p1', copy('a'), 'f');
    expect(w.add('p1', copy('a', 2), 'f')).toBe('duplicate');
    scheduler.advance(200);
    expect(closed[0]!.copies).toEqual([copy('a')]);
  });

  it('reports copies after the window as late while remembered, then as a new packet', () => {
    const { scheduler, closed, w } = setup(200, 1000);
    w.add('p1', copy('a'), 'f');
    scheduler.advance(200);
    expect(w.add('p1', copy('b'), 'f')).toBe('late');
    scheduler.advance(999);
    expect(w.add('p1', copy('c'), 'f')).toBe('late');
    scheduler.advance(1);
    expect(w.add('p1', copy('d'), 'f')).toBe('opened');
    scheduler.advance(200);
    expect(closed.map((p) => p.copies.map((c) => c.hotspotAddress))).toEqual([['a'], ['d']]);
  });

  it('closes many interleaved packets in the order they opened, each after its own window', () => {
    const { scheduler, closed, w } = setup(100);
    for (let i = 0; i < 10; i++) {
      w.add(`p${i}`, copy('a'), 'f');
      scheduler.advance(30);
      if (i > 0) w.add(`p${i - 1}`, copy('b'), 'f');
    }
    scheduler.advance(1000);
    expect(closed.map((p) => p.key)).toEqual(Array.from({ length: 10 }, (_, i) => `p${i}`));
    expect(closed.every((p) => p.copies.length === 2 || p.key === 'p9')).toBe(true);
    const closeTimes: number[] = [];
    const s2 = setup(100);
    s2.w.add('x', copy('a'), 'f');
    s2.scheduler.advance(40);
    s2.w.add('y', copy('a'), 'f');
    s2.scheduler.advance(60);
    closeTimes.push(s2.closed.length);
    s2.scheduler.advance(40);
    closeTimes.push(s2.closed.length);
    expect(closeTimes).toEqual([1, 2]);
  });

  it('keeps at most maxCopiesKept copies but still dedups the rest', () => {
    const { scheduler, closed, w } = setup(200, 1000, 3);
    for (const h of ['a', 'b', 'c', 'd', 'e']) w.add('p', copy(h), 'f');
    expect(w.add('p', copy('e'), 'f')).toBe('duplicate');
    scheduler.advance(200);
    expect(closed[0]!.copies.map((c) => c.hotspotAddress)).toEqual(['a', 'b', 'c']);
  });

  it('flushAll closes every open window at once', () => {
    const { closed, w } = setup(10_000);
    w.add('a', copy('x'), 'f');
    w.add('b', copy('x'), 'f');
    w.flushAll();
    expect(closed.map((p) => p.key)).toEqual(['a', 'b']);
    expect(w.openCount).toBe(0);
  });

  it('closes due windows when asked between timer ticks, never before their deadline, and says when a moment closed some', () => {
    const scheduler = new FakeScheduler();
    const events: string[] = [];
    const w = new DedupWindow<ReturnType<typeof copy>, string>({
      windowMs: 200,
      lateMemoryMs: 1000,
      maxCopiesKept: 10,
      // A scheduler whose timers never fire: only closeDueNow can close a window here.
      scheduler: { now: () => scheduler.t, setTimer: () => 0, clearTimer: () => {} },
      onClose: (p) => events.push(`close ${p.key}`),
      onClosedDue: () => events.push('moment'),
    });
    w.add('p1', copy('a'), 'f');
    scheduler.t = 0.4;
    w.add('p2', copy('a'), 'f');
    scheduler.t = 199.9;
    w.closeDueNow();
    expect(events).toEqual([]);
    scheduler.t = 200.5;
    w.closeDueNow();
    expect(events).toEqual(['close p1', 'close p2', 'moment']);
    w.closeDueNow();
    expect(events).toHaveLength(3);
    expect(w.add('p1', copy('b'), 'f')).toBe('late');
  });

  it('joins a copy to a packet known to be open, and answers undefined for one that is not', () => {
    const { scheduler, closed, w } = setup();
    w.add('p1', copy('a'), 'frame');
    expect(w.join('p1', copy('b'))).toBe('joined');
    expect(w.join('p1', copy('b'))).toBe('duplicate');
    expect(w.join('p2', copy('a'))).toBeUndefined();
    scheduler.advance(200);
    expect(closed[0]!.copies.map((c) => c.hotspotAddress)).toEqual(['a', 'b']);
    expect(w.join('p1', copy('c'))).toBeUndefined();
  });

  it('tells as each copy is kept, with the packet so far, but not for duplicates, late copies or copies beyond those kept', () => {
    const { scheduler, kept, w } = setup(200, 1000, 2);
    w.add('p1', copy('a'), 'frame');
    w.add('p1', copy('a'), 'frame'); // the same hotspot again
    w.join('p1', copy('b'));
    w.add('p1', copy('c'), 'frame'); // heard, beyond the two kept
    expect(kept).toEqual(['p1:1', 'p1:2']);
    scheduler.advance(200);
    expect(w.add('p1', copy('d'), 'frame')).toBe('late');
    expect(kept).toEqual(['p1:1', 'p1:2']);
  });

  describe('closing soon', () => {
    function soonSetup(closingSoonMs: number, windowMs = 200) {
      const scheduler = new FakeScheduler();
      /** Calls in order, as `soon:key:copies` or `close:key`, with the time. */
      const calls: string[] = [];
      const w = new DedupWindow<ReturnType<typeof copy>, string>({
        windowMs,
        lateMemoryMs: 1000,
        maxCopiesKept: 10,
        scheduler,
        closingSoonMs,
        onClosingSoon: (p) => calls.push(`${scheduler.t} soon:${p.key}:${p.copies.length}`),
        onClose: (p) => calls.push(`${scheduler.t} close:${p.key}`),
      });
      return { scheduler, calls, w };
    }

    it('hands each packet on once, closingSoonMs before its close, in the order the windows opened', () => {
      const { scheduler, calls, w } = soonSetup(50);
      w.add('p1', copy('a'), 'f');
      scheduler.advance(30);
      w.add('p2', copy('a'), 'f');
      w.add('p1', copy('b'), 'f');
      scheduler.advance(119);
      expect(calls).toEqual([]);
      scheduler.advance(1); // t = 150
      expect(calls).toEqual(['150 soon:p1:2']);
      w.add('p1', copy('c'), 'f'); // a copy after the call still joins
      scheduler.advance(30); // t = 180
      expect(calls).toEqual(['150 soon:p1:2', '180 soon:p2:1']);
      scheduler.advance(100);
      expect(calls).toEqual(['150 soon:p1:2', '180 soon:p2:1', '200 close:p1', '230 close:p2']);
    });

    it('is also driven by closeDueNow, never before its time', () => {
      const { scheduler, calls, w } = soonSetup(50);
      w.add('p1', copy('a'), 'f');
      scheduler.t = 149; // time moves without the timer firing, as under load
      w.closeDueNow();
      expect(calls).toEqual([]);
      scheduler.t = 151;
      w.closeDueNow();
      expect(calls).toEqual(['151 soon:p1:1']);
      scheduler.t = 205;
      w.closeDueNow();
      expect(calls).toEqual(['151 soon:p1:1', '205 close:p1']);
    });

    it('a lead at least as long as the window hands the packet on as soon as it opened', () => {
      const { scheduler, calls, w } = soonSetup(500);
      w.add('p1', copy('a'), 'f');
      scheduler.advance(0);
      expect(calls).toEqual(['0 soon:p1:1']);
      scheduler.advance(200);
      expect(calls).toEqual(['0 soon:p1:1', '200 close:p1']);
    });

    it('a packet closed by a flush before its call was due is not handed on early', () => {
      const { scheduler, calls, w } = soonSetup(50);
      w.add('p1', copy('a'), 'f');
      scheduler.advance(10);
      w.flushAll();
      scheduler.advance(1000);
      expect(calls).toEqual(['10 close:p1']);
    });

    it('keeps its place in the queue across compaction', () => {
      const { scheduler, calls, w } = soonSetup(50, 200);
      // 3,000 packets 0.1 ms apart: the queue is compacted while calls and closes interleave.
      for (let i = 0; i < 3000; i++) {
        w.add(`p${i}`, copy('a'), 'f');
        scheduler.advance(0.1);
      }
      scheduler.advance(500);
      const soon = calls.filter((c) => c.includes('soon:')).map((c) => c.split(' ')[1]!.split(':')[1]);
      const closes = calls.filter((c) => c.includes('close:')).map((c) => c.split(':')[1]);
      expect(soon).toEqual(Array.from({ length: 3000 }, (_, i) => `p${i}`));
      expect(closes).toEqual(soon);
      // Each packet's call came before its close.
      for (let i = 0; i < 3000; i += 499) expect(calls.indexOf(calls.find((c) => c.endsWith(`soon:p${i}:1`))!)).toBeLessThan(calls.findIndex((c) => c.endsWith(`close:p${i}`)));
    });

    it('without a handler or with 0 there are no calls', () => {
      const { scheduler, calls, w } = soonSetup(0);
      w.add('p1', copy('a'), 'f');
      scheduler.advance(300);
      expect(calls).toEqual(['200 close:p1']);
    });
  });
});
