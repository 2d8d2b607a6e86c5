import { describe, expect, it } from 'vitest';
import { ownerAlertsRemoveBytes, ownerAlertsSetBytes } from '@cov/shared/registry/owner-alert-request';
import { hotspotStatusNotice, statusChanges } from './hotspot-status-changes';

describe('hotspot status changes', () => {
  it('records hotspots seen for the first time as they are, and reports only those whose status differs from the one told', () => {
    const told = new Map([
      ['a', { online: true }],
      ['b', { online: false }],
      ['c', { online: true }],
    ]);
    const { changes, firstSeen } = statusChanges(
      [
        { address: 'a', online: false, lastSeenMs: 10 },
        { address: 'b', online: true, lastSeenMs: 20 },
        { address: 'c', online: true, lastSeenMs: 30 },
        { address: 'd', online: false, lastSeenMs: 0 },
      ],
      told,
    );
    expect(changes).toEqual([
      { address: 'a', online: false, lastSeenMs: 10 },
      { address: 'b', online: true, lastSeenMs: 20 },
    ]);
    expect(firstSeen.map((h) => h.address)).toEqual(['d']);
  });

  it('tells the changes with the last activity time, null for a hotspot never heard', () => {
    const [a, b] = ['11yXFNu9Je9gvVfyuA8jS8z6faNcZW7kPwPApWYThTk416LGmU', '11cxkqa2PjpJ9YgY9qK3Njn4uSFu6dyK9xV8XE4ahFSqN1YN2db'];
    const notice = hotspotStatusNotice(
      'owner1',
      [{ address: a, online: false, lastSeenMs: Date.UTC(2026, 10, 20) }, { address: b, online: false, lastSeenMs: 0 }],
      [{ address: b, failing: true, reason: 'witness_too_close', invalidReports: 4 }],
      [{ address: a, fromScaleE4: 10_000, toScaleE4: 3333 }],
      Date.UTC(2026, 10, 21),
    );
    expect(notice).toEqual({
      type: 'hotspot_status',
      owner: 'owner1',
      changes: [
        { hotspot: a, name: 'acidic-red-mouse', online: false, lastSeenAt: '2026-11-20T00:00:00.000Z' },
        { hotspot: b, name: 'tall-plum-griffin', online: false, lastSeenAt: null },
      ],
      pocChanges: [{ hotspot: b, name: 'tall-plum-griffin', failing: true, reason: 'witness_too_close', invalidReports: 4 }],
      scaleChanges: [{ hotspot: a, name: 'acidic-red-mouse', fromScale: 1, toScale: 0.3333 }],
      at: '2026-11-21T00:00:00.000Z',
    });
  });

  it('signs subscriptions and removals over distinct, canonical bytes', () => {
    const set = new TextDecoder().decode(ownerAlertsSetBytes({ owner: 'o', url: 'https://x.example/h', authHeader: null, nonce: 2, timestampMs: 5 }));
    expect(set).toBe('{"authHeader":null,"nonce":2,"owner":"o","timestampMs":5,"type":"owner_alerts_set_v1","url":"https://x.example/h"}');
    // The epoch rewards choice is signed when given, in its canonical place; absent, the bytes are as before it existed.
    const withRewards = new TextDecoder().decode(ownerAlertsSetBytes({ owner: 'o', url: 'https://x.example/h', authHeader: null, epochRewards: true, nonce: 2, timestampMs: 5 }));
    expect(withRewards).toBe('{"authHeader":null,"epochRewards":true,"nonce":2,"owner":"o","timestampMs":5,"type":"owner_alerts_set_v1","url":"https://x.example/h"}');
    expect(new TextDecoder().decode(ownerAlertsSetBytes({ owner: 'o', url: 'https://x.example/h', authHeader: null, epochRewards: false, nonce: 2, timestampMs: 5 }))).toContain('"epochRewards":false');
    const remove = new TextDecoder().decode(ownerAlertsRemoveBytes({ owner: 'o', nonce: 2, timestampMs: 5 }));
    expect(remove).toBe('{"nonce":2,"owner":"o","timestampMs":5,"type":"owner_alerts_remove_v1"}');
  });
});
