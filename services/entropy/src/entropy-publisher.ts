/**
 * Publishes a new entropy value every ENTROPY_INTERVAL_MS of the injectable clock. It checks often
 * in real time (at most once a second) and publishes when the latest stored value is an interval
 * old, so it follows simulated time in the demo and never double-publishes after a restart: the
 * database, not process memory, says when the last value was made. Timestamps are whole seconds.
 * Replicas take turns on an advisory lock, so two that find a value due at the same moment publish
 * one, not two chained to the same previous value.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Clock } from '@cov/shared/clock';
import type { Db } from '@cov/shared/db/client';
import { insertEntropy, latestEntropy, type EntropyRow } from '@cov/shared/entropy/entropy-repository';
import type { Logger } from '@cov/shared/logger';
import { periodicTask, type Task } from '@cov/shared/runtime/task-runner';
import { entropyIsDue, nextEntropyData, signedEntropy } from './entropy-generator';
import type { EntropyTelemetry } from './telemetry';

export interface EntropyPublisherDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  oracleSecretKey: Uint8Array;
  intervalMs: number;
  onPublished?: (row: EntropyRow) => void;
  telemetry?: EntropyTelemetry;
}

// pg advisory lock key ("cov-entr"): one publisher at a time decides whether a value is due.
const PUBLISH_LOCK = '7165075469517091954';

export async function publishIfDue(deps: EntropyPublisherDeps): Promise<EntropyRow | undefined> {
  const nowMs = deps.clock.nowMs();
  // Most ticks find nothing due: a plain read decides that without taking the lock.
  const stored = await latestEntropy(deps.db);
  if (stored !== undefined) deps.telemetry?.latestTimestampSeconds.set(stored.timestampSec);
  if (!entropyIsDue(stored?.timestampSec, nowMs, deps.intervalMs)) return undefined;
  const row = await deps.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${PUBLISH_LOCK}::int8)`);
    // Read after the lock: a replica that waited sees the value the other one just published.
    const latest = await latestEntropy(tx);
    if (latest !== undefined) deps.telemetry?.latestTimestampSeconds.set(latest.timestampSec);
    if (!entropyIsDue(latest?.timestampSec, nowMs, deps.intervalMs)) return undefined;
    const next = signedEntropy(nextEntropyData(randomBytes(32), latest?.data, nowMs), Math.floor(nowMs / 1000), deps.oracleSecretKey);
    await insertEntropy(tx, next);
    return next;
  });
  if (!row) return undefined;
  deps.telemetry?.published.inc();
  deps.telemetry?.latestTimestampSeconds.set(row.timestampSec);
  deps.logger.debug({ timestampSec: row.timestampSec }, 'entropy published');
  deps.onPublished?.(row);
  return row;
}

export function entropyPublisherTask(deps: EntropyPublisherDeps): Task {
  return periodicTask('entropy-publisher', Math.min(1000, deps.intervalMs), async () => void (await publishIfDue(deps)), deps.logger);
}
