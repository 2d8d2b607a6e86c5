/**
 * Device-maker setup through the backend's device-maker API, as a device maker would do it: the
 * network admin creates an organisation with a DevAddr block and credits it data credits; the
 * organisation, with its own key, creates a route to its network server (the simulator's, an HTTP
 * endpoint with a shared secret) covering its block, registers its devices' JoinEUI/DevEUI pairs,
 * and has the router test the route before any device sends. When the backend serves no such API,
 * provisioning says so instead of pretending.
 *
 * With a state file (device-maker-state.ts) the device makers also remember their organisations
 * across runs, as real ones do: a remembered organisation whose key still works is reused, its
 * route pointed at this run's network server (URL and secret change every run) and made active,
 * its DevAddr range and EUI pairs brought in line with the world, and its DC topped up when low.
 * Only a remembered organisation that is gone, or whose key is refused, is replaced by a new one.
 */
import { parseDevAddr } from '@cov/shared/lorawan/netid';
import type { SimDevice } from '../world/devices';
import type { SimWorld } from '../world/world';
import { callJson } from './call-json';
import {
  dcTopUpAmount,
  emptyDeviceMakerState,
  readDeviceMakerState,
  rememberOrg,
  topUpIdempotencyKey,
  writeDeviceMakerState,
  type DeviceMakerState,
  type RememberedOrg,
} from './device-maker-state';
import type { CallResult, DeviceMakerPort, LnsEndpoint, OrgSetup } from './target';

/** DevAddrs per organisation: devices share them (the network server tells them apart by MIC). */
export const DEVADDRS_PER_ORG = 16;
/** Data credits bought per organisation: plenty for a long run (1 DC per 24 payload bytes per copy). */
export const DC_PER_ORG = 5_000_000;
const EUI_PAIRS_PER_REQUEST = 1000;
/** The most EUI pairs one GET of a route lists; a simulated organisation has far fewer devices. */
const EUI_PAIRS_LISTED = 10_000;
const MAX_COPIES = 3;
export const SIM_ROUTE_NAME = 'simulated network server';
const ORG_NAMES = ['Acme Sensors', 'Blue Meters', 'Cedar Trackers', 'Delta Agritech', 'Ember Parking', 'Fjord Water', 'Granite Air', 'Harbor Logistics'];
const SIM_ORG_NAME = new RegExp(`^(${ORG_NAMES.join('|')})( \\d+)? \\(\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\)$`);
const SIM_LNS_URL = /^http:\/\/[^/\s]+\/lns\/uplink$/;

/**
 * Whether a route looks like one this simulator made for a run whose network server is gone: its
 * name, its organisation's run-tagged name and an HTTP endpoint at the simulator's path, and it is
 * not one of the remembered routes. Runs before the device makers kept a state file left such
 * routes active on a closed port.
 */
export function isForgottenSimulatorRoute(route: { routeId: string; routeName: string; orgName: string; endpointUrl: string | null }, rememberedRouteIds: ReadonlySet<string>): boolean {
  return (
    route.routeName === SIM_ROUTE_NAME &&
    SIM_ORG_NAME.test(route.orgName) &&
    route.endpointUrl !== null &&
    SIM_LNS_URL.test(route.endpointUrl) &&
    !rememberedRouteIds.has(route.routeId)
  );
}

type EuiPair = { joinEui: string; devEui: string };
type Call = (kind: string, path: string, init: { method: string; body?: unknown; apiKey?: string; headers?: Record<string, string> }) => Promise<CallResult>;
interface OrgBody {
  id: string;
  netId: string;
  devAddrBlocks: { start: string; end: string }[];
}
/** One organisation ready for traffic. */
interface ReadyOrg {
  remembered: RememberedOrg;
  netId: string;
  block: { start: string; end: string };
}
/** `gone`: the remembered organisation cannot be used (deleted, key revoked): make a new one. */
type Outcome = { kind: 'ready'; org: ReadyOrg } | { kind: 'gone'; reason: string } | { kind: 'failed'; reason: string };

const failure = (what: string, r: CallResult) => `${what} failed: ${r.status} ${r.code ?? ''} ${r.message ?? ''}`.trim().replace(/ +/g, ' ');

/**
 * Whether PATCHing a remembered route says it is gone for good, so the run makes the org a new
 * one: 410 `routes.deleted` (the backend keeps deleted routes' history and refuses to change
 * them), or 404 from a backend that did not keep them.
 */
export function rememberedRouteGone(patchStatus: number): boolean {
  return patchStatus === 410 || patchStatus === 404;
}

