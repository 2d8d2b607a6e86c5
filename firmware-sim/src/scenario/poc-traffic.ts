/**
 * Proof-of-coverage traffic. Each full hotspot beacons once per beacon window at a uniformly random
 * moment (as gateway-rs does), building the beacon from its latest entropy with the shared
 * buildBeacon (the verifier recomputes it the same way) and transmitting it at its conducted power
 * (region max EIRP minus its antenna gain, at most what the radio can do). Every full hotspot whose
 * radio demodulates it reports a witness after its own backhaul lag; cheaters report what their
 * kind makes them report.
 */
import { buildBeacon } from '@cov/shared/beacon/beacon';
import { LOCAL_ENTROPY_BYTES } from '@cov/shared/beacon/payload';
import { isDataRateName, type DataRateName } from '@cov/shared/helium/data-rate';
import { timestampNsFromMs, type WitnessReport } from '@cov/shared/helium/reports';
import { signBeaconReportFast, signWitnessReportFast } from '../hotspot/report-signer';
import { maxEirpDbm, parseLoRaDataRateName, type SpreadingFactor } from '@cov/shared/regions/region-plan';
import { onModelClaim, ringClaim, selfWitnessClaim, tooStrongClaim, type ClaimGeometry, type WitnessClaim } from '../cheaters/witness-claims';
import { concentratorTmst, hostClockMs } from '../hotspot/hotspot-time';
import type { HotspotAgent } from '../hotspot/hotspot-agent';
import { frameAirtimeMs } from '../radio/airtime';
import type { SimHotspot } from '../world/world';
import type { SimContext } from './sim-context';

/** A beacon goes out as a LoRaWAN proprietary frame: MHDR 0xE0 + the 51-byte payload. */
const BEACON_PHY_BYTES = 52;
/**
 * Do not beacon with entropy this close to expiry: the report must still arrive inside its window,
 * whatever the backhaul does. A fresh value comes every minute, so this only skips a beacon when
 * the hotspot has lost its entropy feed.
 */
const ENTROPY_SAFETY_MS = 60_000;

/** Conducted power a gateway uses for a beacon: trunc(max EIRP − asserted gain), capped by the radio. */
export function conductedTxPowerDbm(hotspot: SimHotspot, regionMaxEirpDbm: number): number {
  return Math.min(hotspot.hardware.maxTxPowerDbm, Math.trunc(regionMaxEirpDbm - hotspot.asserted.gainDbiX10 / 10));
}

/** What the beacon report claims: the truth, except for an over-reporter. */
export function reportedTxPowerDbm(hotspot: SimHotspot, actualDbm: number): number {
  return hotspot.cheat?.kind === 'tx_power_over_reporter' ? hotspot.cheat.reportedTxPowerDbm : actualDbm;
}

export class PocTraffic {
  private readonly byId = new Map<string, HotspotAgent>();
  private readonly ringMembers = new Map<number, HotspotAgent[]>();
  private readonly maxEirpDbm: number;

  constructor(
    private readonly ctx: SimContext,
    private readonly agents: readonly HotspotAgent[],
  ) {
    for (const a of agents) this.byId.set(a.hotspot.id, a);
    for (const ring of ctx.world.rings) this.ringMembers.set(ring.id, ring.members.map((m) => agents[m]!));
    this.maxEirpDbm = maxEirpDbm(ctx.world.region);
  }

  /** Beacon moments of every full hotspot over the run. */
  scheduleBeacons(): void {
    const { startMs, endMs, settings } = this.ctx;
    const interval = settings.beaconIntervalMs;
    for (const agent of this.agents) {
      const h = agent.hotspot;
      if (h.capability !== 'full') continue;
      const r = this.ctx.rng.fork(`beacon-schedule/${h.index}`);
      const perWindow = h.cheat?.kind === 'beacon_spammer' ? h.cheat.beaconsPerWindow : 1;
      for (let window = Math.floor(startMs / interval) * interval; window < endMs; window += interval) {
        for (let k = 0; k < perWindow; k++) {
          const atMs = window + Math.floor(r.uniform(0, interval));
          if (atMs < startMs || atMs > endMs - 10_000) continue;
          this.ctx.schedule(atMs, 'beacon', () => this.beacon(agent, atMs));
        }
      }
    }
  }

