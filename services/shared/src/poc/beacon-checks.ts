/**
 * Beacon checks, in the order Helium's verifier ran them, plus tx_power_too_high which Helium
 * lacked. After any verdict (valid or not) the caller records the beacon's received time as the
 * hotspot's last beacon, so an invalid beacon still uses up its 6 h window.
 */
import { isValidCellHex } from '../geo/h3-cells';
import { maxEirpDbm } from '../regions/region-plan';
import { gainDbiFromX10Truncated, maxConductedTxPowerDbm } from '../rf/link-budget';
import type { BeaconCheckContext, CheckFailure, NamedCheck, Verdict } from './context';
import { firstFailure } from './context';
import type { BeaconInvalidReason } from './reasons';
import { resolveThresholds } from './thresholds';
import { beaconWindowStartMs, entropyExpiry } from './timing';
import { bytesEqual, round3, toHex } from './util';

type BeaconFailure = CheckFailure<BeaconInvalidReason> | null;

export function checkBeaconerFound(ctx: BeaconCheckContext): BeaconFailure {
  return ctx.beaconer ? null : { reason: 'gateway_not_found', details: { side: 'beaconer' } };
}

/** Needs an asserted location that maps to a region: without one there is nothing to prove. */
export function checkBeaconerAsserted(ctx: BeaconCheckContext): BeaconFailure {
  const b = ctx.beaconer;
  if (!b) return null;
  if (b.location !== null && isValidCellHex(b.location) && b.region !== null) return null;
  return { reason: 'not_asserted', details: { side: 'beaconer', location: b.location, region: b.region } };
}

export function checkBeaconerNotDenied(ctx: BeaconCheckContext): BeaconFailure {
  if (!ctx.beaconer?.denied) return null;
  return { reason: 'denied', details: { side: 'beaconer', denylistTag: ctx.denylistTag ?? null } };
}

export function checkBeaconEntropyFresh(ctx: BeaconCheckContext): BeaconFailure {
  const details = entropyExpiry(ctx.beacon.receivedAtMs, ctx.entropyStartMs, resolveThresholds(ctx.thresholds).entropyLifespanMs);
  return details && { reason: 'entropy_expired', details };
}

export function checkBeaconerCapability(ctx: BeaconCheckContext): BeaconFailure {
  const capability = ctx.beaconer?.capability;
  if (capability === undefined || capability === 'full') return null;
  return { reason: 'invalid_capability', details: { side: 'beaconer', capability } };
}

/** One beacon per epoch-aligned window: this beacon's window must come after the last beacon's. */
export function checkBeaconInterval(ctx: BeaconCheckContext): BeaconFailure {
  if (ctx.lastBeaconAtMs === null) return null;
  const { beaconIntervalMs } = resolveThresholds(ctx.thresholds);
  const windowStartMs = beaconWindowStartMs(ctx.beacon.receivedAtMs, beaconIntervalMs);
  const lastWindowStartMs = beaconWindowStartMs(ctx.lastBeaconAtMs, beaconIntervalMs);
  if (windowStartMs > lastWindowStartMs) return null;
  return {
    reason: 'irregular_interval',
    details: {
      receivedAtMs: ctx.beacon.receivedAtMs,
      windowStartMs,
      lastBeaconAtMs: ctx.lastBeaconAtMs,
      lastBeaconWindowStartMs: lastWindowStartMs,
      nextAllowedAtMs: lastWindowStartMs + beaconIntervalMs,
      beaconIntervalMs,
    },
  };
}

/** The reported beacon must be exactly the one the entropies and region produce. */
export function checkBeaconPacket(ctx: BeaconCheckContext): BeaconFailure {
  const expected = ctx.expectedBeacon;
  if (!expected) return { reason: 'invalid_packet', details: { regenerated: false } };
  const reported = ctx.beacon;
  const mismatches: Record<string, { expected: unknown; observed: unknown }> = {};
  if (!bytesEqual(expected.payload, reported.payload)) {
    mismatches.payload = { expected: toHex(expected.payload), observed: toHex(reported.payload) };
  }
  if (expected.frequencyHz !== reported.frequencyHz) {
    mismatches.frequencyHz = { expected: expected.frequencyHz, observed: reported.frequencyHz };
  }
  if (expected.dataRate.toUpperCase() !== reported.dataRate.trim().toUpperCase()) {
    mismatches.dataRate = { expected: expected.dataRate, observed: reported.dataRate };
  }
  if (Object.keys(mismatches).length === 0) return null;
  return { reason: 'invalid_packet', details: { regenerated: true, mismatches } };
}

/** Largest conducted power a beaconer may report: region max EIRP minus its (truncated) antenna gain. */
export function maxBeaconTxPowerDbm(ctx: BeaconCheckContext): number | null {
  const region = ctx.beaconer?.region;
  if (!ctx.beaconer || !region) return null;
  return maxConductedTxPowerDbm(maxEirpDbm(region), gainDbiFromX10Truncated(ctx.beaconer.gainDbiX10));
}

/**
 * Beyond Helium: the self-reported transmit power feeds every witness's RSSI bound, so a beaconer
 * reporting more than its region allows would loosen them all.
 */
export function checkBeaconTxPower(ctx: BeaconCheckContext): BeaconFailure {
  const maxTxPowerDbm = maxBeaconTxPowerDbm(ctx);
  if (maxTxPowerDbm === null || !ctx.beaconer?.region) return null;
  const { txPowerMarginDb } = resolveThresholds(ctx.thresholds);
  if (ctx.beacon.txPowerDbm <= maxTxPowerDbm + txPowerMarginDb) return null;
  return {
    reason: 'tx_power_too_high',
    details: {
      txPowerDbm: ctx.beacon.txPowerDbm,
      maxTxPowerDbm: round3(maxTxPowerDbm),
      maxEirpDbm: maxEirpDbm(ctx.beaconer.region),
      gainDbi: gainDbiFromX10Truncated(ctx.beaconer.gainDbiX10),
      marginDb: txPowerMarginDb,
    },
  };
}

/** The beacon checks in the order they run (names match BEACON_CHECK_ORDER). */
export const BEACON_CHECKS: readonly NamedCheck<BeaconCheckContext, BeaconInvalidReason>[] = [
  { reason: 'gateway_not_found', check: checkBeaconerFound },
  { reason: 'not_asserted', check: checkBeaconerAsserted },
  { reason: 'denied', check: checkBeaconerNotDenied },
  { reason: 'entropy_expired', check: checkBeaconEntropyFresh },
  { reason: 'invalid_capability', check: checkBeaconerCapability },
  { reason: 'irregular_interval', check: checkBeaconInterval },
  { reason: 'invalid_packet', check: checkBeaconPacket },
  { reason: 'tx_power_too_high', check: checkBeaconTxPower },
];

export function verifyBeacon(ctx: BeaconCheckContext): Verdict<BeaconInvalidReason> {
  const failure = firstFailure(BEACON_CHECKS, ctx);
  if (failure) return { valid: false, reason: failure.reason, details: failure.details };
  const { beaconIntervalMs } = resolveThresholds(ctx.thresholds);
  const maxTxPowerDbm = maxBeaconTxPowerDbm(ctx);
  return {
    valid: true,
    details: {
      windowStartMs: beaconWindowStartMs(ctx.beacon.receivedAtMs, beaconIntervalMs),
      entropyAgeMs: ctx.beacon.receivedAtMs - ctx.entropyStartMs,
      txPowerDbm: ctx.beacon.txPowerDbm,
      maxTxPowerDbm: maxTxPowerDbm === null ? null : round3(maxTxPowerDbm),
    },
  };
}
