/**
 * Use case: analyse one epoch for fraud and store its flags. The verifier's poller runs it once per
 * epoch (epoch-analysis-task.ts); the rewarder waits for that before paying the epoch and then
 * excludes or downgrades flagged hotspots per FRAUD_POLICY. Idempotent: the epoch's flags are
 * replaced in one transaction by a deterministic recomputation, so running it again over the same
 * verdicts writes identical rows.
 */
import type postgres from 'postgres';
import type { Database, Db, Sql } from '@cov/shared/db/client';
import { jsonParam } from '../sql';
import type { FraudFlag } from './epoch-evidence';
import { detectFraud } from './detect-fraud';
import { loadEpochEvidence } from './epoch-evidence-repository';
import type { FraudParams } from './fraud-params';

export interface EpochAnalysis {
  epoch: number;
  flags: FraudFlag[];
  edges: number;
  model: { interceptDb: number; slopeDbPerDecade: number; sigmaDb: number } | null;
}

type TransactionSql = postgres.TransactionSql;

/** The process database (`ctx.database`) or its drizzle handle (`ctx.database.db`). */
export type AnalysisDatabase = Pick<Database, 'sql'> | Db;

function sqlOf(db: AnalysisDatabase): Sql {
  // A drizzle postgres.js instance keeps its client as $client (not in drizzle's exported type).
  return 'sql' in db ? db.sql : (db as unknown as { $client: Sql }).$client;
}

export async function analyseEpoch(db: AnalysisDatabase, epoch: number, params: Partial<FraudParams> = {}): Promise<EpochAnalysis> {
  return sqlOf(db).begin((tx) => analyseEpochIn(tx, epoch, params));
}

/** analyseEpoch inside the caller's transaction (which may write more, e.g. the analysis cursor). */
export async function analyseEpochIn(tx: TransactionSql, epoch: number, params: Partial<FraudParams> = {}): Promise<EpochAnalysis> {
  const evidence = await loadEpochEvidence(tx, epoch);
  const { model, flags } = detectFraud(evidence, params);
  await tx`delete from fraud_flags where epoch = ${epoch}`;
  if (flags.length > 0) {
    const rows = flags.map((f) => ({ hotspot_address: f.hotspotAddress, kind: f.kind, score: f.score, evidence: f.evidence }));
    await tx`
      insert into fraud_flags (epoch, hotspot_address, kind, score, evidence)
      select ${epoch}::integer, hotspot_address, kind, score, evidence
      from jsonb_to_recordset(${jsonParam(rows)}::text::jsonb) as r(hotspot_address text, kind text, score real, evidence jsonb)`;
  }
  return {
    epoch,
    flags,
    edges: evidence.edges.length,
    model: model && { interceptDb: model.interceptDb, slopeDbPerDecade: model.slopeDbPerDecade, sigmaDb: model.sigmaDb },
  };
}
