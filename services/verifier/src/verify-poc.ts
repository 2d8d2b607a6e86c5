/**
 * Verifies one proof of coverage (a beacon and every witness report matched to it) from inputs
 * already loaded from the database; pure, so the same inputs always give the same verdict rows.
 *
 * Order: the beacon checks (shared poc/beacon-checks), then, if the beacon passed, each witness's
 * report and link checks (poc/witness-checks) in receive order, then HIP-106 reciprocity: the
 * beaconer's first (it invalidates the whole PoC), then each witness's. Finally the first
 * MAX_WITNESSES_PER_POC valid witnesses by receive time are selected. When the beacon fails, every
 * witness carries the beacon's reason with side "beaconer", as Helium wrote them.
 */
import { cellCenterDistanceRoundedM } from '@cov/shared/geo/cell-distance';
import { BEACON_CHECKS, verifyBeacon } from '@cov/shared/poc/beacon-checks';
import type { BeaconCheckContext, HotspotInfo, WitnessCheckContext } from '@cov/shared/poc/context';
import { firstFailure } from '@cov/shared/poc/context';
import type { PocInvalidReason } from '@cov/shared/poc/reasons';
import { checkBeaconerReciprocity, checkWitnessReciprocity } from '@cov/shared/poc/reciprocity';
import type { PocThresholds } from '@cov/shared/poc/thresholds';
import { round3, toHex } from '@cov/shared/poc/util';
import { checkWitness, witnessLag } from '@cov/shared/poc/witness-checks';
import type { DenylistSnapshot } from './denylist-snapshot';
import { isEdgeDenied } from './denylist-snapshot';
import { expectedBeaconFor } from './expected-beacon';
import { epochOf } from './verifier-settings';
import { compareByReceipt, selectWitnesses } from './witness-selection';

export interface StoredBeacon {
  id: string;
  hotspotAddress: string;
  receivedAtMs: number;
  payload: Uint8Array;
  localEntropy: Uint8Array;
  remoteEntropy: Uint8Array;
  frequencyHz: number;
  dataRate: string;
  txPowerDbm: number;
}

export interface StoredWitness {
  id: string;
  hotspotAddress: string;
  receivedAtMs: number;
  payload: Uint8Array;
  signalDbmX10: number;
  snrDbX10: number;
  frequencyHz: number;
  dataRate: string;
}

export interface PocInputs {
  beacon: StoredBeacon;
  /** The stored entropy the beacon embeds; null when no entropy row has its bytes. */
  entropy: { timestampSec: number; version: number } | null;
  /** Received time of the hotspot's previous beacon report (valid or not); null if none. */
  previousBeaconAtMs: number | null;
  /** Set when an earlier beacon already carried this payload: that one owns the witnesses. */
  payloadOwnerBeaconId: string | null;
  /** Witness reports matched to this beacon (same payload, inside its match window). */
  witnesses: readonly StoredWitness[];
  /** Registry view of a hotspot with the denylist applied; null when unknown. */
  hotspot(address: string): HotspotInfo | null;
  denylist: DenylistSnapshot;
  /** Latest witness of the beaconer that passed its checks, within the reciprocity evidence range. */
  beaconerLastWitnessAtMs: number | null;
  /** Latest witnessed beacon of a witness hotspot that passed its checks, within the evidence range of `atMs`. */
  witnessLastBeaconAtMs(address: string, atMs: number): number | null;
}

export interface PocSettings {
  maxWitnessesPerPoc: number;
  epochLengthMs: number;
  reciprocityWindowMs: number;
  thresholds: Partial<PocThresholds>;
}

export interface BeaconVerdictRow {
  beaconId: string;
  hotspotAddress: string;
  receivedAtMs: number;
  epoch: number;
  valid: boolean;
  reason: PocInvalidReason | null;
  details: Record<string, unknown>;
  locationCell: string | null;
  /** Witness reports matched to the beacon, self-witnesses not counted. */
  witnessCount: number;
  validWitnessCount: number;
  selectedWitnessCount: number;
  denylistVersion: number;
  passedChecks: boolean;
}

export interface WitnessVerdictRow {
  beaconId: string;
  witnessId: string;
  hotspotAddress: string;
  beaconerAddress: string;
  receivedAtMs: number;
  epoch: number;
  valid: boolean;
  reason: PocInvalidReason | null;
  details: Record<string, unknown>;
  selected: boolean;
  signalDbmX10: number;
  snrDbX10: number;
  distanceM: number | null;
  locationCell: string | null;
  passedChecks: boolean;
  expectedMaxRssiDbm: number | null;
}

export interface PocVerdict {
  beacon: BeaconVerdictRow;
  witnesses: WitnessVerdictRow[];
}

