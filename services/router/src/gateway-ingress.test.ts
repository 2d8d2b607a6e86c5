import { describe, expect, it } from 'vitest';
import { GatewayIngress } from './gateway-ingress';

describe('gateway ingress', () => {
  it('lets a hotspot hand in its rate per second, refills with time, and keeps hotspots apart', () => {
    let nowMs = 0;
    const ingress = new GatewayIngress({ maxUplinksPerS: 5, now: () => nowMs });
    const burst = (address: string, n: number) => Array.from({ length: n }, () => ingress.refuse(address) ?? 'ok');
    expect(burst('a', 7)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'gateway_throttled', 'gateway_throttled']);
    expect(burst('b', 1)).toEqual(['ok']);
    nowMs = 200; // one more token
    expect(burst('a', 2)).toEqual(['ok', 'gateway_throttled']);
    nowMs = 2000; // refilled, never above one second's worth
    expect(burst('a', 6)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'gateway_throttled']);
    // A steady 5 a second goes through whole.
    const steady: string[] = [];
    for (let i = 0; i < 50; i++) {
      nowMs += 200;
      steady.push(ingress.refuse('c') ?? 'ok');
    }
    expect(steady.every((x) => x === 'ok')).toBe(true);
  });

  it('forgets hotspots whose bucket has refilled', () => {
    let nowMs = 0;
    const ingress = new GatewayIngress({ maxUplinksPerS: 10, now: () => nowMs });
    ingress.refuse('a');
    ingress.refuse('b');
    nowMs = 50;
    ingress.refuse('b');
    nowMs = 110;
    ingress.sweep();
    expect(ingress.trackedHotspots).toBe(1); // a refilled (1 token in 100 ms); b still short
    nowMs = 1000;
    ingress.sweep();
    expect(ingress.trackedHotspots).toBe(0);
  });

  it('sweeps a bounded number of buckets per call, going on where it stopped', () => {
    let nowMs = 0;
    const ingress = new GatewayIngress({ maxUplinksPerS: 10, now: () => nowMs });
    for (const h of ['a', 'b', 'c', 'd', 'e']) ingress.refuse(h);
    nowMs = 5000;
    ingress.sweep(2);
    expect(ingress.trackedHotspots).toBe(3);
    ingress.sweep(2);
    expect(ingress.trackedHotspots).toBe(1);
    ingress.sweep(2);
    expect(ingress.trackedHotspots).toBe(0);
  });

  it('has no limit at 0, and refuses denied hotspots whatever their rate', () => {
    const ingress = new GatewayIngress({ maxUplinksPerS: 0, now: () => 0 });
    for (let i = 0; i < 1000; i++) expect(ingress.refuse('a')).toBeUndefined();
    ingress.setDenied({ version: 3, addresses: new Set(['a']) });
    expect(ingress.refuse('a')).toBe('gateway_denied');
    expect(ingress.refuse('b')).toBeUndefined();
    expect(ingress.denylistVersion).toBe(3);
    ingress.setDenied({ version: 4, addresses: new Set() });
    expect(ingress.refuse('a')).toBeUndefined();
  });
});
