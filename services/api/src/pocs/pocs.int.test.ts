import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@cov/shared/clock';
import { hotspotName } from '@cov/shared/registry/hotspot-name';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { beaconVerdicts, witnessVerdicts } from '@cov/shared/db/schema/verdicts';
import { startTestNode, type TestNode } from '@cov/app/testing/test-node';

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
const HOUR = 3_600_000;

describe.each(['postgres', 'embedded'] as const)('proof-of-coverage reads (%s)', (mode) => {
  let node: TestNode;
  const clock = new ManualClock(NOW);
  const [a, b, c] = [0, 1, 2].map((i) => keypairFromLabel(`pocs/${mode}/${i}`)) as [ReturnType<typeof keypairFromLabel>, ReturnType<typeof keypairFromLabel>, ReturnType<typeof keypairFromLabel>];
  const get = async (path: string) => {
    const res = await fetch(`${node.httpBaseUrl}${path}`);
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    node = await startTestNode(mode, { services: ['api'], clock });
    const { db, sql } = node.ctx.database;
    await sql`insert into makers (id, name, created_at) values ('00000000-0000-0000-0000-000000000009', 'm', now())`;
    for (const [i, h] of [a, b, c].entries()) {
      await sql`insert into hotspots (address, public_key, owner_address, maker_id, capability, gateway_eui, onboarded_at)
        values (${h.address}, ${Buffer.from(h.binaryKey)}, ${a.address}, '00000000-0000-0000-0000-000000000009', 'full', ${`00000000000000${i}0`}, now())`;
    }
    // Three beacons by A over three hours; B witnesses all (selected, valid), C witnesses the last one invalidly.
    for (let i = 0; i < 3; i++) {
      const t = NOW - (3 - i) * HOUR;
      await db.insert(beaconVerdicts).values({
        beaconId: `beacon-${i}`, hotspotAddress: a.address, receivedAtMs: t, epoch: 1, valid: true, reason: null, details: {}, locationCell: '8c1fb46622dd1ff',
        witnessCount: i === 2 ? 2 : 1, validWitnessCount: 1, selectedWitnessCount: 1, denylistVersion: 0, verifiedAtMs: t + 600_000,
      });
      await db.insert(witnessVerdicts).values({
        beaconId: `beacon-${i}`, witnessId: `w-b-${i}`, hotspotAddress: b.address, beaconerAddress: a.address, receivedAtMs: t + 100, epoch: 1, valid: true, reason: null,
        details: { distanceM: 2500 }, selected: true, signalDbmX10: -1000 - i * 10, snrDbX10: 50, distanceM: 2500, locationCell: '8c1fb46622d81ff',
      });
    }
    await db.insert(witnessVerdicts).values({
      beaconId: 'beacon-2', witnessId: 'w-c-2', hotspotAddress: c.address, beaconerAddress: a.address, receivedAtMs: NOW - HOUR + 200, epoch: 1, valid: false, reason: 'bad_rssi',
      details: { distanceM: 40000, expectedMaxRssiDbm: -110.2, observedRssiDbm: -60 }, selected: false, signalDbmX10: -600, snrDbX10: 90, distanceM: 40000, locationCell: null,
    });
  });
  afterAll(async () => {
    await node?.destroy();
  });

  it("lists a hotspot's beacons with selected and rejected witnesses, reasons and numbers", async () => {
    const res = await get(`/v1/hotspots/${a.address}/pocs`);
    expect(res.status).toBe(200);
    expect(res.body.beacons.map((x: { beaconId: string }) => x.beaconId)).toEqual(['beacon-2', 'beacon-1', 'beacon-0']);
    const latest = res.body.beacons[0];
    expect(latest.witnesses).toHaveLength(2);
    expect(latest.witnesses[1]).toMatchObject({ hotspot: c.address, valid: false, reason: 'bad_rssi', selected: false, rssiDbm: -60, details: { expectedMaxRssiDbm: -110.2 } });
    expect(latest.witnesses[0]).toMatchObject({ hotspot: b.address, valid: true, selected: true, rssiDbm: -102 });
    // Each hotspot also by the name its owner knows it by.
    expect(latest.hotspotName).toBe(hotspotName(a.address));
    expect(latest.witnesses.map((w: { hotspotName: string; beaconerName: string }) => [w.hotspotName, w.beaconerName])).toEqual([
      [hotspotName(b.address), hotspotName(a.address)],
      [hotspotName(c.address), hotspotName(a.address)],
    ]);
  });

  it('pages with opaque cursors and bounds by time', async () => {
    const first = await get(`/v1/hotspots/${a.address}/pocs?limit=2`);
    expect(first.body.beacons).toHaveLength(2);
    const second = await get(`/v1/hotspots/${a.address}/pocs?limit=2&cursor=${first.body.cursor}`);
    expect(second.body.beacons.map((x: { beaconId: string }) => x.beaconId)).toEqual(['beacon-0']);
    expect(second.body.cursor).toBeNull();
    const recent = await get(`/v1/hotspots/${a.address}/pocs?min_time=-90 minute`);
    expect(recent.body.beacons.map((x: { beaconId: string }) => x.beaconId)).toEqual(['beacon-2']);
  });

  it('shows its witness verdicts and link summaries both ways', async () => {
    const asWitness = await get(`/v1/hotspots/${c.address}/pocs?role=witness`);
    expect(asWitness.body.witnesses).toEqual([expect.objectContaining({ beaconer: a.address, reason: 'bad_rssi' })]);
    const heardBy = await get(`/v1/hotspots/${a.address}/witnesses`);
    expect(heardBy.body.data).toEqual([
      expect.objectContaining({ hotspot: b.address, reports: 3, valid: 3, selected: 3, bestRssiDbm: -100, medianRssiDbm: -101, distanceM: 2500 }),
      expect.objectContaining({ hotspot: c.address, reports: 1, valid: 0, selected: 0 }),
    ]);
    const hears = await get(`/v1/hotspots/${b.address}/witnessed`);
    expect(hears.body.data).toEqual([expect.objectContaining({ hotspot: a.address, hotspotName: hotspotName(a.address), reports: 3 })]);
  });

  it('narrows to valid or invalid verdicts, page by page', async () => {
    const ids = (r: { body: { beacons?: { beaconId: string }[]; witnesses?: { witnessId: string }[] } }) => r.body.beacons?.map((x) => x.beaconId) ?? r.body.witnesses?.map((x) => x.witnessId) ?? [];
    expect(ids(await get(`/v1/hotspots/${a.address}/pocs?valid=false`))).toEqual([]);
    const first = await get(`/v1/hotspots/${a.address}/pocs?valid=true&limit=2`);
    expect(ids(first)).toEqual(['beacon-2', 'beacon-1']);
    expect(ids(await get(`/v1/hotspots/${a.address}/pocs?valid=true&limit=2&cursor=${first.body.cursor}`))).toEqual(['beacon-0']);
    // C's only witness report was refused: that is what its owner looks for.
    expect((await get(`/v1/hotspots/${c.address}/pocs?role=witness&valid=false`)).body.witnesses).toEqual([expect.objectContaining({ witnessId: 'w-c-2', reason: 'bad_rssi' })]);
    expect(ids(await get(`/v1/hotspots/${c.address}/pocs?role=witness&valid=true`))).toEqual([]);
    expect(ids(await get(`/v1/hotspots/${b.address}/pocs?role=witness&valid=true`))).toEqual(['w-b-2', 'w-b-1', 'w-b-0']);
    expect((await get(`/v1/hotspots/${a.address}/pocs?valid=maybe`)).body.error.code).toBe('request.invalid');
  });

  it('exports CSV with exactly the JSON rows', async () => {
    const json = await get(`/v1/hotspots/${a.address}/pocs`);
    const csv = await get(`/v1/hotspots/${a.address}/pocs?format=csv`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text.trim().split('\r\n');
    const witnessCount = json.body.beacons.reduce((n: number, x: { witnesses: unknown[] }) => n + x.witnesses.length, 0);
    expect(lines).toHaveLength(1 + witnessCount);
    expect(lines[0]).toBe('beacon_id,beacon_received_at,beaconer,beacon_valid,beacon_reason,witness,witness_received_at,witness_valid,witness_reason,selected,rssi_dbm,snr_db,distance_m,details,beaconer_name,witness_name');
    const names = json.body.beacons.flatMap((x: { hotspotName: string; witnesses: { hotspotName: string }[] }) => x.witnesses.map((w) => `${x.hotspotName},${w.hotspotName}`));
    expect(lines.slice(1).map((l) => l.split(',').slice(-2).join(','))).toEqual(names);
    expect(lines.filter((l) => l.includes('bad_rssi'))).toHaveLength(1);
  });

  it('answers bad input with stable codes', async () => {
    expect((await get('/v1/hotspots/nope/pocs')).body.error.code).toBe('keys.invalid_address');
    expect((await get(`/v1/hotspots/${keypairFromLabel('ghost').address}/pocs`)).body.error.code).toBe('hotspots.not_found');
    expect((await get(`/v1/hotspots/${a.address}/pocs?min_time=-1000 day`)).body.error.code).toBe('request.invalid');
    expect((await get(`/v1/hotspots/${a.address}/pocs?min_time=banana`)).body.error).toMatchObject({ code: 'request.invalid', details: { field: 'min_time' } });
    expect((await get(`/v1/hotspots/${a.address}/pocs?cursor=xyz`)).status).toBe(400);
    expect((await get(`/v1/hotspots/${a.address}/pocs?role=owner`)).status).toBe(400);
  });
});