/** EUI pairs to add and to remove so a route holds exactly `wanted` (EUIs compared case-blind). */
export function euiPairChanges(registered: readonly EuiPair[], wanted: readonly EuiPair[]): { add: EuiPair[]; remove: EuiPair[] } {
  const key = (p: EuiPair) => `${p.joinEui.toLowerCase()}/${p.devEui.toLowerCase()}`;
  const have = new Set(registered.map(key));
  const want = new Set(wanted.map(key));
  return { add: wanted.filter((p) => !have.has(key(p))), remove: registered.filter((p) => !want.has(key(p))) };
}

export class HttpDeviceMaker implements DeviceMakerPort {
  constructor(
    private readonly baseUrl: string,
    private readonly adminApiKey: string,
    /** Shared secret the router presents to the network server. */
    private readonly lnsAuthHeader: string,
    /** Makes organisation names unique per run. */
    private readonly runTag: () => string,
    /** Where the organisations are remembered across runs; null: every run creates its own. */
    private readonly statePath: string | null = null,
    /** Notes on the state file and on replaced organisations (never secrets). */
    private readonly note: (message: string) => void = () => {},
    /** Hands the network server each route's signing secret, so it checks what the router sends. */
    private readonly trustSignatures: (routeId: string, secret: string) => void = () => {},
  ) {}

  async provision(_world: SimWorld, devicesByOrg: SimDevice[][], lns: LnsEndpoint | null, record: (kind: string, body: unknown) => void): Promise<OrgSetup> {
    const unavailable = (reason: string): OrgSetup => ({ ok: false, unavailableReason: reason, netId: '', devAddrBlocks: [], orgIds: [] });
    if (!lns || lns.protocol !== 'http') return unavailable('no network-server endpoint for routes to point at');
    const call: Call = (kind, path, init) => {
      record(kind, init.body);
      return callJson(`${this.baseUrl}${path}`, init);
    };
    let state = emptyDeviceMakerState();
    if (this.statePath !== null) {
      const read = readDeviceMakerState(this.statePath);
      if (read.problem) this.note(`device-maker state ${this.statePath}: ${read.problem}; starting from what is left`);
      state = read.state;
    }
    const initial = state;
    const setup: OrgSetup = { ok: true, netId: '', devAddrBlocks: [], orgIds: [] };
    try {
      for (const [index, devices] of devicesByOrg.entries()) {
        const pairs = devices.map((d) => ({ joinEui: d.joinEui, devEui: d.devEui }));
        const remembered = state.orgs.find((o) => o.index === index);
        let outcome: Outcome | null = remembered ? await this.reuse(call, remembered, lns.url, pairs) : null;
        if (outcome?.kind === 'gone') this.note(`organisation ${remembered!.orgId} ("${remembered!.name}") cannot be reused (${outcome.reason}); creating a new one`);
        if (outcome === null || outcome.kind === 'gone') outcome = await this.create(call, index, lns.url, pairs);
        if (outcome.kind !== 'ready') return unavailable(outcome.reason);
        const signed = await this.signingSecret(call, outcome.org.remembered);
        state = rememberOrg(state, signed);
        if (signed.webhookSecret !== undefined) {
          this.trustSignatures(signed.routeId, signed.webhookSecret);
          setup.webhooksSigned = (setup.webhooksSigned ?? 0) + 1;
        }
        const tested = await this.testRoute(call, signed);
        if (tested.failed) return unavailable(tested.failed);
        if (tested.passed) setup.routesTested = (setup.routesTested ?? 0) + 1;
        const start = parseDevAddr(outcome.org.block.start)!;
        const end = parseDevAddr(outcome.org.block.end)!;
        setup.netId = outcome.org.netId.toLowerCase();
        setup.devAddrBlocks.push({ start, end });
        setup.orgIds.push(outcome.org.remembered.orgId);
      }
      // Organisations this world no longer has (fewer devices or orgs than before) stay
      // remembered for a later run, their routes inactive: nothing of theirs is served now.
      for (const spare of state.orgs.filter((o) => o.index >= devicesByOrg.length)) {
        const r = await call('orgs.deactivate_route', `/v1/orgs/${spare.orgId}/routes/${spare.routeId}`, { method: 'PATCH', apiKey: spare.apiKey, body: { active: false } });
        if (!r.ok) this.note(failure(`deactivating the route of unused organisation ${spare.orgId}`, r));
      }
      return setup;
    } finally {
      // Also after a failure halfway: organisations created so far are remembered, not leaked.
      if (this.statePath !== null && (state !== initial || state.orgs.length > 0)) this.save(this.statePath, state);
    }
  }

