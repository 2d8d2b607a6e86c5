import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { heliumProto } from '../helium/interop';
import { getRegionPlan } from '../regions/region-plan';
import { beaconRegionPlanFrom, buildBeacon, channelIndexFor, checkBeaconConstruction, compareBeacon, selectDataRate, type BeaconRegionPlan } from './beacon';
import { BEACON_PAYLOAD_BYTES } from './payload';
import {
  HELIUM_BEACON_DATA_RATE,
  HELIUM_BEACON_FREQUENCY_HZ,
  HELIUM_ENTROPY_TIMESTAMP_MS,
  HELIUM_EU868_PARAMS,
  HELIUM_LOCAL_ENTROPY,
  HELIUM_POC_DATA,
  HELIUM_REMOTE_ENTROPY,
} from './helium-fixture.test-data';

/** Maps Helium's encoded region params onto our input interface, the way Helium reads them. */
function planFromHeliumParams(bytes: Uint8Array): BeaconRegionPlan {
  const params = heliumProto.blockchain_region_params_v1.decode(bytes).regionParams;
  const first = params[0]!;
  const bandwidthKhz = Number(first.bandwidth) / 1000;
  const spreadingNames = heliumProto.RegionSpreading as unknown as Record<number, string>;
  return {
    channelsHz: params.map((p) => Number(p.channelFrequency)),
    dataRates: (first.spreading?.taggedSpreading ?? []).map((t) => ({
      name: `${spreadingNames[t.regionSpreading ?? 0]}BW${bandwidthKhz}`,
      maxPayloadBytes: t.maxPacketSize ?? 0,
    })),
  };
}

const EU868 = planFromHeliumParams(HELIUM_EU868_PARAMS);
/** Helium's US915 fixture spreading table (reference §3.2): [25:SF10, 67:SF9, 139:SF8, 256:SF7]. */
const US915_LIKE: BeaconRegionPlan = {
  channelsHz: [903_900_000, 904_100_000, 904_300_000, 904_500_000, 904_700_000, 904_900_000, 905_100_000, 905_300_000],
  dataRates: [
    { name: 'SF10BW125', maxPayloadBytes: 25 },
    { name: 'SF9BW125', maxPayloadBytes: 67 },
    { name: 'SF8BW125', maxPayloadBytes: 139 },
    { name: 'SF7BW125', maxPayloadBytes: 256 },
  ],
};

const heliumRemote = { data: HELIUM_REMOTE_ENTROPY, timestampSec: HELIUM_ENTROPY_TIMESTAMP_MS / 1000 };
const heliumLocal = { data: HELIUM_LOCAL_ENTROPY, timestampSec: 0 };

describe('Helium EU868 region params as a plan', () => {
  it('decodes to the 8 EU868 channels and the SF12/SF9/SF8 table', () => {
    expect(EU868.channelsHz).toEqual([867_100_000, 867_300_000, 867_500_000, 867_700_000, 867_900_000, 868_100_000, 868_300_000, 868_500_000]);
    expect(EU868.dataRates).toEqual([
      { name: 'SF12BW125', maxPayloadBytes: 65 },
      { name: 'SF9BW125', maxPayloadBytes: 129 },
      { name: 'SF8BW125', maxPayloadBytes: 238 },
    ]);
  });
});

describe('beaconRegionPlanFrom', () => {
  it('builds Helium data-rate names from spreading factor and PoC bandwidth, keeping order', () => {
    const plan = beaconRegionPlanFrom({
      pocChannelsHz: [923_200_000, 923_400_000],
      pocBandwidthHz: 125_000,
      pocBeaconSizeLimits: [
        { spreadingFactor: 12, maxPayloadBytes: 65 },
        { spreadingFactor: 9, maxPayloadBytes: 129 },
      ],
    });
    expect(plan).toEqual({
      channelsHz: [923_200_000, 923_400_000],
      dataRates: [
        { name: 'SF12BW125', maxPayloadBytes: 65 },
        { name: 'SF9BW125', maxPayloadBytes: 129 },
      ],
    });
  });
});

