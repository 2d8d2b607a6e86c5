/**
 * Finds beacons ready for verification in the database and hands them to the verify queue in
 * batches. Every beacon handed out is first claimed in its row (`claimed_until_ms`, for
 * VERIFIER_CLAIM_TTL_MS), so with several verifier processes each ready beacon goes to one queue
 * job, not one per poller. The database is the source of truth: a claim expires, so a lost job
 * (a crashed worker, a lost queue) only delays its beacons until some poller finds them pending and
 * unclaimed and hands them out again. Also ages out unclaimed witnesses and runs the fraud
 * analytics of each epoch once its evidence is complete.
 */
import type { Clock } from '@cov/shared/clock';
import type { Sql } from '@cov/shared/db/client';
import type { Logger } from '@cov/shared/logger';
import { claimBeacons, liveClaims, readyBeaconIds } from './batch-repository';
import { frontierAheadMs } from './readiness';
import { toNumber } from './sql';
import { analyseCompletedEpochs } from './fraud/epoch-analysis-task';
import { ageOutWitnesses } from './stale-witnesses';
import type { VerifierTelemetry } from './telemetry';
import type { VerifierSettings } from './verifier-settings';

/** Clock time between two sweeps for unclaimed witnesses. */
const STALE_SWEEP_EVERY_MS = 300_000;

export interface BeaconPollerDeps {
  sql: Sql;
  settings: VerifierSettings;
  clock: Clock;
  enqueue(batches: string[][]): Promise<void>;
  telemetry: VerifierTelemetry;
  logger: Logger;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export class BeaconPoller {
  /** This poller's claims still out on the queue: beacon id -> the claimedUntilMs it set. Back-pressure only. */
  private readonly claims = new Map<string, number>();
  private lastSweepMs: number | undefined;

  constructor(private readonly deps: BeaconPollerDeps) {}

  /** One poll: returns how many beacon ids were enqueued, witnesses aged out and epochs analysed. */
  async tick(): Promise<{ enqueued: number; agedOut: number; analysedEpochs: number[] }> {
    const { sql, settings, clock, telemetry } = this.deps;
    const nowMs = clock.nowMs();
    await this.forgetFinished(nowMs);

    // Back-pressure: enough work is queued already; the queue (not memory) holds the backlog.
    const capacity = settings.batchBeacons * settings.concurrency * 2 - this.claims.size;
    let enqueued = 0;
    if (capacity >= settings.batchBeacons || this.claims.size === 0) {
      const ready = await readyBeaconIds(sql, nowMs, settings, frontierAheadMs(settings), Math.max(capacity, settings.batchBeacons));
      const claimUntilMs = nowMs + settings.claimTtlMs;
      const ids = await claimBeacons(sql, ready, nowMs, claimUntilMs);
      if (ids.length > 0) {
        // Claimed before enqueued: if the enqueue fails, the claims expire and the ids go out again.
        for (const id of ids) this.claims.set(id, claimUntilMs);
        await this.deps.enqueue(chunk(ids, settings.batchBeacons));
        telemetry.enqueuedBeacons.inc(ids.length);
        enqueued = ids.length;
      }
    }

    const [oldest] = await sql`select min(received_at_ms) as oldest from beacon_reports where status = 'pending'`;
    telemetry.oldestPendingAgeMs.set(oldest?.oldest == null ? 0 : Math.max(0, nowMs - toNumber(oldest.oldest)));

    let agedOut = 0;
    if (this.lastSweepMs === undefined || nowMs - this.lastSweepMs >= STALE_SWEEP_EVERY_MS) {
      agedOut = (await ageOutWitnesses(sql, nowMs, settings)).agedOut;
      this.lastSweepMs = nowMs;
      telemetry.staleWitnesses.inc(agedOut);
    }
    const analysedEpochs = await analyseCompletedEpochs(sql, nowMs, settings, this.deps.logger);
    return { enqueued, agedOut, analysedEpochs };
  }

  /** Drops claims whose beacons are verified now, and expired ones (their job counts as lost). */
  private async forgetFinished(nowMs: number): Promise<void> {
    if (this.claims.size === 0) return;
    const live = await liveClaims(this.deps.sql, this.claims, nowMs);
    for (const id of this.claims.keys()) if (!live.has(id)) this.claims.delete(id);
  }
}
