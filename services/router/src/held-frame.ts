/**
 * What the dedup window keeps of an uplink's LoRaWAN frame while the window is open: the few
 * fields routing and billing read, and the PHYPayload as the base64 text the first copy already
 * carries (so it costs nothing more). A parsed frame with its byte arrays is about 1 KB of heap;
 * every packet in an open window survives a young-generation collection, so at 2,000 packets/s
 * with a 200 ms window the parsed frames alone made each collection copy about 0.4 MB more,
 * lengthening the pauses that set the router's latency tail. The full frame is parsed again only
 * where it is needed after the window: session-key filters (MIC check) and webhook messages.
 */
import { parsePhyPayload } from '@cov/shared/lorawan/phy-payload';
import type { DataFrame } from '@cov/shared/lorawan/types';
import type { RoutedFrame } from './forwarding/webhook-message';

export interface HeldDataFrame {
  kind: 'data';
  devAddr: string;
  fCnt: number;
  fPort: number | null;
  /** FRMPayload bytes. */
  payloadBytes: number;
  /** The PHYPayload, base64, as the first copy's rxpk carried it. */
  phyBase64: string;
}

export interface HeldJoinRequest {
  kind: 'join_request';
  joinEui: string;
  devEui: string;
  phyBase64: string;
}

export type HeldFrame = HeldDataFrame | HeldJoinRequest;

/** The held form of a frame the pipeline has already parsed and accepted as an uplink. */
export function holdFrame(frame: RoutedFrame, phyBase64: string): HeldFrame {
  return frame.kind === 'data'
    ? { kind: 'data', devAddr: frame.devAddr, fCnt: frame.fCnt, fPort: frame.fPort, payloadBytes: frame.frmPayload.length, phyBase64 }
    : { kind: 'join_request', joinEui: frame.joinEui, devEui: frame.devEui, phyBase64 };
}

/** The full frame again. The bytes parsed once already, so failing here is a bug, not bad input. */
export function fullFrame(held: HeldDataFrame): DataFrame;
export function fullFrame(held: HeldFrame): RoutedFrame;
export function fullFrame(held: HeldFrame): RoutedFrame {
  const parsed = parsePhyPayload(Buffer.from(held.phyBase64, 'base64'));
  if (!parsed.ok || parsed.value.kind !== held.kind) throw new Error(`held ${held.kind} frame no longer parses as one`);
  return parsed.value as RoutedFrame;
}
