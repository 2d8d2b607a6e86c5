/**
 * Stores accepted reports in batches. Callers hand over a group of reports (one WebSocket frame,
 * or one whole HTTP request) and get a promise that settles when the batch holding them has
 * committed: that is the moment a report may be acknowledged. A group is never split across two
 * batches, so an HTTP request is stored all or nothing.
 *
 * Batching is what makes intake fast (one multi-row insert per INGEST_FLUSH_INTERVAL_MS instead of
 * one round trip per report); `on conflict do nothing` on the content-derived id makes a retried
 * batch harmless. If the database is down the whole batch fails with a retryable error and
 * nothing in it was acknowledged.
 */
import { AppError } from '@cov/shared/errors';
import type { Db } from '@cov/shared/db/client';
import { beaconReports, witnessReports } from '@cov/shared/db/schema/reports';
import type { Logger } from '@cov/shared/logger';
import type { Task } from '@cov/shared/runtime/task-runner';
import type { AcceptedReport } from './report-intake';
import type { IngestTelemetry } from './telemetry';

interface Pending {
  reports: AcceptedReport[];
  resolve: () => void;
  reject: (e: unknown) => void;
}

export interface ReportStoreOptions {
  db: Db;
  logger: Logger;
  telemetry: IngestTelemetry;
  flushIntervalMs: number;
  flushMaxReports: number;
}

export function beaconRow(a: AcceptedReport & { decoded: { kind: 'beacon' } }): typeof beaconReports.$inferInsert {
  const r = a.decoded.report;
  return {
    id: a.id,
    hotspotAddress: a.hotspot.address,
    receivedAtMs: a.receivedAtMs,
    payload: r.data,
    localEntropy: r.localEntropy,
    remoteEntropy: r.remoteEntropy,
    frequencyHz: r.frequencyHz,
    channel: r.channel,
    dataRate: r.datarate,
    txPowerDbm: r.txPowerDbm,
    reportedTimestampNs: r.timestampNs,
    tmst: r.tmst,
    encoded: a.decoded.encoded,
  };
}

export function witnessRow(a: AcceptedReport & { decoded: { kind: 'witness' } }): typeof witnessReports.$inferInsert {
  const r = a.decoded.report;
  return {
    id: a.id,
    hotspotAddress: a.hotspot.address,
    receivedAtMs: a.receivedAtMs,
    payload: r.data,
    reportedTimestampNs: r.timestampNs,
    tmst: r.tmst,
    signalDbmX10: r.signalDbmX10,
    snrDbX10: r.snrDbX10,
    frequencyHz: r.frequencyHz,
    dataRate: r.datarate,
    encoded: a.decoded.encoded,
  };
}

export class ReportStore implements Task {
  readonly name = 'ingest-report-store';
  private pending: Pending[] = [];
  private pendingCount = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: ReportStoreOptions) {}

  async start(): Promise<void> {
    this.stopped = false;
  }

  /** Settles once every report of the group is committed (or rejects, retryable, if not). */
  store(reports: AcceptedReport[]): Promise<void> {
    if (reports.length === 0) return Promise.resolve();
    if (this.stopped) return Promise.reject(new AppError('service.unavailable', 'ingest is shutting down; retry'));
    return new Promise((resolve, reject) => {
      this.pending.push({ reports, resolve, reject });
      this.pendingCount += reports.length;
      if (this.pendingCount >= this.options.flushMaxReports) this.flushSoon(0);
      else this.flushSoon(this.options.flushIntervalMs);
    });
  }

  /** Stores what is pending; waits for batches in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private flushSoon(delayMs: number): void {
    if (this.timer && delayMs > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delayMs);
  }

  private flush(): Promise<void> {
    // Batches are written one after another so a slow commit cannot reorder acknowledgements.
    this.flushing = this.flushing.then(() => this.writeBatch());
    return this.flushing;
  }

  private async writeBatch(): Promise<void> {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    this.pendingCount = 0;
    const all = batch.flatMap((p) => p.reports);
    const beacons = all.filter((a): a is AcceptedReport & { decoded: { kind: 'beacon' } } => a.decoded.kind === 'beacon').map(beaconRow);
    const witnesses = all.filter((a): a is AcceptedReport & { decoded: { kind: 'witness' } } => a.decoded.kind === 'witness').map(witnessRow);
    const started = performance.now();
    try {
      await this.options.db.transaction(async (tx) => {
        if (beacons.length) await tx.insert(beaconReports).values(beacons).onConflictDoNothing();
        if (witnesses.length) await tx.insert(witnessReports).values(witnesses).onConflictDoNothing();
      });
      this.options.telemetry.stored.inc({ kind: 'beacon' }, beacons.length);
      this.options.telemetry.stored.inc({ kind: 'witness' }, witnesses.length);
      this.options.telemetry.flushSeconds.observe((performance.now() - started) / 1000);
      for (const p of batch) p.resolve();
    } catch (e) {
      this.options.logger.error({ err: e, reports: all.length }, 'storing a report batch failed; clients will retry');
      this.options.telemetry.storeFailures.inc(all.length);
      const error = new AppError('service.unavailable', 'reports could not be stored; retry', undefined, { cause: e });
      for (const p of batch) p.reject(error);
    }
  }
}
