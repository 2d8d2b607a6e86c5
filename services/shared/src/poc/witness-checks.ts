/**
 * Witness checks in Helium's order (duplicate first, then identity, timing and packet checks),
 * followed by the RF and geometry link checks of witness-link-checks.ts.
 */
import { isValidCellHex } from '../geo/h3-cells';
import type { CheckFailure, HotspotInfo, NamedCheck, Verdict, WitnessCheckContext, WitnessLinkContext } from './context';
import { firstFailure } from './context';
import type { WitnessInvalidReason, WitnessReportInvalidReason } from './reasons';
import { resolveThresholds } from './thresholds';
import { entropyExpiry } from './timing';
import { bytesEqual } from './util';
import { WITNESS_LINK_CHECKS, describeWitnessLink, measureLink, type MeasuredLink } from './witness-link-checks';

type ReportFailure = CheckFailure<WitnessReportInvalidReason> | null;

const isAsserted = (h: HotspotInfo): boolean => h.location !== null && isValidCellHex(h.location) && h.region !== null;

/** Only the first report per gateway and beacon counts; the caller tracks which gateways it has seen. */
export function checkWitnessNotDuplicate(ctx: WitnessCheckContext): ReportFailure {
  return ctx.isDuplicate ? { reason: 'duplicate', details: {} } : null;
}

export function checkWitnessFound(ctx: WitnessCheckContext): ReportFailure {
  return ctx.witnessHotspot ? null : { reason: 'gateway_not_found', details: { side: 'witness' } };
}

/** Both ends need an asserted location that maps to a region; the witness is looked at first. */
export function checkWitnessAsserted(ctx: WitnessCheckContext): ReportFailure {
  const w = ctx.witnessHotspot;
  if (w && !isAsserted(w)) {
    return { reason: 'not_asserted', details: { side: 'witness', location: w.location, region: w.region } };
  }
  const b = ctx.beaconer;
  if (!b || !isAsserted(b)) {
    return {
      reason: 'not_asserted',
      details: { side: 'beaconer', location: b?.location ?? null, region: b?.region ?? null },
    };
  }
  return null;
}

export function checkWitnessNotDenied(ctx: WitnessCheckContext): ReportFailure {
  if (!ctx.witnessHotspot?.denied) return null;
  return { reason: 'denied', details: { side: 'witness', denylistTag: ctx.denylistTag ?? null } };
}

/** The denylist can also ban a pair (in either direction) without banning either hotspot. */
export function checkEdgeNotDenied(ctx: WitnessCheckContext): ReportFailure {
  if (!ctx.edgeDenied) return null;
  return { reason: 'denied_edge', details: { denylistTag: ctx.denylistTag ?? null } };
}

export function checkNotSelfWitness(ctx: WitnessCheckContext): ReportFailure {
  if (!ctx.witnessHotspot || !ctx.beaconer || ctx.witnessHotspot.pubKey !== ctx.beaconer.pubKey) return null;
  return { reason: 'self_witness', details: {} };
}

export function checkWitnessEntropyFresh(ctx: WitnessCheckContext): ReportFailure {
  const details = entropyExpiry(ctx.witness.receivedAtMs, ctx.entropyStartMs, resolveThresholds(ctx.thresholds).entropyLifespanMs);
  return details && { reason: 'entropy_expired', details };
}

/**
 * How late a witness is, and against what. Normally measured from the beacon report (4 s); when
 * some witness reached ingest before the beacon report did, from that first witness (1.5 s).
 */
export function witnessLag(ctx: WitnessCheckContext): { lagMs: number; maxLagMs: number; measuredFrom: 'beacon' | 'first_witness' } {
  const t = resolveThresholds(ctx.thresholds);
  if (ctx.beacon.receivedAtMs <= ctx.firstWitnessReceivedAtMs) {
    return { lagMs: ctx.witness.receivedAtMs - ctx.beacon.receivedAtMs, maxLagMs: t.maxBeaconToWitnessLagMs, measuredFrom: 'beacon' };
  }
  return { lagMs: ctx.witness.receivedAtMs - ctx.firstWitnessReceivedAtMs, maxLagMs: t.maxWitnessLagMs, measuredFrom: 'first_witness' };
}

