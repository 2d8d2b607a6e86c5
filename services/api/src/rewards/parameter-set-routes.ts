/**
 * The protocol parameter sets epochs are paid under (`services/rewarder/README.md`), public so
 * owners and analysts can see the rules behind every manifest and a change before it takes effect:
 * emission, pool split, HIP-15/HIP-17 constants, PoC thresholds, fraud policy, density rule.
 *
 * A set is in force for epochs [effectiveFromEpoch, the next set's effectiveFromEpoch); a set
 * followed by another with the same effectiveFromEpoch never is (the later id wins, as the
 * rewarder chooses), which `status: superseded` says.
 */
import { Type, type Static } from 'typebox';
import { AppError } from '@cov/shared/errors';
import type { Clock } from '@cov/shared/clock';
import type postgres from 'postgres';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import { decodeCursor, encodeCursor } from '../http/cursor';

const ErrorRef = Type.Ref('ErrorResponse');
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, ErrorRef]));

export const ParameterSetView = Type.Object(
  {
    id: Type.Integer(),
    hash: Type.String({ description: 'sha256 (hex) of the RFC 8785 JSON of values; each manifest records the hash of its set.' }),
    effectiveFromEpoch: Type.Integer(),
    untilEpoch: Type.Union([Type.Integer(), Type.Null()], { description: 'First epoch of the next set (exclusive end), null for the latest.' }),
    status: Type.Union([Type.Literal('scheduled'), Type.Literal('in_force'), Type.Literal('past'), Type.Literal('superseded')], {
      description: 'Against the current epoch: not yet in force, in force now, in force earlier, or never (a later set took the same first epoch).',
    }),
    effectiveFrom: Type.String({ format: 'date-time', description: 'Start (UTC) of effectiveFromEpoch.' }),
    createdAt: Type.String({ format: 'date-time' }),
    values: Type.Record(Type.String(), Type.Unknown(), { description: 'The whole set, as recorded in manifests (rewarder parameter-set.ts).' }),
  },
  { $id: 'ParameterSet' },
);
type ParameterSetView = Static<typeof ParameterSetView>;

interface SetRow {
  id: number;
  effective_from_epoch: number;
  next_epoch: number | null;
  params: Record<string, unknown>;
  params_hash: string;
  created_at_ms: string;
}

export type ParameterSetStatus = ParameterSetView['status'];

/** Pure: where a set stands against the current epoch. */
export function parameterSetStatus(fromEpoch: number, nextEpoch: number | null, currentEpoch: number): ParameterSetStatus {
  if (nextEpoch !== null && nextEpoch === fromEpoch) return 'superseded';
  if (currentEpoch < fromEpoch) return 'scheduled';
  return nextEpoch === null || currentEpoch < nextEpoch ? 'in_force' : 'past';
}

function toView(r: SetRow, epochLengthMs: number, currentEpoch: number): ParameterSetView {
  return {
    id: r.id,
    hash: r.params_hash,
    effectiveFromEpoch: r.effective_from_epoch,
    untilEpoch: r.next_epoch,
    status: parameterSetStatus(r.effective_from_epoch, r.next_epoch, currentEpoch),
    effectiveFrom: new Date(r.effective_from_epoch * epochLengthMs).toISOString(),
    createdAt: new Date(Number(r.created_at_ms)).toISOString(),
    values: r.params,
  };
}

const isSetCursor = (v: unknown): v is { e: number; i: number } =>
  Number.isSafeInteger((v as { e?: unknown })?.e) && Number.isSafeInteger((v as { i?: unknown })?.i);

export async function registerParameterSetRoutes(app: HttpServer, deps: { sql: postgres.Sql; clock: Clock; epochLengthMs: number }): Promise<void> {
  // Every set with the first epoch of the set after it (the rewarder's order: epoch, then id).
  const ordered = () => deps.sql`
    select id, effective_from_epoch, params, params_hash, created_at_ms::text as created_at_ms,
           lead(effective_from_epoch) over (order by effective_from_epoch, id) as next_epoch
    from reward_parameter_sets`;
  const currentEpoch = () => Math.floor(deps.clock.nowMs() / deps.epochLengthMs);

  app.get(
    '/v1/rewards/parameter-sets',
    {
      schema: {
        tags: ['rewards'],
        summary: 'Protocol parameter sets, latest first: the rules each epoch is paid under, and scheduled changes',
        querystring: Type.Object({ cursor: Type.Optional(Type.String({ maxLength: 512 })), limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) }),
        response: { 200: Type.Object({ data: Type.Array(Type.Ref('ParameterSet')), cursor: Type.Union([Type.String(), Type.Null()]) }), ...errors(400) },
      },
    },
    async (request) => {
      const before = decodeCursor(request.query.cursor, isSetCursor);
      const limit = request.query.limit;
      const rows = await deps.sql<SetRow[]>`
        select * from (${ordered()}) s
        ${before ? deps.sql`where (effective_from_epoch, id) < (${before.e}, ${before.i})` : deps.sql``}
        order by effective_from_epoch desc, id desc limit ${limit + 1}`;
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      const now = currentEpoch();
      return {
        data: page.map((r) => toView(r, deps.epochLengthMs, now)),
        cursor: rows.length > limit && last ? encodeCursor({ e: last.effective_from_epoch, i: last.id }) : null,
      };
    },
  );

  app.get(
    '/v1/rewards/parameter-sets/:id',
    {
      schema: {
        tags: ['rewards'],
        summary: 'One protocol parameter set (a manifest names its set by id and hash)',
        params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) }),
        response: { 200: Type.Ref('ParameterSet'), ...errors(400, 404) },
      },
    },
    async (request) => {
      const [row] = await deps.sql<SetRow[]>`select * from (${ordered()}) s where id = ${request.params.id}`;
      if (!row) throw new AppError('rewards.parameter_set_not_found', `no parameter set ${request.params.id}`);
      return toView(row, deps.epochLengthMs, currentEpoch());
    },
  );
}
