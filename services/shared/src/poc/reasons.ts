/**
 * Reason codes for invalid beacons and witnesses. These strings are stored with every verdict and
 * shown to owners, so they are a stable contract: add new ones, never rename. Names follow Helium's
 * `invalid_reason` enum where Helium has the same rule.
 */

/** Beacon checks in the order they run; the first failure is the verdict. */
export const BEACON_CHECK_ORDER = [
  'gateway_not_found',
  'not_asserted',
  'denied',
  'entropy_expired',
  'invalid_capability',
  'irregular_interval',
  'invalid_packet',
  'tx_power_too_high',
] as const;
export type BeaconInvalidReason = (typeof BEACON_CHECK_ORDER)[number];

/** The RF and geometry witness checks (the tail of the witness order; explain-witness runs only these). */
export const WITNESS_LINK_CHECK_ORDER = [
  'invalid_frequency',
  'invalid_region',
  'below_min_distance',
  'max_distance_exceeded',
  'bad_rssi',
  'rssi_below_sensitivity',
  'snr_below_floor',
  'invalid_data_rate',
] as const;
export type WitnessLinkInvalidReason = (typeof WITNESS_LINK_CHECK_ORDER)[number];

/** Identity, timing and packet witness checks that run before the link checks. */
export const WITNESS_REPORT_CHECK_ORDER = [
  'duplicate',
  'gateway_not_found',
  'not_asserted',
  'denied',
  'denied_edge',
  'self_witness',
  'entropy_expired',
  'too_late',
  'invalid_packet',
  'invalid_capability',
] as const;
export type WitnessReportInvalidReason = (typeof WITNESS_REPORT_CHECK_ORDER)[number];

/** Every witness check in the order they run; the first failure is the verdict. */
export const WITNESS_CHECK_ORDER = [...WITNESS_REPORT_CHECK_ORDER, ...WITNESS_LINK_CHECK_ORDER] as const;
export type WitnessInvalidReason = (typeof WITNESS_CHECK_ORDER)[number];

/** HIP-106 reciprocity, applied after the per-report checks. */
export const RECIPROCITY_REASONS = ['gateway_no_valid_witnesses', 'gateway_no_valid_beacons'] as const;
export type ReciprocityInvalidReason = (typeof RECIPROCITY_REASONS)[number];

/** Written by the purger, not by a check: a report nobody verified in time. */
export const STALE_REASON = 'stale';

export type PocInvalidReason =
  | BeaconInvalidReason
  | WitnessInvalidReason
  | ReciprocityInvalidReason
  | typeof STALE_REASON;

/** Reasons that exist only here: Helium had no such rule. */
export const BEYOND_HELIUM_REASONS: readonly PocInvalidReason[] = [
  'tx_power_too_high',
  'rssi_below_sensitivity',
  'snr_below_floor',
  'invalid_data_rate',
];

/**
 * Helium's numeric `invalid_reason` (proto `poc_lora.proto`) for each of our reasons, so verdicts
 * can be written in Helium's formats. Null where Helium has no equivalent (then write
 * `reason_none` and keep our string alongside).
 */
export const HELIUM_INVALID_REASON_CODES: Readonly<Record<PocInvalidReason, number | null>> = {
  not_asserted: 2,
  entropy_expired: 3,
  invalid_capability: 5,
  irregular_interval: 7,
  gateway_not_found: 8,
  denied: 9,
  invalid_packet: 10,
  bad_rssi: 11,
  invalid_region: 12,
  max_distance_exceeded: 13,
  invalid_frequency: 14,
  self_witness: 15,
  stale: 16,
  below_min_distance: 19,
  duplicate: 20,
  denied_edge: 21,
  too_late: 22,
  gateway_no_valid_beacons: 23,
  gateway_no_valid_witnesses: 24,
  tx_power_too_high: null,
  rssi_below_sensitivity: null,
  snr_below_floor: null,
  invalid_data_rate: null,
};