const ENTROPY_CHECK_INDEX = BEACON_CHECKS.findIndex((c) => c.reason === 'entropy_expired');

const finiteOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function beaconContext(inputs: PocInputs, beaconer: HotspotInfo | null, settings: PocSettings): BeaconCheckContext {
  const { beacon, entropy } = inputs;
  return {
    beaconer,
    beacon: { payload: beacon.payload, frequencyHz: beacon.frequencyHz, dataRate: beacon.dataRate, txPowerDbm: beacon.txPowerDbm, receivedAtMs: beacon.receivedAtMs },
    entropyStartMs: entropy ? entropy.timestampSec * 1000 : Number.NaN,
    lastBeaconAtMs: inputs.previousBeaconAtMs,
    expectedBeacon: entropy && beaconer?.region ? expectedBeaconFor(beacon, entropy, beaconer.region) : null,
    denylistTag: String(inputs.denylist.version),
    thresholds: settings.thresholds,
  };
}

/**
 * The beacon checks. A beacon whose entropy matches no stored value cannot be placed in time at
 * all; it fails at the entropy check (after the identity checks, which do not need it), like an
 * expired one. Helium never picked such beacons up and purged them later as `stale`.
 */
function checkBeacon(inputs: PocInputs, ctx: BeaconCheckContext): { passed: boolean; reason: PocInvalidReason | null; details: Record<string, unknown> } {
  if (!inputs.entropy) {
    const identity = firstFailure(BEACON_CHECKS.slice(0, ENTROPY_CHECK_INDEX), ctx);
    if (identity) return { passed: false, reason: identity.reason, details: identity.details };
    return {
      passed: false,
      reason: 'entropy_expired',
      details: { entropyKnown: false, remoteEntropy: toHex(inputs.beacon.remoteEntropy), receivedAtMs: inputs.beacon.receivedAtMs },
    };
  }
  const verdict = verifyBeacon(ctx);
  return verdict.valid ? { passed: true, reason: null, details: verdict.details } : { passed: false, reason: verdict.reason, details: verdict.details };
}

interface WitnessOutcome {
  witness: StoredWitness;
  info: HotspotInfo | null;
  isSelf: boolean;
  passedChecks: boolean;
  valid: boolean;
  reason: PocInvalidReason | null;
  details: Record<string, unknown>;
  distanceM: number | null;
  expectedMaxRssiDbm: number | null;
}

function observed(w: StoredWitness): Record<string, number> {
  return { observedRssiDbm: w.signalDbmX10 / 10, observedSnrDb: w.snrDbX10 / 10 };
}

function checkWitnesses(inputs: PocInputs, beaconCtx: BeaconCheckContext, beaconPassed: boolean, beaconReason: PocInvalidReason | null): WitnessOutcome[] {
  const sorted = [...inputs.witnesses].sort(compareByReceipt);
  const firstWitnessReceivedAtMs = sorted[0]?.receivedAtMs ?? inputs.beacon.receivedAtMs;
  const beaconer = beaconCtx.beaconer;
  const seen = new Set<string>();
  const outcomes: WitnessOutcome[] = [];
  for (const w of sorted) {
    const isDuplicate = seen.has(w.hotspotAddress);
    seen.add(w.hotspotAddress);
    const info = inputs.hotspot(w.hotspotAddress);
    const ctx: WitnessCheckContext = {
      beaconer,
      witnessHotspot: info,
      beacon: beaconCtx.beacon,
      witness: w,
      isDuplicate,
      edgeDenied: isEdgeDenied(inputs.denylist, inputs.beacon.hotspotAddress, w.hotspotAddress),
      entropyStartMs: beaconCtx.entropyStartMs,
      firstWitnessReceivedAtMs,
      denylistTag: beaconCtx.denylistTag,
      thresholds: beaconCtx.thresholds,
    };
    const isSelf = w.hotspotAddress === inputs.beacon.hotspotAddress;
    const lag = witnessLag(ctx);
    if (!beaconPassed) {
      outcomes.push({
        witness: w,
        info,
        isSelf,
        passedChecks: false,
        valid: false,
        reason: beaconReason,
        details: { side: 'beaconer', beaconReason, lagMs: lag.lagMs, lagMeasuredFrom: lag.measuredFrom, ...observed(w) },
        distanceM: null,
        expectedMaxRssiDbm: null,
      });
      continue;
    }
    const { verdict, measured } = checkWitness(ctx);
    // The link's numbers go on every verdict whose two ends are placed, for owners and for the
    // epoch analytics, whichever check decided it.
    let distanceM = measured ? measured.distanceM : null;
    const expectedMaxRssiDbm = measured?.budget ? finiteOrNull(round3(measured.budget.expectedMaxRssiDbm)) : null;
    if (!measured && beaconer?.location && info?.location) distanceM = cellCenterDistanceRoundedM(beaconer.location, info.location);
    const details = verdict.valid
      ? verdict.details
      : Object.assign(verdict.details, { lagMs: lag.lagMs, lagMeasuredFrom: lag.measuredFrom, distanceM, expectedMaxRssiDbm }, observed(w));
    outcomes.push({
      witness: w,
      info,
      isSelf,
      passedChecks: verdict.valid,
      valid: verdict.valid,
      reason: verdict.valid ? null : verdict.reason,
      details,
      distanceM,
      expectedMaxRssiDbm,
    });
  }
  return outcomes;
}

