/**
 * Device-maker setup through the backend's device-maker API, as a device maker would do it: the
 * network admin creates an organisation with a DevAddr block and credits it data credits; the
 * organisation, with its own key, creates a route to its network server (the simulator's, an HTTP
 * endpoint with a shared secret) covering its block and registers its devices' JoinEUI/DevEUI
 * pairs. When the backend serves no such API, provisioning says so instead of pretending.
 */
import { parseDevAddr } from '@cov/shared/lorawan/netid';
import type { SimDevice } from '../world/devices';
import type { SimWorld } from '../world/world';
import { callJson } from './call-json';
import type { DeviceMakerPort, LnsEndpoint, OrgSetup } from './target';

/** DevAddrs per organisation: devices share them (the network server tells them apart by MIC). */
export const DEVADDRS_PER_ORG = 16;
/** Data credits bought per organisation: plenty for a long run (1 DC per 24 payload bytes per copy). */
export const DC_PER_ORG = 5_000_000;
const EUI_PAIRS_PER_REQUEST = 1000;
const ORG_NAMES = ['Acme Sensors', 'Blue Meters', 'Cedar Trackers', 'Delta Agritech', 'Ember Parking', 'Fjord Water', 'Granite Air', 'Harbor Logistics'];

export class HttpDeviceMaker implements DeviceMakerPort {
  constructor(
    private readonly baseUrl: string,
    private readonly adminApiKey: string,
    /** Shared secret the router presents to the network server. */
    private readonly lnsAuthHeader: string,
    /** Makes organisation names unique per run. */
    private readonly runTag: () => string,
  ) {}

  async provision(_world: SimWorld, devicesByOrg: SimDevice[][], lns: LnsEndpoint | null, record: (kind: string, body: unknown) => void): Promise<OrgSetup> {
    const unavailable = (reason: string): OrgSetup => ({ ok: false, unavailableReason: reason, netId: '', devAddrBlocks: [], orgIds: [] });
    if (!lns || lns.protocol !== 'http') return unavailable('no network-server endpoint for routes to point at');
    const setup: OrgSetup = { ok: true, netId: '', devAddrBlocks: [], orgIds: [] };
    const call = (kind: string, path: string, init: { method: string; body?: unknown; apiKey?: string }) => {
      record(kind, init.body);
      return callJson(`${this.baseUrl}${path}`, init);
    };
    for (const [index, devices] of devicesByOrg.entries()) {
      const name = `${ORG_NAMES[index % ORG_NAMES.length]} ${Math.floor(index / ORG_NAMES.length) || ''} (${this.runTag()})`.replace('  ', ' ');
      const created = await call('orgs.create', '/v1/admin/orgs', { method: 'POST', body: { name, devAddrCount: DEVADDRS_PER_ORG }, apiKey: this.adminApiKey });
      if (created.status === 404) return unavailable('the backend serves no device-maker API (POST /v1/admin/orgs: 404)');
      if (!created.ok) return unavailable(`creating organisation "${name}" failed: ${created.status} ${created.code ?? ''} ${created.message ?? ''}`.trim());
      const body = created.body as { org: { id: string; netId: string; devAddrBlocks: { start: string; end: string }[] }; apiKey: string };
      const block = body.org.devAddrBlocks[0];
      const start = block ? parseDevAddr(block.start) : null;
      const end = block ? parseDevAddr(block.end) : null;
      if (start === null || end === null) return unavailable(`organisation "${name}" came without a DevAddr block`);
      const credited = await call('orgs.buy_dc', `/v1/admin/orgs/${body.org.id}/dc`, { method: 'POST', body: { amountDc: DC_PER_ORG, kind: 'purchase', memo: 'firmware-sim' }, apiKey: this.adminApiKey });
      if (!credited.ok) return unavailable(`crediting DC to "${name}" failed: ${credited.status} ${credited.code ?? ''}`.trim());
      const route = await call('orgs.create_route', `/v1/orgs/${body.org.id}/routes`, {
        method: 'POST',
        apiKey: body.apiKey,
        body: {
          name: 'simulated network server',
          endpoint: { protocol: 'http', url: lns.url, authHeader: this.lnsAuthHeader },
          maxCopies: 3,
          devAddrRanges: [{ start: block!.start, end: block!.end }],
        },
      });
      if (!route.ok) return unavailable(`creating the route of "${name}" failed: ${route.status} ${route.code ?? ''} ${route.message ?? ''}`.trim());
      const routeId = (route.body as { id: string }).id;
      for (let i = 0; i < devices.length; i += EUI_PAIRS_PER_REQUEST) {
        const add = devices.slice(i, i + EUI_PAIRS_PER_REQUEST).map((d) => ({ joinEui: d.joinEui, devEui: d.devEui }));
        const pairs = await call('orgs.add_eui_pairs', `/v1/orgs/${body.org.id}/routes/${routeId}/eui-pairs`, { method: 'POST', apiKey: body.apiKey, body: { add } });
        if (!pairs.ok) return unavailable(`registering the devices of "${name}" failed: ${pairs.status} ${pairs.code ?? ''}`.trim());
      }
      setup.netId = body.org.netId.toLowerCase();
      setup.devAddrBlocks.push({ start, end });
      setup.orgIds.push(body.org.id);
    }
    return setup;
  }
}
