/**
 * One running hotspot: its ingest connection (session or HTTP), its packet forwarder, and the
 * delivery of its signed reports. Reports leave after the hotspot's own backhaul lag; replayers
 * also keep copies and send the very same bytes again much later.
 */
import { toBase64 } from '@cov/shared/helium/bytes';
import { sign } from '@cov/shared/helium/keys';
import { beaconReportToJson, witnessReportToJson } from '@cov/shared/helium/report-json';
import { encodeBeaconReport, encodeWitnessReport, type BeaconReport, type WitnessReport } from '@cov/shared/helium/reports';
import { sessionInitBytes } from '@cov/shared/ingest/session-init';
import { bytesToHex } from '@cov/shared/lorawan/bytes';
import type { SeededRandom } from '../random/seeded-random';
import { hotspotRadio } from '../radio/endpoints';
import type { Receiver } from '../radio/radio-channel';
import type { SimContext } from '../scenario/sim-context';
import type { IngestConnection, ReportAck } from '../scenario/target';
import type { SimHotspot } from '../world/world';
import { hostClockMs } from './hotspot-time';
import type { InitMessage } from './ingest-clients';
import type { PacketForwarder } from './packet-forwarder';

/** A closed session is reopened at most this often (simulated time). */
const RECONNECT_BACKOFF_MS = 60_000;

export type ReportKind = 'beacon' | 'witness';
const PLURAL: Readonly<Record<ReportKind, string>> = { beacon: 'beacons', witness: 'witnesses' };

export class HotspotAgent {
  ingest: IngestConnection | null = null;
  forwarder: PacketForwarder | null = null;
  readonly radio: Receiver;
  readonly rng: { lag: SeededRandom; entropy: SeededRandom; claims: SeededRandom; replay: SeededRandom; fading: SeededRandom };
  private reopening: Promise<boolean> | undefined;
  private lastOpenAttemptMs = -Infinity;

  constructor(
    readonly hotspot: SimHotspot,
    private readonly ctx: SimContext,
  ) {
    const base = ctx.rng.fork(`agent/${hotspot.index}`);
    this.rng = { lag: base.fork('lag'), entropy: base.fork('local-entropy'), claims: base.fork('claims'), replay: base.fork('replay'), fading: base.fork('fading') };
    this.radio = hotspotRadio(hotspot);
  }

  get address(): string {
    return this.hotspot.address;
  }

  /** The signed session init for an offered nonce, recorded as sent. */
  buildInit(nonce: string): InitMessage {
    const timestampMs = hostClockMs(this.hotspot, this.ctx.clock.nowMs());
    const fields = { hotspot: this.address, nonce, timestampMs };
    const init: InitMessage = { type: 'init', ...fields, signature: toBase64(sign(sessionInitBytes(fields), this.hotspot.keypair.secretKey)) };
    this.ctx.record({ kind: 'ingest.session_init', simTimeMs: this.ctx.clock.nowMs(), hotspot: this.address, body: init });
    return init;
  }

  async openIngest(connection: IngestConnection): Promise<boolean> {
    this.ingest = connection;
    return this.reopen(true);
  }

  private reopen(first = false): Promise<boolean> {
    const ingest = this.ingest;
    if (!ingest) return Promise.resolve(false);
    const nowMs = this.ctx.clock.nowMs();
    if (!first && nowMs - this.lastOpenAttemptMs < RECONNECT_BACKOFF_MS) return Promise.resolve(false);
    this.lastOpenAttemptMs = nowMs;
    this.reopening ??= ingest
      .open()
      .then((r) => {
        this.ctx.stats.inc(r.ok ? `ingest.${ingest.transport}.opened` : `ingest.${ingest.transport}.open_failed.${r.code ?? r.status}`);
        if (!first && r.ok) this.ctx.stats.inc('ingest.ws.reconnected');
        return r.ok;
      })
      .finally(() => {
        this.reopening = undefined;
      });
    return this.reopening;
  }

  /** Lag of one message on this hotspot's backhaul. */
  lagMs(): number {
    const p = this.hotspot.hardware.backhaul;
    let lag = this.rng.lag.logNormal(p.medianLagMs, p.sigma);
    if (this.rng.lag.chance(p.stallProbability)) lag += this.rng.lag.logNormal(p.stallMedianMs, 0.5);
    const cheat = this.hotspot.cheat;
    if (cheat?.kind === 'late_reporter') lag += this.rng.lag.uniform(cheat.minExtraLagMs, cheat.maxExtraLagMs);
    return Math.max(1, Math.round(lag));
  }

  /** Sends a signed report at `atMs` (simulated); a replayer may send it again later. */
  deliver(kind: 'beacon', report: BeaconReport, atMs: number): void;
  deliver(kind: 'witness', report: WitnessReport, atMs: number): void;
  deliver(kind: ReportKind, report: BeaconReport | WitnessReport, atMs: number): void {
    const encoded = kind === 'beacon' ? encodeBeaconReport(report as BeaconReport) : encodeWitnessReport(report as WitnessReport);
    const json = kind === 'beacon' ? beaconReportToJson(report as BeaconReport) : witnessReportToJson(report as WitnessReport);
    this.ctx.schedule(atMs, `ingest.${kind}`, () => this.send(kind, encoded, json, false));
    const cheat = this.hotspot.cheat;
    if (cheat?.kind === 'replayer' && this.rng.replay.chance(cheat.replayProbability)) {
      const replayAtMs = atMs + Math.round(this.rng.replay.uniform(cheat.minDelayMs, cheat.maxDelayMs));
      if (replayAtMs <= this.ctx.endMs) this.ctx.schedule(replayAtMs, `ingest.${kind}.replay`, () => this.send(kind, encoded, json, true));
    }
  }

  private async send(kind: ReportKind, encoded: Uint8Array, json: unknown, replay: boolean): Promise<void> {
    const stats = this.ctx.stats;
    this.ctx.record({ kind: `ingest.${kind}`, simTimeMs: this.ctx.clock.nowMs(), hotspot: this.address, body: json, hex: bytesToHex(encoded) });
    const plural = PLURAL[kind];
    stats.inc(`${plural}.sent`);
    if (replay) stats.inc(`${plural}.replayed`);
    const ingest = this.ingest;
    if (!ingest) {
      stats.inc(`${plural}.not_connected`);
      return;
    }
    if (!ingest.isOpen && !(await this.reopen())) {
      stats.inc(`${plural}.not_connected`);
      return;
    }
    let ack: ReportAck = await ingest.send(kind, encoded);
    // Retryable means nothing was stored (database busy, session dropped): send once more.
    if (!ack.accepted && ack.retryable && (ingest.isOpen || (await this.reopen()))) ack = await ingest.send(kind, encoded);
    if (ack.accepted) stats.inc(`${plural}.accepted`);
    else stats.inc(`${plural}.rejected.${ack.code}`);
  }

  async close(): Promise<void> {
    await this.ingest?.close();
    await this.forwarder?.close();
  }
}
