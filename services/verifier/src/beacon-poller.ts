/**
 * Finds beacons ready for verification in the database and hands them to the verify queue in
 * batches. The database is the source of truth: a lost job only delays its beacons until this
 * poller sees them still pending and hands them out again. Also ages out unclaimed witnesses and
 * runs the fraud analytics of each epoch once its evidence is complete.
 */
import type { Clock } from '@cov/shared/clock';
import type { Sql } from '@cov/shared/db/client';
import type { Logger } from '@cov/shared/logger';
import { readyBeaconIds } from './batch-repository';
import { frontierAheadMs } from './readiness';
import { toNumber } from './sql';
import { analyseCompletedEpochs } from './fraud/epoch-analysis-task';
import { ageOutWitnesses } from './stale-witnesses';
import type { VerifierTelemetry } from './telemetry';
import type { VerifierSettings } from './verifier-settings';

/** Handed-out ids still pending after this many ticks are handed out again (their job was lost). */
const REQUEUE_AFTER_TICKS = 60;
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
  private readonly handedOut = new Map<string, number>();
  private tickNumber = 0;
  private lastSweepMs: number | undefined;

  constructor(private readonly deps: BeaconPollerDeps) {}

  /** One poll: returns how many beacon ids were enqueued, witnesses aged out and epochs analysed. */
  async tick(): Promise<{ enqueued: number; agedOut: number; analysedEpochs: number[] }> {
    const { sql, settings, clock, telemetry } = this.deps;
    this.tickNumber++;
    const nowMs = clock.nowMs();
    await this.forgetFinished();

    // Back-pressure: enough work is queued already; the queue (not memory) holds the backlog.
    const capacity = settings.batchBeacons * settings.concurrency * 2 - this.handedOut.size;
    let enqueued = 0;
    if (capacity >= settings.batchBeacons || this.handedOut.size === 0) {
      const ids = await readyBeaconIds(sql, nowMs, settings, frontierAheadMs(settings), Math.max(capacity, settings.batchBeacons), [...this.handedOut.keys()]);
      if (ids.length > 0) {
        await this.deps.enqueue(chunk(ids, settings.batchBeacons));
        for (const id of ids) this.handedOut.set(id, this.tickNumber);
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

  /** Drops handed-out ids that are verified now, and ones handed out so long ago their job must be lost. */
  private async forgetFinished(): Promise<void> {
    if (this.handedOut.size === 0) return;
    const ids = [...this.handedOut.keys()];
    const stillPending = new Set(
      (await this.deps.sql`select id from beacon_reports where id = any(${ids}::text[]) and status = 'pending'`).map((r) => r.id as string),
    );
    for (const [id, tick] of this.handedOut) {
      if (!stillPending.has(id) || this.tickNumber - tick > REQUEUE_AFTER_TICKS) this.handedOut.delete(id);
    }
  }
}