describe('buildBeacon', () => {
  it("regenerates Helium's fixture beacon: payload, channel 4 = 867.9 MHz, SF12BW125", () => {
    const beacon = buildBeacon({ remoteEntropy: heliumRemote, localEntropy: heliumLocal, region: EU868 });
    expect(beacon.ok).toBe(true);
    if (!beacon.ok) return;
    expect(Array.from(beacon.value.payload)).toEqual(Array.from(HELIUM_POC_DATA));
    // u16le(28, 153) = 39196; 39196 mod 8 = 4
    expect(beacon.value.channelIndex).toBe(4);
    expect(beacon.value.frequencyHz).toBe(HELIUM_BEACON_FREQUENCY_HZ);
    expect(beacon.value.dataRate).toBe(HELIUM_BEACON_DATA_RATE);
  });

  it('is deterministic and depends on every input', () => {
    const build = (remote = heliumRemote, local = heliumLocal) => {
      const b = buildBeacon({ remoteEntropy: remote, localEntropy: local, region: EU868 });
      if (!b.ok) throw new Error(b.error.code);
      return Buffer.from(b.value.payload).toString('hex');
    };
    const base = build();
    expect(build()).toBe(base);
    const flipped = HELIUM_LOCAL_ENTROPY.slice();
    flipped[0] = flipped[0]! ^ 1;
    expect(build(heliumRemote, { ...heliumLocal, data: flipped })).not.toBe(base);
    expect(build({ ...heliumRemote, timestampSec: heliumRemote.timestampSec + 1 })).not.toBe(base);
    expect(build(heliumRemote, { ...heliumLocal, timestampSec: 1 })).not.toBe(base);
    expect(build({ ...heliumRemote, data: HELIUM_REMOTE_ENTROPY.slice(1) })).not.toBe(base);
  });

  it('accepts entropy versions 0 and 1 with the same result and rejects others', () => {
    const v0 = buildBeacon({ remoteEntropy: { ...heliumRemote, version: 0 }, localEntropy: heliumLocal, region: EU868 });
    const v1 = buildBeacon({ remoteEntropy: { ...heliumRemote, version: 1 }, localEntropy: heliumLocal, region: EU868 });
    expect(v1).toEqual(v0);
    expect(buildBeacon({ remoteEntropy: { ...heliumRemote, version: 2 }, localEntropy: heliumLocal, region: EU868 })).toEqual({
      ok: false,
      error: { code: 'beacon.unsupported_entropy_version', version: 2 },
    });
  });

  it('rejects a region without channels or without a data rate that holds 51 bytes', () => {
    expect(buildBeacon({ remoteEntropy: heliumRemote, localEntropy: heliumLocal, region: { ...EU868, channelsHz: [] } })).toEqual({
      ok: false,
      error: { code: 'beacon.no_channels' },
    });
    const tooSmall = { ...EU868, dataRates: [{ name: 'SF12BW125', maxPayloadBytes: 50 }] };
    expect(buildBeacon({ remoteEntropy: heliumRemote, localEntropy: heliumLocal, region: tooSmall })).toEqual({
      ok: false,
      error: { code: 'beacon.no_data_rate', payloadBytes: 51, largestMaxPayloadBytes: 50 },
    });
  });

  it('picks channel = u16le(payload[0..2]) mod channel count, for many entropies', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const data = new Uint8Array(createHash('sha256').update(`remote-${i}`).digest());
      const b = buildBeacon({ remoteEntropy: { data, timestampSec: 1_700_000_000 + i }, localEntropy: heliumLocal, region: US915_LIKE });
      if (!b.ok) throw new Error(b.error.code);
      const expectedIndex = (b.value.payload[0]! + 256 * b.value.payload[1]!) % 8;
      expect(b.value.channelIndex).toBe(expectedIndex);
      expect(b.value.frequencyHz).toBe(US915_LIKE.channelsHz[expectedIndex]);
      expect(b.value.dataRate).toBe('SF9BW125');
      seen.add(b.value.channelIndex);
    }
    expect(seen.size).toBe(8);
  });
});

describe('channelIndexFor', () => {
  it.each([
    { payload: [0x00, 0x00], count: 8, index: 0 },
    { payload: [0x07, 0x00], count: 8, index: 7 },
    { payload: [0x08, 0x00], count: 8, index: 0 },
    // little-endian: the second byte is the high byte
    { payload: [0x00, 0x01], count: 3, index: 256 % 3 },
    { payload: [0xff, 0xff], count: 72, index: 65535 % 72 },
    { payload: [28, 153], count: 8, index: 4 },
    { payload: [5, 0], count: 1, index: 0 },
  ])('$payload mod $count = $index', ({ payload, count, index }) => {
    expect(channelIndexFor(Uint8Array.from(payload), count)).toBe(index);
  });
});

