/**
 * A beacon and a witness report with awkward but valid field values (a 4-byte local entropy, a
 * uint32 tmst near its top, negative signal and SNR, nanosecond timestamps), signed-report tests'
 * common inputs. Keys come from `labelPrefix`, so each test file has its own hotspots.
 */
import { keypairFromLabel, type Keypair } from '../keys';
import type { UnsignedBeaconReport, UnsignedWitnessReport } from '../reports';

export interface SampleReports {
  beaconer: Keypair;
  witness: Keypair;
  unsignedBeacon: UnsignedBeaconReport;
  unsignedWitness: UnsignedWitnessReport;
}

export function sampleReports(labelPrefix: string): SampleReports {
  const beaconer = keypairFromLabel(`${labelPrefix}/beaconer`);
  const witness = keypairFromLabel(`${labelPrefix}/witness`);
  return {
    beaconer,
    witness,
    unsignedBeacon: {
      pubKeyBinary: beaconer.binaryKey,
      localEntropy: Uint8Array.from([233, 70, 25, 176]),
      remoteEntropy: new Uint8Array(32).fill(0xab),
      data: Uint8Array.from({ length: 51 }, (_, i) => i),
      frequencyHz: 867_900_000,
      channel: 0,
      datarate: 'SF12BW125',
      txPowerDbm: 14,
      timestampNs: 1_677_163_710_123_456_789n,
      tmst: 4_000_000_000,
    },
    unsignedWitness: {
      pubKeyBinary: witness.binaryKey,
      data: Uint8Array.from({ length: 51 }, (_, i) => i),
      timestampNs: 1_677_163_710_200_000_000n,
      tmst: 123_456,
      signalDbmX10: -1080,
      snrDbX10: -75,
      frequencyHz: 867_900_032,
      datarate: 'SF9BW125',
    },
  };
}