export function checkWitnessNotLate(ctx: WitnessCheckContext): ReportFailure {
  const lag = witnessLag(ctx);
  return lag.lagMs <= lag.maxLagMs ? null : { reason: 'too_late', details: { ...lag } };
}

export function checkWitnessPacket(ctx: WitnessCheckContext): ReportFailure {
  if (bytesEqual(ctx.witness.payload, ctx.beacon.payload)) return null;
  return {
    reason: 'invalid_packet',
    details: { witnessPayloadBytes: ctx.witness.payload.length, beaconPayloadBytes: ctx.beacon.payload.length },
  };
}

export function checkWitnessCapability(ctx: WitnessCheckContext): ReportFailure {
  const capability = ctx.witnessHotspot?.capability;
  if (capability === undefined || capability === 'full') return null;
  return { reason: 'invalid_capability', details: { side: 'witness', capability } };
}

/** Identity, timing and packet checks in the order they run (names match WITNESS_REPORT_CHECK_ORDER). */
export const WITNESS_REPORT_CHECKS: readonly NamedCheck<WitnessCheckContext, WitnessReportInvalidReason>[] = [
  { reason: 'duplicate', check: checkWitnessNotDuplicate },
  { reason: 'gateway_not_found', check: checkWitnessFound },
  { reason: 'not_asserted', check: checkWitnessAsserted },
  { reason: 'denied', check: checkWitnessNotDenied },
  { reason: 'denied_edge', check: checkEdgeNotDenied },
  { reason: 'self_witness', check: checkNotSelfWitness },
  { reason: 'entropy_expired', check: checkWitnessEntropyFresh },
  { reason: 'too_late', check: checkWitnessNotLate },
  { reason: 'invalid_packet', check: checkWitnessPacket },
  { reason: 'invalid_capability', check: checkWitnessCapability },
];

/** The link view of a witness context; null unless both hotspots are known and asserted. */
export function toWitnessLinkContext(ctx: WitnessCheckContext): WitnessLinkContext | null {
  const b = ctx.beaconer;
  const w = ctx.witnessHotspot;
  if (!b || !w || b.location === null || w.location === null || b.region === null || w.region === null) return null;
  const link: WitnessLinkContext = {
    beaconer: { location: b.location, gainDbiX10: b.gainDbiX10, region: b.region },
    witnessHotspot: { location: w.location, gainDbiX10: w.gainDbiX10, region: w.region },
    beacon: ctx.beacon,
    witness: ctx.witness,
  };
  if (ctx.thresholds) link.thresholds = ctx.thresholds;
  return link;
}

export interface WitnessVerification {
  verdict: Verdict<WitnessInvalidReason>;
  /**
   * The measured link (distance, grid distance, budget) whenever both ends are placed, also when
   * an earlier check failed: the verifier records those numbers on every verdict.
   */
  measured: MeasuredLink | null;
}

/**
 * All witness checks in order, the first failure winning, measuring the link once for the link
 * checks, the valid verdict's details and the caller's record.
 */
export function checkWitness(ctx: WitnessCheckContext): WitnessVerification {
  const link = toWitnessLinkContext(ctx);
  const measured = link ? measureLink(link) : null;
  const reportFailure = firstFailure(WITNESS_REPORT_CHECKS, ctx);
  if (reportFailure) return { verdict: { valid: false, reason: reportFailure.reason, details: reportFailure.details }, measured };
  // Unreachable once not_asserted passed; kept so the types need no assertion.
  if (!measured) return { verdict: { valid: false, reason: 'not_asserted', details: {} }, measured };
  const linkFailure = firstFailure(WITNESS_LINK_CHECKS, measured);
  if (linkFailure) return { verdict: { valid: false, reason: linkFailure.reason, details: linkFailure.details }, measured };
  const { lagMs, measuredFrom } = witnessLag(ctx);
  const details = describeWitnessLink(measured, { lagMs, lagMeasuredFrom: measuredFrom });
  return { verdict: { valid: true, details }, measured };
}

export function verifyWitness(ctx: WitnessCheckContext): Verdict<WitnessInvalidReason> {
  return checkWitness(ctx).verdict;
}
