/**
 * Device-maker setup through the backend's device-maker API: an organisation per simulated maker,
 * its DevAddr block, a route pointing at the simulator's network server, the devices' EUI pairs
 * and data credits. Until that API is served, provisioning reports why device traffic is off
 * instead of pretending.
 */
import type { SimDevice } from '../world/devices';
import type { SimWorld } from '../world/world';
import { callJson } from './live-target';
import type { DeviceMakerPort, LnsEndpoint, OrgSetup } from './target';

export class HttpDeviceMaker implements DeviceMakerPort {
  constructor(
    private readonly baseUrl: string,
    private readonly adminApiKey: string,
  ) {}

  async provision(_world: SimWorld, devicesByOrg: SimDevice[][], lns: LnsEndpoint | null): Promise<OrgSetup> {
    const unavailable = (reason: string): OrgSetup => ({ ok: false, unavailableReason: reason, netId: '', devAddrBlocks: [], orgIds: [] });
    if (!lns) return unavailable('no network-server endpoint for routes to point at');
    const docs = await callJson(`${this.baseUrl}/docs/json`, { method: 'GET' });
    const paths = Object.keys((docs.body as { paths?: Record<string, unknown> } | null)?.paths ?? {});
    if (!paths.some((p) => p.startsWith('/v1/orgs'))) return unavailable('the backend serves no device-maker API yet (no /v1/orgs routes in its OpenAPI document)');
    void devicesByOrg;
    void this.adminApiKey;
    return unavailable('device-maker provisioning is not wired to this backend version yet');
  }
}