export function verifyPoc(inputs: PocInputs, settings: PocSettings): PocVerdict {
  const { beacon, denylist } = inputs;
  const beaconer = inputs.hotspot(beacon.hotspotAddress);
  const ctx = beaconContext(inputs, beaconer, settings);
  const checked = checkBeacon(inputs, ctx);
  let beaconValid = checked.passed;
  let beaconReason = checked.reason;
  let beaconDetails: Record<string, unknown> = { ...checked.details };

  const outcomes = checkWitnesses(inputs, ctx, checked.passed, checked.reason);

  // HIP-106, beaconer side: no recent witnessing invalidates the whole PoC. Witnesses that passed
  // their own checks keep passedChecks (their hotspot did prove it hears) but are not valid.
  if (checked.passed) {
    const failure = checkBeaconerReciprocity(beacon.receivedAtMs, inputs.beaconerLastWitnessAtMs, settings.reciprocityWindowMs);
    if (failure) {
      beaconValid = false;
      beaconReason = failure.reason;
      beaconDetails = { ...beaconDetails, ...failure.details };
      for (const o of outcomes) {
        if (!o.passedChecks) continue;
        o.valid = false;
        o.reason = failure.reason;
        o.details = { ...o.details, ...failure.details };
      }
    } else {
      for (const o of outcomes) {
        if (!o.passedChecks) continue;
        const last = inputs.witnessLastBeaconAtMs(o.witness.hotspotAddress, o.witness.receivedAtMs);
        const witnessFailure = checkWitnessReciprocity(o.witness.receivedAtMs, last, settings.reciprocityWindowMs);
        if (!witnessFailure) continue;
        o.valid = false;
        o.reason = witnessFailure.reason;
        o.details = { ...o.details, ...witnessFailure.details };
      }
    }
  }

  const selected = selectWitnesses(
    outcomes.map((o) => ({ id: o.witness.id, receivedAtMs: o.witness.receivedAtMs, valid: o.valid })),
    beaconValid ? settings.maxWitnessesPerPoc : 0,
  );
  const witnesses: WitnessVerdictRow[] = outcomes.map((o) => ({
    beaconId: beacon.id,
    witnessId: o.witness.id,
    hotspotAddress: o.witness.hotspotAddress,
    beaconerAddress: beacon.hotspotAddress,
    receivedAtMs: o.witness.receivedAtMs,
    epoch: epochOf(o.witness.receivedAtMs, settings.epochLengthMs),
    valid: o.valid,
    reason: o.reason,
    // The details objects are fresh per verdict (built by the checks or above): extend in place.
    details: Object.assign(o.details, { denylistVersion: denylist.version }),
    selected: selected.has(o.witness.id),
    signalDbmX10: o.witness.signalDbmX10,
    snrDbX10: o.witness.snrDbX10,
    distanceM: o.distanceM,
    locationCell: o.info?.location ?? null,
    passedChecks: o.passedChecks,
    expectedMaxRssiDbm: o.expectedMaxRssiDbm,
  }));

  return {
    beacon: {
      beaconId: beacon.id,
      hotspotAddress: beacon.hotspotAddress,
      receivedAtMs: beacon.receivedAtMs,
      epoch: epochOf(beacon.receivedAtMs, settings.epochLengthMs),
      valid: beaconValid,
      reason: beaconValid ? null : beaconReason,
      details: {
        ...beaconDetails,
        entropyStartMs: inputs.entropy ? inputs.entropy.timestampSec * 1000 : null,
        ...(inputs.payloadOwnerBeaconId ? { payloadOwnerBeaconId: inputs.payloadOwnerBeaconId } : {}),
        denylistVersion: denylist.version,
      },
      locationCell: beaconer?.location ?? null,
      witnessCount: outcomes.filter((o) => !o.isSelf).length,
      validWitnessCount: outcomes.filter((o) => o.valid).length,
      selectedWitnessCount: selected.size,
      denylistVersion: denylist.version,
      passedChecks: checked.passed,
    },
    witnesses,
  };
}
