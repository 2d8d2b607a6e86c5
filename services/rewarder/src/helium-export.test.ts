import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { heliumProto } from '@cov/shared/helium/interop';
import { addressFromBinaryKey } from '@cov/shared/helium/keys';
import { heliumExportFiles, readFrames } from './helium-export';
import { sampleManifest } from './testing/sample-manifest';

describe('Helium reward exports', () => {
  const m = sampleManifest().built.manifest;
  const [shares, manifest] = heliumExportFiles(m);

  it('names files like Helium file_store does, stamped with the epoch end', () => {
    expect(shares!.name).toBe(`iot_network_reward_shares_v1.${m.endMs}.gz`);
    expect(manifest!.name).toBe(`network_reward_manifest_v1.${m.endMs}.gz`);
    expect(shares!.name).toMatch(/^([a-z,\d,_]+)\.(\d+)(\.gz)?$/); // Helium's own file-name pattern
  });

  it('writes one gateway_reward per paid hotspot and the operations reward, readable with @helium/proto', () => {
    const records = readFrames(shares!.bytes).map((f) => heliumProto.poc_lora.iot_reward_share.decode(f));
    expect(records).toHaveLength(m.hotspots.length + 1);
    records.slice(0, -1).forEach((r, i) => {
      const h = m.hotspots[i]!;
      const address = addressFromBinaryKey(r.gatewayReward!.hotspotKey!);
      expect(address.ok && address.value).toBe(h.address);
      expect([String(r.gatewayReward!.beaconAmount), String(r.gatewayReward!.witnessAmount), String(r.gatewayReward!.dcTransferAmount)]).toEqual([
        h.beaconAmount,
        h.witnessAmount,
        h.dataAmount,
      ]);
      expect([Number(r.startPeriod), Number(r.endPeriod)]).toEqual([m.startMs / 1000, m.endMs / 1000]);
    });
    expect(String(records.at(-1)!.operationalReward!.amount)).toBe(m.operations);
  });

  it('leaves zero amounts out of the encoding, as proto3 does', () => {
    const i = m.hotspots.findIndex((h) => h.beaconAmount === '0' && h.witnessAmount === '0');
    const h = m.hotspots[i]!;
    const frame = readFrames(shares!.bytes)[i]!;
    const key = heliumProto.poc_lora.iot_reward_share.decode(frame).gatewayReward!.hotspotKey;
    const minimal = heliumProto.poc_lora.iot_reward_share.encode({ startPeriod: m.startMs / 1000, endPeriod: m.endMs / 1000, gatewayReward: { hotspotKey: key, dcTransferAmount: h.dataAmount } }).finish();
    expect(Buffer.from(frame).toString('hex')).toBe(Buffer.from(minimal).toString('hex'));
  });

  it('lists the shares file in the reward_manifest', () => {
    const [frame] = readFrames(manifest!.bytes);
    const decoded = heliumProto.reward_manifest.decode(frame!);
    expect(decoded.writtenFiles).toEqual([shares!.name]);
    expect([Number(decoded.startTimestamp), Number(decoded.endTimestamp)]).toEqual([m.startMs / 1000, m.endMs / 1000]);
  });

  it('is byte-identical every time', () => {
    expect(heliumExportFiles(m).map((f) => Buffer.from(f.bytes).toString('hex'))).toEqual([shares, manifest].map((f) => Buffer.from(f!.bytes).toString('hex')));
  });

  it('refuses to export an address that is not a Helium ed25519 address', () => {
    const bad = { ...m, hotspots: [{ ...m.hotspots[0]!, address: 'not-an-address' }] };
    expect(() => heliumExportFiles(bad)).toThrow(/not a Helium ed25519 address/);
  });

  it('refuses truncated frames', () => {
    expect(() => readFrames(gzipSync(Buffer.from([0, 0, 0, 9, 1, 2])))).toThrow(/truncated/);
  });
});
