/**
 * A real beacon from Helium's own test suite, used as the known answer for beacon construction.
 *
 * Source: helium/oracles, iot_verifier/tests/integrations/common/mod.rs (commit 0b06e70c),
 * constants LOCAL_ENTROPY, REMOTE_ENTROPY, POC_DATA, ENTROPY_TIMESTAMP (ms; the verifier hashes
 * it as whole seconds) and EU868_PARAMS; `create_valid_beacon_report` in the same file reports
 * this beacon at 867 900 000 Hz with SF12BW125, and the runner tests verify it as a valid beacon,
 * i.e. Helium's `Beacon::new` regenerates exactly these values. EU868_PARAMS is the encoded
 * `blockchain_region_params_v1` also used by helium/proto beacon/src/region.rs's tests.
 */
export const HELIUM_LOCAL_ENTROPY = Uint8Array.from([233, 70, 25, 176]);

export const HELIUM_REMOTE_ENTROPY = Uint8Array.from([
  182, 170, 63, 128, 217, 53, 95, 19, 157, 153, 134, 38, 184, 209, 255, 23, 118, 205, 163, 106, 225, 26, 16, 0, 106, 141,
  81, 101, 70, 39, 107, 9,
]);

export const HELIUM_ENTROPY_TIMESTAMP_MS = 1_677_163_710_000;

export const HELIUM_POC_DATA = Uint8Array.from([
  28, 153, 18, 65, 96, 232, 59, 146, 134, 125, 99, 12, 175, 76, 158, 210, 28, 253, 146, 59, 187, 203, 122, 146, 49, 241,
  156, 148, 74, 246, 68, 17, 8, 212, 48, 6, 152, 58, 221, 158, 186, 101, 37, 59, 135, 126, 18, 72, 244, 65, 174,
]);

export const HELIUM_BEACON_FREQUENCY_HZ = 867_900_000;
export const HELIUM_BEACON_DATA_RATE = 'SF12BW125';

/** Encoded `blockchain_region_params_v1`: 8 channels, 125 kHz, max EIRP 161, spreading [SF12:65, SF9:129, SF8:238]. */
export const HELIUM_EU868_PARAMS = Buffer.from(
  '0a2308e0cabb9d0310c8d00718a10122140a04080610410a0508031081010a05080210ee01' +
  '0a2308a0e5c79d0310c8d00718a10122140a04080610410a0508031081010a05080210ee01' +
  '0a2308e0ffd39d0310c8d00718a10122140a04080610410a0508031081010a05080210ee01' +
  '0a2308a09ae09d0310c8d00718a10122140a04080610410a0508031081010a05080210ee01' +
  '0a2308e0b4ec9d0310c8d00718a10122140a04080610410a0508031081010a05080210ee01' +
  '0a2308a0cff89d0310c8d00718a10122140a04080610410a0508031081010a05080210ee01' +
  '0a2308e0e9849e0310c8d00718a10122140a04080610410a0508031081010a05080210ee01' +
  '0a2308a084919e0310c8d00718a10122140a04080610410a0508031081010a05080210ee01',
  'hex',
);
