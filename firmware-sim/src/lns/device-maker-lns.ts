/**
 * All of the simulated device makers' network servers behind one door: a join-request goes to the
 * organisation whose JoinEUI it names, a data uplink to the organisation whose DevAddr block holds
 * its DevAddr. The live target serves this over HTTP for the router; the dry target calls it
 * directly.
 */
import { parseDevAddr } from '@cov/shared/lorawan/netid';
import { parsePhyPayload } from '@cov/shared/lorawan/phy-payload';
import type { SeededRandom } from '../random/seeded-random';
import type { OrgSetup } from '../scenario/target';
import type { SimDevice } from '../world/devices';
import { MiniNetworkServer, type NetworkServerAnswer } from './network-server';

export interface LnsHandler {
  handle(phyPayload: Uint8Array): NetworkServerAnswer;
}

export class DeviceMakerLns implements LnsHandler {
  private readonly servers: { joinEui: string; start: number; end: number; server: MiniNetworkServer }[] = [];

  constructor(devicesByOrg: SimDevice[][], setup: OrgSetup, options: { rx1DelayS: number; rx2DataRate: number; appDownlinkShare: number }, rng: SeededRandom) {
    devicesByOrg.forEach((devices, org) => {
      const block = setup.devAddrBlocks[org];
      if (!block || devices.length === 0) return;
      this.servers.push({
        joinEui: devices[0]!.joinEui,
        start: block.start,
        end: block.end,
        server: new MiniNetworkServer(
          devices,
          { netId: setup.netId, devAddrStart: block.start, devAddrEnd: block.end, ...options },
          rng.fork(`lns/${org}`),
        ),
      });
    });
  }

  handle(phyPayload: Uint8Array): NetworkServerAnswer {
    const frame = parsePhyPayload(phyPayload);
    if (!frame.ok) return { kind: 'rejected', reason: frame.error.message };
    if (frame.value.kind === 'join_request') {
      const joinEui = frame.value.joinEui;
      const org = this.servers.find((s) => s.joinEui === joinEui);
      return org ? org.server.handle(phyPayload) : { kind: 'rejected', reason: 'no organisation has this JoinEUI' };
    }
    if (frame.value.kind === 'data') {
      const addr = parseDevAddr(frame.value.devAddr);
      const org = addr === null ? undefined : this.servers.find((s) => addr >= s.start && addr <= s.end);
      return org ? org.server.handle(phyPayload) : { kind: 'rejected', reason: 'DevAddr outside every organisation block' };
    }
    return { kind: 'rejected', reason: `not routed: ${frame.value.kind}` };
  }
}
