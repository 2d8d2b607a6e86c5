// Every ingest metric in one place, so handlers never spell metric names.
import { Counter, Gauge, Histogram, type Registry } from '@cov/shared/metrics';

export interface IngestTelemetry {
  received: Counter<'kind' | 'transport'>;
  rejected: Counter<'code' | 'transport'>;
  stored: Counter<'kind'>;
  storeFailures: Counter;
  sessions: Gauge;
  sessionsClosed: Counter<'code'>;
  flushSeconds: Histogram;
}

export function createIngestTelemetry(registry: Registry): IngestTelemetry {
  return {
    received: new Counter({ name: 'cov_ingest_reports_received_total', help: 'Reports received, before any check.', labelNames: ['kind', 'transport'], registers: [registry] }),
    rejected: new Counter({ name: 'cov_ingest_reports_rejected_total', help: 'Reports or requests refused, by stable error code.', labelNames: ['code', 'transport'], registers: [registry] }),
    stored: new Counter({ name: 'cov_ingest_reports_stored_total', help: 'Reports committed to the database.', labelNames: ['kind'], registers: [registry] }),
    storeFailures: new Counter({ name: 'cov_ingest_store_failures_total', help: 'Reports whose batch failed to commit (clients told to retry).', registers: [registry] }),
    sessions: new Gauge({ name: 'cov_ingest_sessions', help: 'Open hotspot WebSocket sessions.', registers: [registry] }),
    sessionsClosed: new Counter({ name: 'cov_ingest_sessions_closed_total', help: 'Sessions closed by the server, by stable error code.', labelNames: ['code'], registers: [registry] }),
    flushSeconds: new Histogram({ name: 'cov_ingest_flush_seconds', help: 'Time to commit one report batch.', buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5], registers: [registry] }),
  };
}
