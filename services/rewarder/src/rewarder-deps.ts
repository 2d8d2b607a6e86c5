// What the rewarder's use cases need, derived once from the process context.
import { join } from 'node:path';
import type { Clock } from '@cov/shared/clock';
import type { Config } from '@cov/shared/config/config';
import type { Sql } from '@cov/shared/db/client';
import type { Logger } from '@cov/shared/logger';
import type { AppContext } from '@cov/shared/runtime/app-context';
import type { OracleKey } from '@cov/shared/runtime/oracle-keys';
import { parameterSetFromConfig, type ProtocolParameterSet } from './parameter-set';
import { rewarderMetrics, type RewarderMetrics } from './rewarder-metrics';

export interface RewarderDeps {
  sql: Sql;
  clock: Clock;
  logger: Logger;
  oracleKey: OracleKey;
  metrics: RewarderMetrics;
  epochLengthMs: number;
  settleDelayMs: number;
  manifestsDir: string;
  /** The parameter set the current settings describe (activated from the current epoch if new). */
  configuredParameters: ProtocolParameterSet;
}

export function manifestsDirOf(config: Pick<Config, 'MANIFESTS_DIR' | 'DATA_DIR'>): string {
  return config.MANIFESTS_DIR || join(config.DATA_DIR, 'manifests');
}

export function rewarderDeps(ctx: AppContext): RewarderDeps {
  return {
    sql: ctx.database.sql,
    clock: ctx.clock,
    logger: ctx.logger,
    oracleKey: ctx.oracleKey,
    metrics: rewarderMetrics(ctx.metrics),
    epochLengthMs: ctx.config.EPOCH_LENGTH_MS,
    settleDelayMs: ctx.config.EPOCH_SETTLE_DELAY_MS,
    manifestsDir: manifestsDirOf(ctx.config),
    configuredParameters: parameterSetFromConfig(ctx.config),
  };
}
