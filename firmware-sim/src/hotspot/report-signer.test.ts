import { describe, expect, it } from 'vitest';
import { keypairFromLabel } from '@cov/shared/helium/keys';
import { signBeaconReport, signWitnessReport, verifyBeaconReportSignature, verifyWitnessReportSignature } from '@cov/shared/helium/reports';
import { signBeaconReportFast, signWitnessReportFast } from './report-signer';

const kp = keypairFromLabel('sim/test/hotspot/1');

describe('native report signing', () => {
  it('gives byte-identical signatures to the shared signer, which verify', () => {
    const beacon = {
      pubKeyBinary: kp.binaryKey,
      localEntropy: Uint8Array.of(1, 2, 3, 4),
      remoteEntropy: new Uint8Array(32).fill(7),
      data: new Uint8Array(51).fill(9),
      frequencyHz: 904_300_000,
      channel: 0,
      datarate: 'SF9BW125' as const,
      txPowerDbm: 27,
      timestampNs: 1_735_689_600_000_000_000n,
      tmst: 123_456,
    };
    const fast = signBeaconReportFast(beacon, kp.secretKey);
    expect(Buffer.from(fast.signature).toString('hex')).toBe(Buffer.from(signBeaconReport(beacon, kp.secretKey).signature).toString('hex'));
    expect(verifyBeaconReportSignature(fast).ok).toBe(true);

    const witness = {
      pubKeyBinary: kp.binaryKey,
      data: new Uint8Array(51).fill(9),
      timestampNs: 1_735_689_600_100_000_000n,
      tmst: 42,
      signalDbmX10: -1080,
      snrDbX10: -35,
      frequencyHz: 904_300_100,
      datarate: 'SF9BW125' as const,
    };
    const fastW = signWitnessReportFast(witness, kp.secretKey);
    expect(Buffer.from(fastW.signature).toString('hex')).toBe(Buffer.from(signWitnessReport(witness, kp.secretKey).signature).toString('hex'));
    expect(verifyWitnessReportSignature(fastW).ok).toBe(true);
  });
});
