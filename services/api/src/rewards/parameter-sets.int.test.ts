import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@cov/shared/clock';
import { allTestModes, startTestNode, type TestNode } from '@cov/app/testing/test-node';
import { parameterSetStatus } from './parameter-set-routes';

const DAY_MS = 86_400_000;
const NOW_EPOCH = 20_400;

describe('parameterSetStatus', () => {
  it.each<[number, number | null, number, string]>([
    [10, 20, 5, 'scheduled'],
    [10, 20, 10, 'in_force'],
    [10, 20, 19, 'in_force'],
    [10, 20, 20, 'past'],
    [10, null, 99, 'in_force'],
    [10, 10, 12, 'superseded'],
  ])('from %s until %s at epoch %s: %s', (from, next, now, status) => {
    expect(parameterSetStatus(from, next, now)).toBe(status);
  });
});

describe.each(allTestModes)('GET /v1/rewards/parameter-sets (%s)', (mode) => {
  let node: TestNode;
  const clock = new ManualClock(NOW_EPOCH * DAY_MS + 3_600_000);
  const ids: number[] = [];

  beforeAll(async () => {
    node = await startTestNode(mode, { services: ['api'], clock });
    const sql = node.ctx.database.sql;
    // The first set, one replaced before it took effect (same first epoch, later id wins), the one in force, a scheduled one.
    for (const [epoch, emission] of [[0, '1'], [NOW_EPOCH - 10, '2'], [NOW_EPOCH - 10, '3'], [NOW_EPOCH + 5, '4']] as const) {
      const [row] = await sql<{ id: number }[]>`insert into reward_parameter_sets (effective_from_epoch, params, params_hash, created_at_ms)
        values (${epoch}, ${JSON.stringify({ emissionPerEpoch: emission, epochLengthMs: DAY_MS })}::jsonb, ${`hash-${emission}`}, ${clock.nowMs()}) returning id`;
      ids.push(row!.id);
    }
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('lists the sets latest first with when each is in force, in pages', async () => {
    const first = await node.call('GET', '/v1/rewards/parameter-sets?limit=3');
    expect(first.status).toBe(200);
    expect(first.body.data.map((s: { id: number; status: string; untilEpoch: number | null }) => [s.id, s.status, s.untilEpoch])).toEqual([
      [ids[3], 'scheduled', null],
      [ids[2], 'in_force', NOW_EPOCH + 5],
      [ids[1], 'superseded', NOW_EPOCH - 10],
    ]);
    expect(first.body.data[0]).toMatchObject({
      hash: 'hash-4',
      effectiveFromEpoch: NOW_EPOCH + 5,
      effectiveFrom: new Date((NOW_EPOCH + 5) * DAY_MS).toISOString(),
      values: { emissionPerEpoch: '4' },
    });
    const second = await node.call('GET', `/v1/rewards/parameter-sets?limit=3&cursor=${first.body.cursor}`);
    expect(second.body.data.map((s: { id: number; status: string }) => [s.id, s.status])).toEqual([[ids[0], 'past']]);
    expect(second.body.cursor).toBeNull();
  });

  it('shows one set by id, and says when there is none', async () => {
    const one = await node.call('GET', `/v1/rewards/parameter-sets/${ids[2]}`);
    expect(one.body).toMatchObject({ id: ids[2], status: 'in_force', effectiveFromEpoch: NOW_EPOCH - 10, untilEpoch: NOW_EPOCH + 5 });
    expect((await node.call('GET', '/v1/rewards/parameter-sets/999999')).body.error.code).toBe('rewards.parameter_set_not_found');
    expect((await node.call('GET', '/v1/rewards/parameter-sets/x')).status).toBe(400);
    expect((await node.call('GET', '/v1/rewards/parameter-sets?cursor=bogus')).status).toBe(400);
  });
});
