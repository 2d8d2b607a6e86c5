/**
 * Who may touch an organisation's data: the admin key, or a live API key of that very org (write
 * scope to change anything). A key of another org gets 403 whatever it asks for, so an org never
 * reads or changes another's routes, keys, ledger or stats. Every key that passes is noted
 * (lastUsedAt in the key list).
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '@cov/shared/errors';
import { findOrgKeyHolder, type OrgKeyScope } from '@cov/shared/routing/org-api-keys';
import { presentedApiKey, warnPreviousAdminKey } from '../auth/api-keys';
import type { OrgsDeps } from './orgs-deps';

export type OrgCaller = { kind: 'admin' } | { kind: 'org'; orgId: string; keyId: string; scope: OrgKeyScope };

export async function authorizeOrg(request: FastifyRequest, deps: OrgsDeps, orgId: string, need: OrgKeyScope): Promise<OrgCaller> {
  const key = presentedApiKey(request);
  const admin = deps.adminKeys.match(key);
  if (admin === 'previous') warnPreviousAdminKey(request);
  if (admin !== undefined) return { kind: 'admin' };
  const holder = await findOrgKeyHolder(deps.db, key);
  if (!holder) throw new AppError('auth.bad_key', 'not a valid organisation API key');
  if (holder.orgId !== orgId) throw new AppError('auth.forbidden', 'this API key belongs to another organisation');
  if (need === 'write' && holder.scope !== 'write') throw new AppError('auth.forbidden', 'this API key is read-only');
  await deps.keyUse.record('org', holder.keyId);
  return { kind: 'org', ...holder };
}