  async beacon(agent: HotspotAgent, atMs: number): Promise<void> {
    const { ctx } = this;
    const h = agent.hotspot;
    const entropy = await agent.ingest?.latestEntropy();
    if (!entropy || atMs - entropy.timestampSec * 1000 > ctx.settings.entropyValidityMs - ENTROPY_SAFETY_MS) {
      ctx.stats.inc('beacons.skipped_no_fresh_entropy');
      return;
    }
    const localEntropy = agent.rng.entropy.bytes(LOCAL_ENTROPY_BYTES);
    const built = buildBeacon({
      remoteEntropy: { data: entropy.data, timestampSec: entropy.timestampSec, version: entropy.version },
      localEntropy: { data: localEntropy, timestampSec: 0 },
      region: ctx.beaconPlan,
    });
    const rate = built.ok ? parseLoRaDataRateName(built.value.dataRate) : null;
    if (!built.ok || !rate || !isDataRateName(built.value.dataRate)) {
      ctx.stats.inc('beacons.build_failed');
      return;
    }
    const beacon = built.value;
    const datarate: DataRateName = built.value.dataRate;
    const txPowerDbm = conductedTxPowerDbm(h, this.maxEirpDbm);
    const claimedTxPowerDbm = reportedTxPowerDbm(h, txPowerDbm);
    const endMs = atMs + frameAirtimeMs(BEACON_PHY_BYTES, beacon.dataRate);
    ctx.stats.inc('beacons.transmitted');

    const report = signBeaconReportFast(
      {
        pubKeyBinary: h.keypair.binaryKey,
        localEntropy,
        remoteEntropy: entropy.data,
        data: beacon.payload,
        frequencyHz: beacon.frequencyHz,
        channel: 0,
        datarate,
        txPowerDbm: claimedTxPowerDbm,
        timestampNs: timestampNsFromMs(hostClockMs(h, endMs)),
        tmst: concentratorTmst(h, atMs),
      },
      h.keypair.secretKey,
    );
    agent.deliver('beacon', report, endMs + agent.lagMs());

    const geometryFor = (witness: SimHotspot): ClaimGeometry => ({
      beaconerAsserted: h.asserted,
      witnessAsserted: witness.asserted,
      reportedTxPowerDbm: claimedTxPowerDbm,
      frequencyHz: beacon.frequencyHz,
      spreadingFactor: rate.spreadingFactor as SpreadingFactor,
      bandwidthHz: rate.bandwidthHz,
    });
    const witness = (w: HotspotAgent, claim: WitnessClaim) =>
      w.deliver('witness', this.witnessReport(w, beacon.payload, beacon.frequencyHz, datarate, claim, endMs), endMs + w.lagMs());

    const heard = ctx.channel.heardBy(
      { transmitter: agent.radio, txPowerDbm, frequencyHz: beacon.frequencyHz, spreadingFactor: rate.spreadingFactor as SpreadingFactor, bandwidthHz: rate.bandwidthHz },
      agent.rng.fading,
    );
    for (const { receiver, reception } of heard) {
      const w = this.byId.get(receiver.id);
      if (!w || w.hotspot.capability !== 'full') continue;
      ctx.stats.inc('witnesses.heard_over_the_air');
      const cheat = w.hotspot.cheat;
      // Ring members only report what they invent for each other.
      if (cheat?.kind === 'gaming_ring') continue;
      let claim: WitnessClaim = { rssiDbm: reception.reportedRssiDbm, snrDb: reception.reportedSnrDb };
      if (cheat?.kind === 'rssi_too_strong') claim = tooStrongClaim(geometryFor(w.hotspot), cheat, w.rng.claims);
      else if (cheat?.kind === 'rssi_on_model') claim = onModelClaim(geometryFor(w.hotspot), cheat);
      witness(w, claim);
    }
    if (h.cheat?.kind === 'gaming_ring') {
      for (const member of this.ringMembers.get(h.cheat.ringId) ?? []) {
        if (member === agent) continue;
        ctx.stats.inc('witnesses.fabricated_by_ring');
        witness(member, ringClaim(geometryFor(member.hotspot), member.rng.claims));
      }
    }
    if (h.cheat?.kind === 'self_witness') {
      ctx.stats.inc('witnesses.self');
      witness(agent, selfWitnessClaim(agent.rng.claims));
    }
  }

  private witnessReport(w: HotspotAgent, payload: Uint8Array, beaconFrequencyHz: number, datarate: DataRateName, claim: WitnessClaim, rxEndMs: number): WitnessReport {
    const h = w.hotspot;
    return signWitnessReportFast(
      {
        pubKeyBinary: h.keypair.binaryKey,
        data: payload,
        timestampNs: timestampNsFromMs(hostClockMs(h, rxEndMs)),
        tmst: concentratorTmst(h, rxEndMs),
        // gateway-rs reports the forwarder's whole-dBm RSSI times ten.
        signalDbmX10: Math.round(claim.rssiDbm) * 10,
        snrDbX10: Math.round(claim.snrDb * 10),
        // The witness measures the frequency with its own crystal's error.
        frequencyHz: Math.round(beaconFrequencyHz * (1 + h.hardware.crystalPpm * 1e-6)),
        datarate,
      },
      h.keypair.secretKey,
    );
  }
}
