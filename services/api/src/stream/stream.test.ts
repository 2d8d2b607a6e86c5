import { describe, expect, it } from 'vitest';
import { latLngToCell, cellToParent } from 'h3-js';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { matches, type LiveEvent } from './live-events';
import { deliver, MAX_BUFFERED_BYTES, parseFilter } from './stream-routes';

const [a, b, owner] = [keypairFromLabel('s/a'), keypairFromLabel('s/b'), keypairFromLabel('s/owner')];
const cell = latLngToCell(48.85, 2.35, 12);
const poc: LiveEvent = {
  type: 'poc',
  beacon: { beaconId: 'x', hotspot: a.address, valid: true, reason: null, receivedAt: '2026-11-20T00:00:00.000Z', locationCell: cell },
  witnesses: [{ hotspot: b.address, valid: false, reason: 'too_late', selected: false, rssiDbm: -100, locationCell: null }],
  owners: [owner.address],
};
const router: LiveEvent = { type: 'router', fromMs: 0, toMs: 1000, forwarded: 3, dropped: { no_route: 1 }, dcBurned: 3 };

describe('live feed filters', () => {
  it('match by hotspot (beaconer or witness), owner, hex at any resolution and type', () => {
    expect(matches(poc, parseFilter({ hotspot: b.address }))).toBe(true);
    expect(matches(poc, parseFilter({ hotspot: keypairFromLabel('other').address }))).toBe(false);
    expect(matches(poc, parseFilter({ owner: owner.address }))).toBe(true);
    expect(matches(poc, parseFilter({ hex: cellToParent(cell, 7) }))).toBe(true);
    expect(matches(poc, parseFilter({ hex: latLngToCell(40, -74, 7) }))).toBe(false);
    expect(matches(poc, parseFilter({ types: 'epoch' }))).toBe(false);
    expect(matches(router, parseFilter({}))).toBe(true);
    expect(matches(router, parseFilter({ hotspot: a.address }))).toBe(false);
  });

  it('tell an owner or a hotspot watcher that an epoch was paid (it moves every hotspot\'s rewards)', () => {
    const epoch: LiveEvent = { type: 'epoch', epoch: 20_000, start: '2024-10-04T00:00:00.000Z', end: '2024-10-05T00:00:00.000Z', emission: '100', hotspotsRewarded: 2, manifestHash: 'h', merkleRoot: 'r' };
    expect(matches(epoch, parseFilter({ owner: owner.address, types: 'poc,epoch' }))).toBe(true);
    expect(matches(epoch, parseFilter({ hotspot: a.address }))).toBe(true);
    expect(matches(epoch, parseFilter({ hex: cellToParent(cell, 7) }))).toBe(true);
    expect(matches(epoch, parseFilter({ owner: owner.address, types: 'poc' }))).toBe(false);
  });

  it('refuses bad filters with stable codes', () => {
    expect(() => parseFilter({ hotspot: 'nope' })).toThrow(expect.objectContaining({ code: 'keys.invalid_address', details: { field: 'hotspot' } }));
    // A bad owner is named as the owner, not as a hotspot.
    expect(() => parseFilter({ hotspot: owner.address, owner: 'nope' })).toThrow(expect.objectContaining({ code: 'keys.invalid_address', details: { field: 'owner' } }));
    expect(() => parseFilter({ hex: 'nope' })).toThrow(expect.objectContaining({ code: 'geo.invalid_h3' }));
    expect(() => parseFilter({ types: 'gossip' })).toThrow(expect.objectContaining({ code: 'request.invalid' }));
  });

  it('drops a slow consumer instead of buffering without bound', () => {
    const sent: string[] = [];
    const closed: [number, string][] = [];
    const socket = { bufferedAmount: 0, send: (d: string) => sent.push(d), close: (c: number, r: string) => closed.push([c, r]) };
    expect(deliver(socket, poc, {})).toBe(true);
    socket.bufferedAmount = MAX_BUFFERED_BYTES + 1;
    expect(deliver(socket, poc, {})).toBe(false);
    expect(sent).toHaveLength(1);
    expect(closed).toEqual([[1013, 'stream.slow_consumer']]);
  });
});
