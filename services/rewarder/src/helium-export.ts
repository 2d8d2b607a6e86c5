/**
 * The epoch in Helium's reward file formats, so tools written for Helium's reward outputs can read
 * ours: one `iot_network_reward_shares_v1.<ms>.gz` file of iot_reward_share records (a
 * gateway_reward per paid hotspot, then the operational_reward) and one
 * `network_reward_manifest_v1.<ms>.gz` file holding a reward_manifest that lists it. Both use
 * Helium's file_store framing: gzip of length-delimited protobuf frames (4-byte big-endian length,
 * then the message), named <prefix>.<timestamp ms>.gz; the timestamp is the epoch end, so the names
 * and bytes are the same every time the epoch is computed.
 *
 * Messages come from @helium/proto as installed (2.2.0). That version's iot_reward_share has no
 * unallocated_reward and its reward_manifest carries no per-share rates, token or price; those
 * exist only in our JSON manifest.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { heliumAddressUtils, heliumProto } from '@cov/shared/helium/interop';
import { BINARY_KEY_BYTES } from '@cov/shared/helium/keys';
import type { RewardManifest } from './reward-manifest';

const { iot_reward_share: IotRewardShare } = heliumProto.poc_lora;
const { reward_manifest: RewardManifestProto } = heliumProto;

export const HELIUM_SHARES_PREFIX = 'iot_network_reward_shares_v1';
export const HELIUM_MANIFEST_PREFIX = 'network_reward_manifest_v1';

export interface ExportFile {
  name: string;
  bytes: Uint8Array;
}

function frame(messages: Uint8Array[]): Uint8Array {
  const total = messages.reduce((n, m) => n + 4 + m.length, 0);
  const out = Buffer.alloc(total);
  let offset = 0;
  for (const m of messages) {
    out.writeUInt32BE(m.length, offset);
    out.set(m, offset + 4);
    offset += 4 + m.length;
  }
  return out;
}

/** Frames of a file_store file (gzip of 4-byte big-endian length-prefixed messages). */
export function readFrames(gz: Uint8Array): Uint8Array[] {
  const raw = gunzipSync(gz);
  const frames: Uint8Array[] = [];
  for (let offset = 0; offset < raw.length; ) {
    if (offset + 4 > raw.length) throw new Error('truncated frame length');
    const length = raw.readUInt32BE(offset);
    if (offset + 4 + length > raw.length) throw new Error('truncated frame');
    frames.push(raw.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  return frames;
}

/**
 * The Helium binary key inside an address. Only the base58check framing is checked: the registry
 * validated every key (curve point included) at onboarding, and repeating the curve check costs
 * ~200 µs per key, over a minute for 400 000 hotspots.
 */
function hotspotKeyOf(address: string): Uint8Array {
  let key: Uint8Array;
  try {
    key = heliumAddressUtils.bs58Version(address) === 0 ? new Uint8Array(heliumAddressUtils.bs58ToBin(address)) : new Uint8Array(0);
  } catch {
    key = new Uint8Array(0);
  }
  if (key.length !== BINARY_KEY_BYTES) throw new Error(`cannot export reward of ${address}: not a Helium ed25519 address`);
  return key;
}

// proto3 leaves zero values out; keeping them out makes our bytes what Helium's encoder writes.
// Amounts within 2^53 go in as numbers: protobufjs parses decimal strings into Longs slowly.
const nonZero = (amount: string): number | string | undefined => {
  if (amount === '0') return undefined;
  const n = Number(amount);
  return Number.isSafeInteger(n) ? n : amount;
};

export function heliumExportFiles(manifest: RewardManifest): ExportFile[] {
  const startPeriod = Math.floor(manifest.startMs / 1000);
  const endPeriod = Math.floor(manifest.endMs / 1000);
  const messages: Uint8Array[] = [];
  for (const h of manifest.hotspots) {
    messages.push(
      IotRewardShare.encode({
        startPeriod,
        endPeriod,
        gatewayReward: { hotspotKey: hotspotKeyOf(h.address), beaconAmount: nonZero(h.beaconAmount), witnessAmount: nonZero(h.witnessAmount), dcTransferAmount: nonZero(h.dataAmount) },
      }).finish(),
    );
  }
  messages.push(IotRewardShare.encode({ startPeriod, endPeriod, operationalReward: { amount: nonZero(manifest.operations) } }).finish());
  const sharesName = `${HELIUM_SHARES_PREFIX}.${manifest.endMs}.gz`;
  const manifestMessage = RewardManifestProto.encode({ writtenFiles: [sharesName], startTimestamp: startPeriod, endTimestamp: endPeriod }).finish();
  return [
    { name: sharesName, bytes: gzipSync(frame(messages)) },
    { name: `${HELIUM_MANIFEST_PREFIX}.${manifest.endMs}.gz`, bytes: gzipSync(frame([manifestMessage])) },
  ];
}