  /**
   * The organisation signs its webhooks, as a careful maker has it: the remembered secret, or a new
   * one (shown once, so remembered with the organisation). A backend without signing, or a secret
   * that cannot be made, leaves the messages unsigned, with a note.
   */
  private async signingSecret(call: Call, org: RememberedOrg): Promise<RememberedOrg> {
    if (org.webhookSecret !== undefined) return org;
    const r = await call('orgs.webhook_secret', `/v1/orgs/${org.orgId}/webhook-secret`, { method: 'POST', apiKey: org.apiKey });
    if (!r.ok) {
      this.note(failure(`making the webhook secret of ${org.orgId}; its messages stay unsigned`, r));
      return org;
    }
    return { ...org, webhookSecret: (r.body as { secret: string }).secret };
  }

  /**
   * Has the router test the route, as a maker checks its server before its devices send: passed
   * when the server took the test; neither passed nor failed when the backend serves no route tests
   * at this address (its router answers elsewhere); else what went wrong.
   */
  private async testRoute(call: Call, org: RememberedOrg): Promise<{ passed: boolean; failed?: string }> {
    const r = await call('router.test_route', '/v1/router/route-tests', { method: 'POST', apiKey: org.apiKey, body: { routeId: org.routeId } });
    if (r.status === 404 && r.code === 'request.not_found') {
      this.note('no route tests at this address (the router serves them on its own); routes not tested');
      return { passed: false };
    }
    if (!r.ok) return { passed: false, failed: failure(`testing the route of ${org.orgId}`, r) };
    const body = r.body as { delivered: boolean; targets: { target: string; outcome: string }[] };
    if (body.delivered) return { passed: true };
    return { passed: false, failed: `the router could not deliver to this run's network server: ${body.targets.map((t) => `${t.target} ${t.outcome}`).join(', ')}` };
  }

