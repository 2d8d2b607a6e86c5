/**
 * A downlink as a device maker hands it to the router (in its webhook answer or in a POST):
 * the PHYPayload its LNS built, optionally the RX1/RX2 parameters it wants (otherwise the region's
 * defaults) and the TX power. Read from untrusted JSON, so it returns a Result, never throws.
 */
import { AppError, err, ok, type Result } from '@cov/shared/errors';
import { parsePhyPayload } from '@cov/shared/lorawan/phy-payload';
import type { DownlinkKind, WindowOverride } from './rx-windows';

export interface DownlinkRequest {
  payload: Uint8Array;
  kind: DownlinkKind;
  /** A data downlink's DevAddr (display hex); null for a join-accept, whose DevAddr is encrypted. */
  devAddr: string | null;
  rx1: WindowOverride;
  /** null: RX1 only, no RX2 retry. */
  rx2: WindowOverride | null;
  powerDbm?: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function invalid(message: string, field: string): Result<never> {
  return err(new AppError('downlinks.invalid_payload', message, { field }));
}

function readWindow(value: unknown, field: string): Result<WindowOverride> {
  if (value === undefined) return ok({});
  if (!isObj(value)) return invalid(`${field} must be an object`, field);
  const out: WindowOverride = {};
  if (value.delayMs !== undefined) {
    if (typeof value.delayMs !== 'number' || !Number.isInteger(value.delayMs) || value.delayMs < 0 || value.delayMs > 16_000) return invalid(`${field}.delayMs must be 0..16000`, `${field}.delayMs`);
    out.delayMs = value.delayMs;
  }
  if (value.frequencyHz !== undefined) {
    if (typeof value.frequencyHz !== 'number' || !Number.isInteger(value.frequencyHz) || value.frequencyHz < 100_000_000 || value.frequencyHz > 3_000_000_000) {
      return invalid(`${field}.frequencyHz must be an integer number of Hz`, `${field}.frequencyHz`);
    }
    out.frequencyHz = value.frequencyHz;
  }
  if (value.dataRate !== undefined) {
    if (typeof value.dataRate !== 'string' || !/^SF([5-9]|1[0-2])BW(125|250|500)$/.test(value.dataRate)) return invalid(`${field}.dataRate must look like SF9BW125`, `${field}.dataRate`);
    out.dataRate = value.dataRate;
  }
  return ok(out);
}

export function readDownlinkRequest(value: unknown): Result<DownlinkRequest> {
  if (!isObj(value)) return invalid('downlink must be an object', 'downlink');
  if (typeof value.payload !== 'string' || value.payload.length === 0 || !BASE64.test(value.payload)) return invalid('payload must be a base64 PHYPayload', 'payload');
  const payload = new Uint8Array(Buffer.from(value.payload, 'base64'));
  const frame = parsePhyPayload(payload);
  if (!frame.ok) return invalid(`payload is not a LoRaWAN frame: ${frame.error.message}`, 'payload');
  let kind: DownlinkKind;
  let devAddr: string | null = null;
  if (frame.value.kind === 'join_accept') kind = 'join_accept';
  else if (frame.value.kind === 'data' && frame.value.direction === 'down') {
    kind = 'data';
    devAddr = frame.value.devAddr;
  } else return invalid('payload must be a join-accept or a downlink data frame', 'payload');
  const rx1 = readWindow(value.rx1, 'rx1');
  if (!rx1.ok) return rx1;
  let rx2: WindowOverride | null = {};
  if (value.rx2 === null || value.rx2 === false) rx2 = null;
  else {
    const r = readWindow(value.rx2, 'rx2');
    if (!r.ok) return r;
    rx2 = r.value;
  }
  let powerDbm: number | undefined;
  if (value.powerDbm !== undefined) {
    if (typeof value.powerDbm !== 'number' || !Number.isInteger(value.powerDbm) || value.powerDbm < 0 || value.powerDbm > 36) return invalid('powerDbm must be 0..36', 'powerDbm');
    powerDbm = value.powerDbm;
  }
  return ok({ payload, kind, devAddr, rx1: rx1.value, rx2, ...(powerDbm === undefined ? {} : { powerDbm }) });
}
