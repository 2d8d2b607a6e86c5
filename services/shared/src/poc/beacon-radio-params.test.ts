import { describe, expect, it } from 'vitest';
import { BEACON_PAYLOAD_BYTES, beaconRadioParams, expectedBeaconFromPayload } from './beacon-radio-params';

const payloadStartingWith = (b0: number, b1: number) => {
  const p = new Uint8Array(BEACON_PAYLOAD_BYTES);
  p[0] = b0;
  p[1] = b1;
  return p;
};

describe('beaconRadioParams', () => {
  it.each([
    // selector = u16 little-endian of bytes 0-1, modulo the 8 channels
    ['EU868', 0, 0, 867_100_000, 'SF12BW125'],
    ['EU868', 5, 0, 868_100_000, 'SF12BW125'],
    ['EU868', 0x07, 0x01, 868_500_000, 'SF12BW125'], // 263 % 8 = 7
    ['US915', 0x01, 0x00, 904_100_000, 'SF9BW125'],
    ['US915', 0x00, 0x01, 903_900_000, 'SF9BW125'], // 256 % 8 = 0: byte 1 is the high byte
    ['IN865', 0x04, 0x00, 865_402_500, 'SF9BW125'], // 4 % 3 = 1
    ['AS923_2', 0x02, 0x00, 921_800_000, 'SF9BW125'],
  ] as const)('%s bytes %d,%d -> %d Hz %s', (region, b0, b1, frequencyHz, dataRate) => {
    expect(beaconRadioParams(region, payloadStartingWith(b0, b1))).toEqual({ frequencyHz, dataRate });
  });

  it('rejects payloads it cannot place', () => {
    expect(beaconRadioParams('EU868', new Uint8Array(1))).toBeNull();
    expect(beaconRadioParams('EU868', new Uint8Array(239))).toBeNull();
  });

  it('expectedBeaconFromPayload keeps the payload', () => {
    const payload = payloadStartingWith(3, 0);
    expect(expectedBeaconFromPayload('EU868', payload)).toEqual({ payload, frequencyHz: 867_700_000, dataRate: 'SF12BW125' });
  });
});
