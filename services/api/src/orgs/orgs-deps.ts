// What the device-maker API needs, derived once from the process context.
import type { Clock } from '@cov/shared/clock';
import type { Db } from '@cov/shared/db/client';
import type { ApiKeyUse } from '@cov/shared/routing/api-key-use';
import type { AdminKeys } from '../auth/admin-keys';

export interface OrgsDeps {
  db: Db;
  clock: Clock;
  adminKeys: AdminKeys;
  /** Notes when the org's keys are used (lastUsedAt in the key list). */
  keyUse: ApiKeyUse;
  /** NetID (6 hex) DevAddr blocks are allocated from. */
  netId: string;
}
