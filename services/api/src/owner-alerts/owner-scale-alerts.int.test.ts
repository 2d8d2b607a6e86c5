/**
 * Owners' transmit scale alerts end to end: an owner subscribes; its hotspot beacons alone
 * (interactive, scale 1); a stranger's hotspot asserted in the same res-12 cell starts beaconing
 * too, and the owner is told the scale fell to 0.5; once the neighbour has been quiet for the 60 h
 * interactivity window, it is told the scale is back. The API's own checker posts the notices to a
 * small HTTP server in the test; the scales are the ones hotspot views show (coverage snapshot).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HotspotStatusNoticeSchema } from '@cov/shared/alerts/notice-schemas';
import { ManualClock } from '@cov/shared/clock';
import { keypairFromLabel, sign } from '@cov/shared/helium/keys';
import { hotspotName } from '@cov/shared/registry/hotspot-name';
import { ownerAlertsSetBytes } from '@cov/shared/registry/owner-alert-request';
import { startTestNode, type TestMode, type TestNode } from '@cov/app/testing/test-node';
import { onboardTestHotspots } from '@cov/router/testing/onboard-test-hotspots';
import { waitFor } from '@cov/router/testing/test-gateway';
import { twoMoreAlertChecks } from '../testing/alert-checks';
import type { HotspotStatusNotice } from './hotspot-status-changes';

// Now: onboardTestHotspots signs its location assertions with the real time.
const T0 = Date.now();
const HOUR_MS = 3_600_000;
const EPOCH_LENGTH_MS = 86_400_000;

describe.each(['postgres', 'embedded'] as TestMode[])('transmit scale alerts (%s)', (mode) => {
  let node: TestNode;
  const clock = new ManualClock(T0);
  const owner = keypairFromLabel(`scale-alerts/${mode}/mine/owner`);
  let mine = '';
  let neighbour = '';
  const notices: HotspotStatusNotice[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      notices.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as HotspotStatusNotice);
      res.writeHead(200).end();
    });
  });
  let beacons = 0;
  /** A valid beacon verdict with a valid witness, where the hotspot is asserted: it makes the hotspot interactive for 60 h. */
  const beaconed = async (address: string) => {
    const [h] = await node.ctx.database.sql<{ cell: string }[]>`select location_cell as cell from hotspots where address = ${address}`;
    const at = clock.nowMs() - 1000;
    await node.ctx.database.sql`
      insert into beacon_verdicts (beacon_id, hotspot_address, received_at_ms, epoch, valid, reason, details, location_cell,
        witness_count, valid_witness_count, selected_witness_count, denylist_version, verified_at_ms)
      values (${`scale-${mode}-${++beacons}`}, ${address}, ${at}, ${Math.floor(at / EPOCH_LENGTH_MS)}, true, null, '{}'::jsonb, ${h!.cell}, 1, 1, 1, 0, ${at})`;
  };
  const told = async () => (await node.call('GET', `/v1/owners/${owner.address}/alerts`)).body.hotspots.find((h: { address: string }) => h.address === mine)?.transmitScale;
  const shown = async () => (await node.call('GET', `/v1/hotspots/${mine}`)).body.status.transmitScale;
  const checks = () => twoMoreAlertChecks(node.httpBaseUrl, 'hotspot_status');

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    node = await startTestNode(mode, {
      services: ['api'],
      clock,
      overrides: { OWNER_ALERT_CHECK_INTERVAL_MS: '50', ALERT_POST_TIMEOUT_MS: '1000', ALERT_PRIVATE_ADDRESSES: 'allow', COVERAGE_SNAPSHOT_TTL_MS: '0' },
    });
    const at = { lat: 45.7578, lng: 4.832 };
    mine = (await onboardTestHotspots(node.call, node.adminKey, { label: `scale-alerts/${mode}/mine`, euiPrefix: 'AA555A000000A1', count: 1, at, makerName: 'Scale Gateways' }))[0]!.address;
    neighbour = (await onboardTestHotspots(node.call, node.adminKey, { label: `scale-alerts/${mode}/neighbour`, euiPrefix: 'AA555A000000A2', count: 1, at, makerName: 'Neighbour Gateways' }))[0]!.address;
    await beaconed(mine);
    const f = { owner: owner.address, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/scale`, authHeader: null, nonce: 1, timestampMs: clock.nowMs() };
    const signature = Buffer.from(sign(ownerAlertsSetBytes(f), owner.secretKey)).toString('base64');
    expect((await node.call('PUT', `/v1/owners/${owner.address}/alerts`, { url: f.url, nonce: f.nonce, timestampMs: f.timestampMs, signature })).status).toBe(200);
  });
  afterAll(async () => {
    await node?.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('records the scale first seen without telling it', async () => {
    await waitFor(async () => (await told()) === 1, 'the scale first seen');
    expect(await shown()).toBe(1);
    await checks();
    expect(notices).toEqual([]);
  });

  it('tells the owner when a hotspot beaconing nearby lowers the scale, once', async () => {
    await beaconed(neighbour);
    await waitFor(() => notices.length === 1, 'the scale notice');
    expect(notices[0]).toEqual({
      type: 'hotspot_status',
      owner: owner.address,
      changes: [],
      pocChanges: [],
      scaleChanges: [{ hotspot: mine, name: hotspotName(mine), fromScale: 1, toScale: 0.5 }],
      at: new Date(clock.nowMs()).toISOString(),
    });
    expect([...Value.Errors(HotspotStatusNoticeSchema, notices[0])]).toEqual([]);
    // The scale told is the one hotspot views show.
    expect(await shown()).toBe(0.5);
    await waitFor(async () => (await told()) === 0.5, 'the new scale recorded as told');
    await checks();
    expect(notices).toHaveLength(1);
  });

  it('tells it again when the neighbour has been quiet for the interactivity window, and says nothing while its own hotspot is not interactive', async () => {
    // 61 h on, only its own hotspot beacons again: the neighbour no longer counts.
    clock.advance(61 * HOUR_MS);
    await checks();
    // Both quiet: its own hotspot is not interactive (its scale means nothing): no scale news,
    // only that it went offline.
    const quiet = notices.slice(1);
    expect(quiet.flatMap((n) => n.scaleChanges)).toEqual([]);
    expect(await told()).toBe(0.5);
    await beaconed(mine);
    await waitFor(() => notices.some((n) => n.scaleChanges.length > 0 && n !== notices[0]), 'the scale-back notice');
    const back = notices.filter((n) => n.scaleChanges.length > 0);
    expect(back.at(-1)!.scaleChanges).toEqual([{ hotspot: mine, name: hotspotName(mine), fromScale: 0.5, toScale: 1 }]);
    await waitFor(async () => (await told()) === 1, 'the scale recorded as told');
  });
});
