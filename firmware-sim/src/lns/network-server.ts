/**
 * The device maker's own LoRaWAN network server, in miniature: the simulator plays the device
 * maker, so it also answers its devices. It handles OTAA joins (checks the join-request MIC,
 * refuses a DevNonce it has seen, allocates a DevAddr from the organisation's block, answers with
 * an encrypted join-accept), verifies and decrypts uplinks (MIC under NwkSKey, frame counter
 * guessing the high 16 bits), and answers confirmed uplinks with an ACK downlink, plus now and then
 * an application downlink so devices exercise their receive path. Pure logic, no I/O.
 */
import { buildDataFrame } from '@cov/shared/lorawan/frame-builder';
import { decryptFrmPayload } from '@cov/shared/lorawan/frm-payload';
import { buildJoinAccept } from '@cov/shared/lorawan/join';
import { verifyDataMic, verifyJoinRequestMic } from '@cov/shared/lorawan/mic';
import { formatDevAddr } from '@cov/shared/lorawan/netid';
import { parsePhyPayload } from '@cov/shared/lorawan/phy-payload';
import { deriveSessionKeys10 } from '@cov/shared/lorawan/session-keys';
import type { SessionKeys } from '@cov/shared/lorawan/types';
import type { SeededRandom } from '../random/seeded-random';

export interface ProvisionedDevice {
  devEui: string;
  joinEui: string;
  appKey: Uint8Array;
}

export interface NetworkServerOptions {
  netId: string;
  /** DevAddr block of the organisation, inclusive, as unsigned numbers. */
  devAddrStart: number;
  devAddrEnd: number;
  rx1DelayS: number;
  rx2DataRate: number;
  /** Share of uplinks answered with an application downlink even when not confirmed. */
  appDownlinkShare: number;
}

interface Session extends SessionKeys {
  devEui: string;
  devAddr: string;
  lastFCntUp: number;
  fCntDown: number;
}

export type NetworkServerAnswer =
  | { kind: 'join_accept'; devEui: string; devAddr: string; phyPayload: Uint8Array; delayS: number }
  | { kind: 'uplink'; devEui: string; fCnt: number; fPort: number | null; payload: Uint8Array; confirmed: boolean; downlink: Uint8Array | null; delayS: number }
  | { kind: 'rejected'; reason: string };

/** How many frame-counter high halves to try when a frame only carries the low 16 bits. */
const FCNT_HIGH_GUESSES = 2;

export class MiniNetworkServer {
  private readonly devicesByEui = new Map<string, ProvisionedDevice>();
  private readonly usedDevNonces = new Map<string, Set<number>>();
  private readonly joinNonces = new Map<string, number>();
  private readonly sessionsByAddr = new Map<string, Session[]>();
  private readonly sessionByEui = new Map<string, Session>();
  private nextDevAddr: number;

  constructor(
    devices: readonly ProvisionedDevice[],
    private readonly options: NetworkServerOptions,
    private readonly rng: SeededRandom,
  ) {
    for (const d of devices) this.devicesByEui.set(d.devEui.toLowerCase(), d);
    this.nextDevAddr = options.devAddrStart;
  }

  handle(phyPayload: Uint8Array): NetworkServerAnswer {
    const parsed = parsePhyPayload(phyPayload);
    if (!parsed.ok) return { kind: 'rejected', reason: parsed.error.message };
    const frame = parsed.value;
    if (frame.kind === 'join_request') return this.join(frame);
    if (frame.kind === 'data' && frame.direction === 'up') return this.uplink(frame);
    return { kind: 'rejected', reason: `unexpected ${frame.kind}` };
  }

