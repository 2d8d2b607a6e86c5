// What the API's use cases and handlers need, derived once from the process context.
import type { Clock } from '@cov/shared/clock';
import type { Db } from '@cov/shared/db/client';
import type { RegionLookup } from '@cov/shared/location-region/region-lookup';
import type { Database } from '@cov/shared/db/client';
import type { CoverageSnapshots } from './coverage/coverage-snapshot';
import type { ApiKeyUse } from '@cov/shared/routing/api-key-use';
import type { AdminKeys } from './auth/admin-keys';

export interface ApiDeps {
  db: Db;
  clock: Clock;
  regions: RegionLookup;
  adminKeys: AdminKeys;
  /** Notes when maker and organisation keys are used (lastUsedAt in their key lists). */
  keyUse: ApiKeyUse;
  maxSkewMs: number;
  database: Database;
  coverage: CoverageSnapshots;
  /** A hotspot is online if it reported or carried a packet within this window (two beacon intervals). */
  onlineWindowMs: number;
}