  private save(path: string, state: DeviceMakerState): void {
    try {
      writeDeviceMakerState(path, state);
    } catch (e) {
      // The run can go on with its organisations; only the next run will not find them.
      this.note(`could not write the device-maker state ${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** A remembered organisation made ready for this run, or why it cannot be. */
  private async reuse(call: Call, org: RememberedOrg, lnsUrl: string, pairs: EuiPair[]): Promise<Outcome> {
    const got = await call('orgs.get', `/v1/orgs/${org.orgId}`, { method: 'GET', apiKey: org.apiKey });
    // 401: key unknown or revoked; 403: not this organisation's key; 404: organisation deleted.
    if ([401, 403, 404].includes(got.status)) return { kind: 'gone', reason: `${got.status} ${got.code ?? ''}`.trim() };
    if (!got.ok) return { kind: 'failed', reason: failure(`reading organisation ${org.orgId}`, got) };
    const body = got.body as OrgBody;
    const block = body.devAddrBlocks[0];
    if (!block) return { kind: 'gone', reason: 'it has no DevAddr block' };

    const ledger = await call('orgs.get_dc', `/v1/orgs/${org.orgId}/dc?limit=1`, { method: 'GET', apiKey: org.apiKey });
    if (!ledger.ok) return { kind: 'failed', reason: failure(`reading the DC balance of ${org.orgId}`, ledger) };
    const { balanceDc, data } = ledger.body as { balanceDc: number; data: { id: number }[] };
    const amountDc = dcTopUpAmount(balanceDc, DC_PER_ORG);
    if (amountDc > 0) {
      const credited = await call('orgs.top_up_dc', `/v1/admin/orgs/${org.orgId}/dc`, {
        method: 'POST',
        apiKey: this.adminApiKey,
        headers: { 'idempotency-key': topUpIdempotencyKey(org.orgId, data[0]?.id ?? null) },
        body: { amountDc, kind: 'top_up', memo: 'firmware-sim top-up' },
      });
      if (!credited.ok) return { kind: 'failed', reason: failure(`topping up DC of ${org.orgId}`, credited) };
    }

    const route = {
      name: SIM_ROUTE_NAME,
      endpoint: { protocol: 'http', url: lnsUrl, authHeader: this.lnsAuthHeader },
      maxCopies: MAX_COPIES,
      active: true,
      devAddrRanges: [{ start: block.start, end: block.end }],
    };
    const changed = await call('orgs.update_route', `/v1/orgs/${org.orgId}/routes/${org.routeId}`, { method: 'PATCH', apiKey: org.apiKey, body: route });
    let routeId = org.routeId;
    if (rememberedRouteGone(changed.status)) {
      // The organisation is there but its route was deleted: make it a new one.
      const created = await call('orgs.create_route', `/v1/orgs/${org.orgId}/routes`, { method: 'POST', apiKey: org.apiKey, body: route });
      if (!created.ok) return { kind: 'failed', reason: failure(`creating a route for ${org.orgId}`, created) };
      routeId = (created.body as { id: string }).id;
    } else if (!changed.ok) {
      return { kind: 'failed', reason: failure(`pointing route ${org.routeId} of ${org.orgId} at this run's network server`, changed) };
    }

    const listed = await call('orgs.list_eui_pairs', `/v1/orgs/${org.orgId}/routes/${routeId}/eui-pairs?limit=${EUI_PAIRS_LISTED}`, { method: 'GET', apiKey: org.apiKey });
    if (!listed.ok) return { kind: 'failed', reason: failure(`listing the devices of ${org.orgId}`, listed) };
    const { add, remove } = euiPairChanges((listed.body as { data: EuiPair[] }).data, pairs);
    const synced = await this.changeEuiPairs(call, org.orgId, org.apiKey, routeId, add, remove);
    if (synced) return { kind: 'failed', reason: synced };
    return { kind: 'ready', org: { remembered: { ...org, routeId }, netId: body.netId, block } };
  }

  private async create(call: Call, index: number, lnsUrl: string, pairs: EuiPair[]): Promise<Outcome> {
    const name = `${ORG_NAMES[index % ORG_NAMES.length]} ${Math.floor(index / ORG_NAMES.length) || ''} (${this.runTag()})`.replace('  ', ' ');
    const created = await call('orgs.create', '/v1/admin/orgs', { method: 'POST', body: { name, devAddrCount: DEVADDRS_PER_ORG }, apiKey: this.adminApiKey });
    if (created.status === 404) return { kind: 'failed', reason: 'the backend serves no device-maker API (POST /v1/admin/orgs: 404)' };
    if (!created.ok) return { kind: 'failed', reason: failure(`creating organisation "${name}"`, created) };
    const body = created.body as { org: OrgBody; apiKey: string };
    const block = body.org.devAddrBlocks[0];
    if (!block || parseDevAddr(block.start) === null || parseDevAddr(block.end) === null) return { kind: 'failed', reason: `organisation "${name}" came without a DevAddr block` };
    const credited = await call('orgs.buy_dc', `/v1/admin/orgs/${body.org.id}/dc`, {
      method: 'POST',
      body: { amountDc: DC_PER_ORG, kind: 'purchase', memo: 'firmware-sim' },
      apiKey: this.adminApiKey,
      headers: { 'idempotency-key': `firmware-sim-purchase-${body.org.id}` },
    });
    if (!credited.ok) return { kind: 'failed', reason: `crediting DC to "${name}" failed: ${credited.status} ${credited.code ?? ''}`.trim() };
    const route = await call('orgs.create_route', `/v1/orgs/${body.org.id}/routes`, {
      method: 'POST',
      apiKey: body.apiKey,
      body: {
        name: SIM_ROUTE_NAME,
        endpoint: { protocol: 'http', url: lnsUrl, authHeader: this.lnsAuthHeader },
        maxCopies: MAX_COPIES,
        devAddrRanges: [{ start: block.start, end: block.end }],
      },
    });
    if (!route.ok) return { kind: 'failed', reason: failure(`creating the route of "${name}"`, route) };
    const routeId = (route.body as { id: string }).id;
    const synced = await this.changeEuiPairs(call, body.org.id, body.apiKey, routeId, pairs, [], name);
    if (synced) return { kind: 'failed', reason: synced };
    return { kind: 'ready', org: { remembered: { index, name, orgId: body.org.id, apiKey: body.apiKey, routeId }, netId: body.org.netId, block } };
  }

  /** Null when done, else why not. */
  private async changeEuiPairs(call: Call, orgId: string, apiKey: string, routeId: string, add: EuiPair[], remove: EuiPair[], name = orgId): Promise<string | null> {
    for (let i = 0; i < Math.max(add.length, remove.length); i += EUI_PAIRS_PER_REQUEST) {
      const removing = remove.slice(i, i + EUI_PAIRS_PER_REQUEST);
      const body = { add: add.slice(i, i + EUI_PAIRS_PER_REQUEST), ...(removing.length > 0 ? { remove: removing } : {}) };
      const r = await call(removing.length > 0 ? 'orgs.change_eui_pairs' : 'orgs.add_eui_pairs', `/v1/orgs/${orgId}/routes/${routeId}/eui-pairs`, { method: 'POST', apiKey, body });
      if (!r.ok) return `registering the devices of "${name}" failed: ${r.status} ${r.code ?? ''}`.trim();
    }
    return null;
  }
}
