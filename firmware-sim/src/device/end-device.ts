/**
 * A LoRaWAN 1.0.x class A end device, as its firmware would behave: OTAA join (join-request with its
 * AES-CMAC MIC under AppKey; the join-accept decrypted and its MIC checked; session keys derived),
 * then data uplinks with the FRMPayload encrypted under AppSKey, the MIC under NwkSKey, FCnt
 * increasing by one per new uplink; downlinks are accepted only with a valid MIC and a FCnt above
 * the last one, and a confirmed downlink is acknowledged on the next uplink. Pure state: no radio,
 * no clock; the simulation decides when frames go out and what the device hears.
 */
import { AppError, err, ok, type Result } from '@cov/shared/errors';
import { buildDataFrame } from '@cov/shared/lorawan/frame-builder';
import { decryptFrmPayload } from '@cov/shared/lorawan/frm-payload';
import { buildJoinRequest, decryptJoinAccept, rx1DelaySeconds } from '@cov/shared/lorawan/join';
import { verifyDataMic } from '@cov/shared/lorawan/mic';
import { parsePhyPayload } from '@cov/shared/lorawan/phy-payload';
import { deriveSessionKeys10 } from '@cov/shared/lorawan/session-keys';
import type { SessionKeys } from '@cov/shared/lorawan/types';

export interface DeviceIdentity {
  devEui: string;
  joinEui: string;
  appKey: Uint8Array;
}

export interface DeviceSession extends SessionKeys {
  devAddr: string;
  netId: string;
  rx1DelayS: number;
  rx1DrOffset: number;
  rx2DataRate: number;
}

export type DownlinkOutcome =
  | { kind: 'join_accepted'; session: DeviceSession }
  | { kind: 'data'; fCnt: number; fPort: number | null; payload: Uint8Array; ack: boolean; confirmed: boolean }
  | { kind: 'ignored'; reason: string };

export interface Uplink {
  phyPayload: Uint8Array;
  fCnt: number;
  confirmed: boolean;
}

export class EndDevice {
  session: DeviceSession | null = null;
  /** Next uplink frame counter (32-bit; the low 16 bits go on air). */
  fCntUp = 0;
  /** Last downlink frame counter accepted, -1 before the first. */
  fCntDown = -1;
  private devNonce: number;
  private pendingJoinNonce: number | null = null;
  /** A confirmed downlink arrived: the next uplink carries ACK. */
  private ackPending = false;
  /** The last confirmed uplink still waits for its ACK. */
  awaitingAck = false;

  constructor(
    readonly identity: DeviceIdentity,
    firstDevNonce: number,
  ) {
    this.devNonce = firstDevNonce & 0xffff;
  }

  get joined(): boolean {
    return this.session !== null;
  }

  /**
   * A new join-request. DevNonce increments per attempt (LoRaWAN 1.0.4 makes it a counter, and a
   * network server refuses a DevNonce it has seen, so a retry must never reuse one).
   */
  joinRequest(): Result<{ phyPayload: Uint8Array; devNonce: number }> {
    const devNonce = this.devNonce;
    this.devNonce = (this.devNonce + 1) & 0xffff;
    const built = buildJoinRequest({ joinEui: this.identity.joinEui, devEui: this.identity.devEui, devNonce }, this.identity.appKey);
    if (!built.ok) return built;
    this.pendingJoinNonce = devNonce;
    return ok({ phyPayload: built.value, devNonce });
  }

  /** A data uplink; confirmed ones keep asking for an ACK until a downlink brings it. */
  uplink(input: { payload: Uint8Array; fPort: number; confirmed: boolean }): Result<Uplink> {
    if (!this.session) return err(new AppError('request.invalid', 'the device has not joined yet'));
    const fCnt = this.fCntUp;
    const built = buildDataFrame(
      {
        mtype: input.confirmed ? 'ConfirmedDataUp' : 'UnconfirmedDataUp',
        devAddr: this.session.devAddr,
        fCnt,
        fCtrl: { adr: false, ack: this.ackPending },
        fPort: input.fPort,
        payload: input.payload,
      },
      this.session,
    );
    if (!built.ok) return built;
    this.fCntUp = (this.fCntUp + 1) >>> 0;
    this.ackPending = false;
    this.awaitingAck = input.confirmed;
    return ok({ phyPayload: built.value, fCnt, confirmed: input.confirmed });
  }

  /** Something arrived in a receive window. */
  receive(phyPayload: Uint8Array): DownlinkOutcome {
    const parsed = parsePhyPayload(phyPayload);
    if (!parsed.ok) return { kind: 'ignored', reason: `unparseable: ${parsed.error.message}` };
    const frame = parsed.value;
    if (frame.kind === 'join_accept') return this.acceptJoin(frame);
    if (frame.kind !== 'data' || frame.direction !== 'down') return { kind: 'ignored', reason: `not a downlink (${frame.kind})` };
    if (!this.session) return { kind: 'ignored', reason: 'not joined' };
    if (frame.devAddr !== this.session.devAddr) return { kind: 'ignored', reason: 'another DevAddr' };
    // The frame carries 16 bits: try the current high half (a replay verifies there), then the next.
    const currentHigh = this.fCntDown < 0 ? 0 : this.fCntDown >>> 16;
    const high16 = [currentHigh, currentHigh + 1].find((h) => verifyDataMic(this.session!.nwkSKey, frame, h));
    if (high16 === undefined) return { kind: 'ignored', reason: 'bad MIC' };
    const fCnt32 = ((high16 << 16) | frame.fCnt) >>> 0;
    if (this.fCntDown >= 0 && fCnt32 <= this.fCntDown) return { kind: 'ignored', reason: 'replayed FCnt' };
    this.fCntDown = fCnt32;
    const payload = frame.fPort === null ? new Uint8Array(0) : (decryptFrmPayload(frame, this.session, high16) ?? new Uint8Array(0));
    if (frame.fCtrl.ack) this.awaitingAck = false;
    if (frame.confirmed) this.ackPending = true;
    return { kind: 'data', fCnt: fCnt32, fPort: frame.fPort, payload, ack: frame.fCtrl.ack, confirmed: frame.confirmed };
  }

  private acceptJoin(frame: Parameters<typeof decryptJoinAccept>[0]): DownlinkOutcome {
    if (this.pendingJoinNonce === null) return { kind: 'ignored', reason: 'no join pending' };
    const decrypted = decryptJoinAccept(frame, this.identity.appKey);
    if (!decrypted.ok) return { kind: 'ignored', reason: `join-accept: ${decrypted.error.message}` };
    if (!decrypted.value.micValid) return { kind: 'ignored', reason: 'join-accept MIC' };
    const keys = deriveSessionKeys10(this.identity.appKey, {
      joinNonce: decrypted.value.joinNonce,
      netId: decrypted.value.netId,
      devNonce: this.pendingJoinNonce,
    });
    if (!keys.ok) return { kind: 'ignored', reason: keys.error.message };
    this.session = {
      ...keys.value,
      devAddr: decrypted.value.devAddr,
      netId: decrypted.value.netId,
      rx1DelayS: rx1DelaySeconds(decrypted.value.rxDelay),
      rx1DrOffset: decrypted.value.dlSettings.rx1DrOffset,
      rx2DataRate: decrypted.value.dlSettings.rx2DataRate,
    };
    this.pendingJoinNonce = null;
    this.fCntUp = 0;
    this.fCntDown = -1;
    this.ackPending = false;
    this.awaitingAck = false;
    return { kind: 'join_accepted', session: this.session };
  }
}