  private join(frame: Extract<ReturnType<typeof parsePhyPayload>, { ok: true }>['value'] & { kind: 'join_request' }): NetworkServerAnswer {
    const device = this.devicesByEui.get(frame.devEui);
    if (!device || device.joinEui.toLowerCase() !== frame.joinEui) return { kind: 'rejected', reason: 'unknown device' };
    if (!verifyJoinRequestMic(device.appKey, frame)) return { kind: 'rejected', reason: 'join-request MIC' };
    const used = this.usedDevNonces.get(frame.devEui) ?? new Set<number>();
    if (used.has(frame.devNonce)) return { kind: 'rejected', reason: 'DevNonce replayed' };
    used.add(frame.devNonce);
    this.usedDevNonces.set(frame.devEui, used);
    const joinNonce = ((this.joinNonces.get(frame.devEui) ?? 0) + 1) & 0xffffff;
    this.joinNonces.set(frame.devEui, joinNonce);
    const devAddr = formatDevAddr(this.allocateDevAddr());
    const keys = deriveSessionKeys10(device.appKey, { joinNonce, netId: this.options.netId, devNonce: frame.devNonce });
    if (!keys.ok) return { kind: 'rejected', reason: keys.error.message };
    const accept = buildJoinAccept(
      { joinNonce, netId: this.options.netId, devAddr, dlSettings: { rx1DrOffset: 0, rx2DataRate: this.options.rx2DataRate }, rxDelay: this.options.rx1DelayS },
      device.appKey,
    );
    if (!accept.ok) return { kind: 'rejected', reason: accept.error.message };
    const previous = this.sessionByEui.get(frame.devEui);
    if (previous) this.forget(previous);
    const session: Session = { ...keys.value, devEui: frame.devEui, devAddr, lastFCntUp: -1, fCntDown: 0 };
    this.sessionByEui.set(frame.devEui, session);
    this.sessionsByAddr.set(devAddr, [...(this.sessionsByAddr.get(devAddr) ?? []), session]);
    return { kind: 'join_accept', devEui: frame.devEui, devAddr, phyPayload: accept.value, delayS: 5 };
  }

  private uplink(frame: Extract<ReturnType<typeof parsePhyPayload>, { ok: true }>['value'] & { kind: 'data' }): NetworkServerAnswer {
    // Several devices may share a DevAddr; the MIC tells which one sent the frame.
    for (const session of this.sessionsByAddr.get(frame.devAddr) ?? []) {
      const baseHigh = session.lastFCntUp < 0 ? 0 : session.lastFCntUp >>> 16;
      for (let k = 0; k < FCNT_HIGH_GUESSES; k++) {
        const high16 = baseHigh + k;
        if (!verifyDataMic(session.nwkSKey, frame, high16)) continue;
        const fCnt = ((high16 << 16) | frame.fCnt) >>> 0;
        if (fCnt <= session.lastFCntUp) return { kind: 'rejected', reason: 'FCnt replayed' };
        session.lastFCntUp = fCnt;
        const payload = frame.fPort === null ? new Uint8Array(0) : (decryptFrmPayload(frame, session, high16) ?? new Uint8Array(0));
        const appDownlink = this.rng.chance(this.options.appDownlinkShare);
        const downlink = frame.confirmed || appDownlink ? this.downlink(session, frame.confirmed, appDownlink) : null;
        return { kind: 'uplink', devEui: session.devEui, fCnt, fPort: frame.fPort, payload, confirmed: frame.confirmed, downlink, delayS: this.options.rx1DelayS };
      }
    }
    return { kind: 'rejected', reason: 'no session matches the MIC' };
  }

  private downlink(session: Session, ack: boolean, withPayload: boolean): Uint8Array | null {
    const fCnt = session.fCntDown;
    const built = buildDataFrame(
      {
        mtype: 'UnconfirmedDataDown',
        devAddr: session.devAddr,
        fCnt,
        fCtrl: { ack },
        ...(withPayload ? { fPort: 10, payload: this.rng.bytes(4) } : {}),
      },
      session,
    );
    if (!built.ok) return null;
    session.fCntDown = (session.fCntDown + 1) >>> 0;
    return built.value;
  }

  private allocateDevAddr(): number {
    const addr = this.nextDevAddr;
    this.nextDevAddr = addr >= this.options.devAddrEnd ? this.options.devAddrStart : addr + 1;
    return addr >>> 0;
  }

  private forget(session: Session): void {
    const list = (this.sessionsByAddr.get(session.devAddr) ?? []).filter((s) => s !== session);
    if (list.length > 0) this.sessionsByAddr.set(session.devAddr, list);
    else this.sessionsByAddr.delete(session.devAddr);
  }
}