describe("our regions' PoC channel and beacon data rate (what the verifier rebuilds a beacon with)", () => {
  // selector = u16 little-endian of payload bytes 0-1, modulo the region's PoC channels
  it.each([
    ['EU868', 0, 0, 867_100_000, 'SF12BW125'],
    ['EU868', 5, 0, 868_100_000, 'SF12BW125'],
    ['EU868', 0x07, 0x01, 868_500_000, 'SF12BW125'], // 263 % 8 = 7
    ['US915', 0x01, 0x00, 904_100_000, 'SF9BW125'],
    ['US915', 0x00, 0x01, 903_900_000, 'SF9BW125'], // 256 % 8 = 0: byte 1 is the high byte
    ['IN865', 0x04, 0x00, 865_402_500, 'SF9BW125'], // 4 % 3 = 1
    ['AS923_2', 0x02, 0x00, 921_800_000, 'SF9BW125'],
  ] as const)('%s bytes %d,%d -> %d Hz %s', (region, b0, b1, frequencyHz, dataRate) => {
    const plan = beaconRegionPlanFrom(getRegionPlan(region));
    const payload = new Uint8Array(BEACON_PAYLOAD_BYTES);
    [payload[0], payload[1]] = [b0, b1];
    expect([plan.channelsHz[channelIndexFor(payload, plan.channelsHz.length)], selectDataRate(plan, BEACON_PAYLOAD_BYTES)]).toEqual([frequencyHz, { ok: true, value: dataRate }]);
  });
});

describe('selectDataRate (first in stored order that fits)', () => {
  it.each([
    // Helium beacon/src/region.rs test_select_datarate on the same EU868 params
    { plan: EU868, bytes: 30, name: 'SF12BW125' },
    { plan: EU868, bytes: 90, name: 'SF9BW125' },
    { plan: EU868, bytes: 130, name: 'SF8BW125' },
    { plan: EU868, bytes: 51, name: 'SF12BW125' },
    { plan: US915_LIKE, bytes: 51, name: 'SF9BW125' },
    { plan: US915_LIKE, bytes: 25, name: 'SF10BW125' },
    { plan: US915_LIKE, bytes: 26, name: 'SF9BW125' },
    { plan: US915_LIKE, bytes: 256, name: 'SF7BW125' },
    // stored order wins over speed: a slower rate listed first is chosen if it fits
    { plan: { channelsHz: [1], dataRates: [{ name: 'SF7BW125', maxPayloadBytes: 51 }, { name: 'SF12BW125', maxPayloadBytes: 51 }] }, bytes: 51, name: 'SF7BW125' },
  ])('$bytes bytes -> $name', ({ plan, bytes, name }) => {
    expect(selectDataRate(plan, bytes)).toEqual({ ok: true, value: name });
  });

  it('fails when nothing holds the payload (Helium: 300 bytes in EU868)', () => {
    expect(selectDataRate(EU868, 300)).toEqual({ ok: false, error: { code: 'beacon.no_data_rate', payloadBytes: 300, largestMaxPayloadBytes: 238 } });
    expect(selectDataRate({ channelsHz: [1], dataRates: [] }, 51)).toEqual({
      ok: false,
      error: { code: 'beacon.no_data_rate', payloadBytes: 51, largestMaxPayloadBytes: null },
    });
  });
});

describe('compareBeacon / checkBeaconConstruction', () => {
  const report = {
    localEntropy: HELIUM_LOCAL_ENTROPY,
    remoteEntropy: HELIUM_REMOTE_ENTROPY,
    data: HELIUM_POC_DATA,
    frequencyHz: HELIUM_BEACON_FREQUENCY_HZ,
    datarate: HELIUM_BEACON_DATA_RATE,
  };
  const check = (r = report, timestampSec = heliumRemote.timestampSec) =>
    checkBeaconConstruction({ report: r, remoteEntropyTimestampSec: timestampSec, region: EU868 });

  it("accepts Helium's fixture beacon report", () => {
    const result = check();
    expect(result.ok && result.value.mismatches).toEqual([]);
  });

  it('lists every mismatching field with expected and observed values', () => {
    const tampered = HELIUM_POC_DATA.slice();
    tampered[50] = tampered[50]! ^ 0xff;
    const result = check({ ...report, data: tampered, frequencyHz: 868_100_000, datarate: 'SF9BW125' });
    expect(result.ok && result.value.mismatches).toEqual([
      { field: 'data', expected: Buffer.from(HELIUM_POC_DATA).toString('hex'), observed: Buffer.from(tampered).toString('hex') },
      { field: 'frequencyHz', expected: 867_900_000, observed: 868_100_000 },
      { field: 'dataRate', expected: 'SF12BW125', observed: 'SF9BW125' },
    ]);
  });

  it('flags a beacon built for another entropy window (stored timestamp, not the reporter’s, is used)', () => {
    const result = check(report, heliumRemote.timestampSec + 60);
    expect(result.ok && result.value.mismatches.map((m) => m.field)).toContain('data');
  });

  it('compareBeacon returns nothing for identical beacons', () => {
    const built = buildBeacon({ remoteEntropy: heliumRemote, localEntropy: heliumLocal, region: EU868 });
    if (!built.ok) throw new Error('build failed');
    expect(compareBeacon(built.value, { data: built.value.payload.slice(), frequencyHz: built.value.frequencyHz, datarate: built.value.dataRate })).toEqual([]);
  });
});
