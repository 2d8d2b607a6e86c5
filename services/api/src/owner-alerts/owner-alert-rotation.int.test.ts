/**
 * Which subscribed owners an alert check takes, when there are more than one check takes: every
 * owner must come round, whether or not its hotspots ever changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { startTestNode, type TestNode } from '@cov/app/testing/test-node';
import { leaseOwners, recordTold } from './owner-alerts-repository';

const T0 = Date.UTC(2026, 10, 21, 8, 0, 0);
const LEASE_MS = 300_000;

describe('owner alert checks', () => {
  let node: TestNode;
  const owners = [0, 1, 2].map((i) => keypairFromLabel(`owner-rotation/${i}`).address).sort();

  beforeAll(async () => {
    // No api service: nothing but this test leases owners.
    node = await startTestNode('postgres', { services: ['ingest'] });
    for (const owner of owners) {
      await node.ctx.database.sql`insert into owner_alerts (owner_address, active, url, nonce, updated_at_ms) values (${owner}, true, 'https://example.com/n', 1, ${T0})`;
    }
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it('take the owners checked longest ago first, so owners whose hotspots never change still come round', async () => {
    const { sql } = node.ctx.database;
    const check = async (atMs: number) => {
      const taken = (await leaseOwners(sql, atMs, LEASE_MS, 2)).map((o) => o.owner);
      // Nothing changed for anyone: each is released with nothing sent.
      for (const owner of taken) await recordTold(sql, owner, [], null, atMs);
      return taken;
    };
    const first = await check(T0);
    expect(first).toEqual(owners.slice(0, 2));
    // The next check, even at the same instant, reaches the owner the first one left.
    const second = await check(T0);
    expect(second).toContain(owners[2]);
    const third = await check(T0 + 60_000);
    expect(new Set([...first, ...second, ...third])).toEqual(new Set(owners));
    // A held lease keeps the owner from another checker until it ends.
    const held = (await leaseOwners(sql, T0 + 120_000, LEASE_MS, 3)).map((o) => o.owner);
    expect(held).toHaveLength(3);
    expect(await leaseOwners(sql, T0 + 120_001, LEASE_MS, 3)).toEqual([]);
    expect((await leaseOwners(sql, T0 + 120_000 + LEASE_MS, LEASE_MS, 3)).map((o) => o.owner).sort()).toEqual(owners);
  });
});
