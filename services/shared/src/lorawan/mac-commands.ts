/**
 * LoRaWAN 1.0.x MAC commands as found in FOpts or in an FPort-0 FRMPayload. Commands carry no
 * length byte, so the payload size per CID and direction is what lets us split a list; an unknown
 * CID stops the split (the rest is unreadable), which is reported as malformed.
 */
import { ok, type Result } from '../errors';
import { bytesToHex } from './bytes';
import { malformed } from './malformed';
import type { Direction } from './types';

interface MacCommandSpec {
  name: string;
  payloadBytes: number;
}

// Payload sizes from LoRaWAN 1.0.3 §5 and the Class B commands of 1.0.3 §13.
const UPLINK: Record<number, MacCommandSpec> = {
  0x02: { name: 'LinkCheckReq', payloadBytes: 0 },
  0x03: { name: 'LinkADRAns', payloadBytes: 1 },
  0x04: { name: 'DutyCycleAns', payloadBytes: 0 },
  0x05: { name: 'RXParamSetupAns', payloadBytes: 1 },
  0x06: { name: 'DevStatusAns', payloadBytes: 2 },
  0x07: { name: 'NewChannelAns', payloadBytes: 1 },
  0x08: { name: 'RXTimingSetupAns', payloadBytes: 0 },
  0x09: { name: 'TxParamSetupAns', payloadBytes: 0 },
  0x0a: { name: 'DlChannelAns', payloadBytes: 1 },
  0x0d: { name: 'DeviceTimeReq', payloadBytes: 0 },
  0x10: { name: 'PingSlotInfoReq', payloadBytes: 1 },
  0x11: { name: 'PingSlotChannelAns', payloadBytes: 1 },
  0x12: { name: 'BeaconTimingReq', payloadBytes: 0 },
  0x13: { name: 'BeaconFreqAns', payloadBytes: 1 },
};

const DOWNLINK: Record<number, MacCommandSpec> = {
  0x02: { name: 'LinkCheckAns', payloadBytes: 2 },
  0x03: { name: 'LinkADRReq', payloadBytes: 4 },
  0x04: { name: 'DutyCycleReq', payloadBytes: 1 },
  0x05: { name: 'RXParamSetupReq', payloadBytes: 4 },
  0x06: { name: 'DevStatusReq', payloadBytes: 0 },
  0x07: { name: 'NewChannelReq', payloadBytes: 5 },
  0x08: { name: 'RXTimingSetupReq', payloadBytes: 1 },
  0x09: { name: 'TxParamSetupReq', payloadBytes: 1 },
  0x0a: { name: 'DlChannelReq', payloadBytes: 4 },
  0x0d: { name: 'DeviceTimeAns', payloadBytes: 5 },
  0x10: { name: 'PingSlotInfoAns', payloadBytes: 0 },
  0x11: { name: 'PingSlotChannelReq', payloadBytes: 4 },
  0x12: { name: 'BeaconTimingAns', payloadBytes: 3 },
  0x13: { name: 'BeaconFreqReq', payloadBytes: 3 },
};

export interface MacCommand {
  cid: number;
  name: string;
  payload: string;
  /** Decoded fields for the commands the backend reads (DevStatusAns, LinkADRAns, LinkCheckAns). */
  fields?: Record<string, number | boolean>;
}

function decodeFields(name: string, payload: Uint8Array): Record<string, number | boolean> | undefined {
  const b0 = payload[0] ?? 0;
  switch (name) {
    case 'DevStatusAns':
      // Margin is a 6-bit two's-complement SNR in dB.
      return { battery: b0, marginDb: (((payload[1] ?? 0) & 0x3f) << 26) >> 26 };
    case 'LinkADRAns':
      return { powerAck: (b0 & 0x04) !== 0, dataRateAck: (b0 & 0x02) !== 0, channelMaskAck: (b0 & 0x01) !== 0 };
    case 'LinkCheckAns':
      return { marginDb: b0, gwCnt: payload[1] ?? 0 };
    default:
      return undefined;
  }
}

export function parseMacCommands(bytes: Uint8Array, direction: Direction): Result<MacCommand[]> {
  const table = direction === 'up' ? UPLINK : DOWNLINK;
  const out: MacCommand[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const cid = bytes[offset] ?? 0;
    const spec = table[cid];
    if (!spec) {
      return malformed('bad_mac_command', `unknown ${direction}link MAC command 0x${cid.toString(16).padStart(2, '0')}`, { cid, offset });
    }
    const end = offset + 1 + spec.payloadBytes;
    if (end > bytes.length) {
      return malformed('bad_mac_command', `${spec.name} is truncated`, { cid, offset });
    }
    const payload = bytes.subarray(offset + 1, end);
    const fields = decodeFields(spec.name, payload);
    out.push({ cid, name: spec.name, payload: bytesToHex(payload), ...(fields ? { fields } : {}) });
    offset = end;
  }
  return ok(out);
}
