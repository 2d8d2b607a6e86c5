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
import type postgres from 'postgres';
import type { Sql } from '@cov/shared/db/client';
import type { beaconReports, witnessReports } from '@cov/shared/db/schema/reports';
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
  sql: Sql;
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

/*
 * Batches go in as one INSERT ... SELECT FROM unnest(arrays): a dozen array parameters instead of
 * one parameter per column per row, which is what made the ORM's multi-row insert the costliest
 * step of intake after signature checks. Bytes travel as hex text and are decoded in SQL.
 */
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

async function insertBeacons(sql: postgres.TransactionSql, rows: (typeof beaconReports.$inferInsert)[]): Promise<void> {
  await sql`
    insert into beacon_reports (id, hotspot_address, received_at_ms, payload, local_entropy, remote_entropy, frequency_hz, channel, data_rate, tx_power_dbm, reported_timestamp_ns, tmst, encoded)
    select id, hotspot, received, decode(payload, 'hex'), decode(local_e, 'hex'), decode(remote_e, 'hex'), freq, channel, dr, tx, ts, tmst, decode(encoded, 'hex')
    from unnest(
      ${rows.map((r) => r.id)}::text[], ${rows.map((r) => r.hotspotAddress)}::text[], ${rows.map((r) => String(r.receivedAtMs))}::bigint[],
      ${rows.map((r) => hex(r.payload))}::text[], ${rows.map((r) => hex(r.localEntropy))}::text[], ${rows.map((r) => hex(r.remoteEntropy))}::text[],
      ${rows.map((r) => String(r.frequencyHz))}::bigint[], ${rows.map((r) => r.channel)}::int[], ${rows.map((r) => r.dataRate)}::text[],
      ${rows.map((r) => r.txPowerDbm)}::int[], ${rows.map((r) => String(r.reportedTimestampNs))}::bigint[], ${rows.map((r) => String(r.tmst))}::bigint[],
      ${rows.map((r) => hex(r.encoded))}::text[]
    ) as t(id, hotspot, received, payload, local_e, remote_e, freq, channel, dr, tx, ts, tmst, encoded)
    on conflict do nothing`;
}

async function insertWitnesses(sql: postgres.TransactionSql, rows: (typeof witnessReports.$inferInsert)[]): Promise<void> {
  await sql`
    insert into witness_reports (id, hotspot_address, received_at_ms, payload, reported_timestamp_ns, tmst, signal_dbm_x10, snr_db_x10, frequency_hz, data_rate, encoded)
    select id, hotspot, received, decode(payload, 'hex'), ts, tmst, signal, snr, freq, dr, decode(encoded, 'hex')
    from unnest(
      ${rows.map((r) => r.id)}::text[], ${rows.map((r) => r.hotspotAddress)}::text[], ${rows.map((r) => String(r.receivedAtMs))}::bigint[],
      ${rows.map((r) => hex(r.payload))}::text[], ${rows.map((r) => String(r.reportedTimestampNs))}::bigint[], ${rows.map((r) => String(r.tmst))}::bigint[],
      ${rows.map((r) => r.signalDbmX10)}::int[], ${rows.map((r) => r.snrDbX10)}::int[], ${rows.map((r) => String(r.frequencyHz))}::bigint[],
      ${rows.map((r) => r.dataRate)}::text[], ${rows.map((r) => hex(r.encoded))}::text[]
    ) as t(id, hotspot, received, payload, ts, tmst, signal, snr, freq, dr, encoded)
    on conflict do nothing`;
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
      await this.options.sql.begin(async (tx) => {
        if (beacons.length) await insertBeacons(tx, beacons);
        if (witnesses.length) await insertWitnesses(tx, witnesses);
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
