import { describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import { EpochRewardsNoticeSchema, HotspotStatusNoticeSchema, noticeWebhookDocument } from './notice-schemas';

const rewards = {
  type: 'epoch_rewards',
  owner: 'o',
  epoch: 5,
  start: '2026-11-21T00:00:00.000Z',
  end: '2026-11-22T00:00:00.000Z',
  totalAmount: '10',
  paidHotspots: 1,
  hotspots: [{ hotspot: 'h', name: 'a-b-c', beaconAmount: '1', witnessAmount: '9', dataAmount: '0', totalAmount: '10', standing: 'top_half' }],
  network: null,
  at: '2026-11-22T01:00:00.000Z',
};

describe('notice schemas', () => {
  it('take a well-formed notice and name what is wrong with a bad one', () => {
    expect([...Value.Errors(EpochRewardsNoticeSchema, rewards)]).toEqual([]);
    // Amounts are decimal strings, standings one of five words, and every field is there.
    expect([...Value.Errors(EpochRewardsNoticeSchema, { ...rewards, totalAmount: 10 })].length).toBeGreaterThan(0);
    expect([...Value.Errors(EpochRewardsNoticeSchema, { ...rewards, hotspots: [{ ...rewards.hotspots[0], standing: 'middling' }] })].length).toBeGreaterThan(0);
    const { network: _n, ...withoutNetwork } = rewards;
    expect(Value.Check(EpochRewardsNoticeSchema, withoutNetwork)).toBe(false);
    expect(Value.Check(HotspotStatusNoticeSchema, { type: 'hotspot_status', owner: 'o', changes: [], pocChanges: [], scaleChanges: [], at: '2026-11-22T01:00:00.000Z' })).toBe(true);
    expect(Value.Check(HotspotStatusNoticeSchema, { type: 'epoch_rewards', owner: 'o', changes: [], pocChanges: [], scaleChanges: [], at: '2026-11-22T01:00:00.000Z' })).toBe(false);
  });

  it('are published as webhooks, one per notice', () => {
    expect(Object.keys(noticeWebhookDocument).sort()).toEqual(['org-balance-alert-test', 'org-balance-low', 'org-route-endpoint', 'owner-epoch-rewards', 'owner-hotspot-status']);
  });
});
