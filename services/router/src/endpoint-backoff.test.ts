import { describe, expect, it } from 'vitest';
import { backoffDelayMs, EndpointBackoff } from './endpoint-backoff';

describe('endpoint back-off', () => {
  it('starts after the configured failures in a row, and a success in between starts the count again', () => {
    const b = new EndpointBackoff({ baseMs: 1000, maxMs: 60_000, failuresBeforeBackoff: 3 });
    expect(b.failed('r', 0, 10)).toEqual({ backoff: false });
    expect(b.failed('r', 10, 20)).toEqual({ backoff: false });
    b.succeeded('r');
    expect(b.routesWithFailures).toBe(0);
    expect(b.failed('r', 30, 40)).toEqual({ backoff: false });
    expect(b.failed('r', 40, 50)).toEqual({ backoff: false });
    expect(b.isBackingOff('r', 50)).toBe(false);
    expect(b.failed('r', 50, 60)).toEqual({ backoff: true, delayMs: 1000, level: 1 });
    expect(b.isBackingOff('r', 60)).toBe(true);
    expect(b.isBackingOff('r', 1059)).toBe(true);
    expect(b.isBackingOff('r', 1060)).toBe(false);
    expect(b.isBackingOff('other', 500)).toBe(false);
    expect(b.backingOffCount(500)).toBe(1);
  });

  it('ignores failures of deliveries sent before the back-off ended, and doubles on the first failure after it', () => {
    const b = new EndpointBackoff({ baseMs: 1000, maxMs: 3000, failuresBeforeBackoff: 1 });
    expect(b.failed('r', 0, 100)).toEqual({ backoff: true, delayMs: 1000, level: 1 }); // until 1100
    // Requests already in flight when the endpoint went down fail later: the same outage.
    expect(b.failed('r', 50, 200)).toEqual({ backoff: false });
    expect(b.failed('r', 1099, 2500)).toEqual({ backoff: false });
    expect(b.isBackingOff('r', 1100)).toBe(false);
    expect(b.failed('r', 1100, 1150)).toEqual({ backoff: true, delayMs: 2000, level: 2 });
    expect(b.failed('r', 3150, 3200)).toEqual({ backoff: true, delayMs: 3000, level: 3 }); // capped
    expect(b.failed('r', 6200, 6300)).toEqual({ backoff: true, delayMs: 3000, level: 4 });
    b.succeeded('r');
    expect(b.isBackingOff('r', 7000)).toBe(false);
    expect(b.failed('r', 9400, 9500)).toEqual({ backoff: true, delayMs: 1000, level: 1 });
  });

  it('tells when an outage starts a back-off, with the error, and when it is over', () => {
    const events: unknown[] = [];
    const b = new EndpointBackoff({
      baseMs: 1000,
      maxMs: 4000,
      failuresBeforeBackoff: 2,
      onBackoff: (routeId, x) => events.push(['backoff', routeId, x]),
      onRecovered: (routeId) => events.push(['recovered', routeId]),
    });
    b.failed('r', 0, 10, 'status_500');
    b.succeeded('r'); // a success before any back-off: nothing to tell
    b.failed('r', 20, 30, 'timeout');
    b.failed('r', 30, 40, 'timeout');
    b.failed('r', 1100, 1200, 'ECONNREFUSED');
    b.succeeded('r');
    b.succeeded('r');
    expect(events).toEqual([
      ['backoff', 'r', { delayMs: 1000, level: 1, error: 'timeout' }],
      ['backoff', 'r', { delayMs: 2000, level: 2, error: 'ECONNREFUSED' }],
      ['recovered', 'r'],
    ]);
  });

  it('is off with a base of 0', () => {
    const b = new EndpointBackoff({ baseMs: 0, maxMs: 60_000, failuresBeforeBackoff: 1 });
    for (let i = 0; i < 10; i++) expect(b.failed('r', i, i)).toEqual({ backoff: false });
    expect(b.isBackingOff('r', 5)).toBe(false);
    expect(b.routesWithFailures).toBe(0);
  });

  it('doubles per level up to the cap, even after very many', () => {
    expect([0, 1, 2, 3, 10, 1000].map((l) => backoffDelayMs(1000, 60_000, l))).toEqual([1000, 2000, 4000, 8000, 60_000, 60_000]);
  });
});
