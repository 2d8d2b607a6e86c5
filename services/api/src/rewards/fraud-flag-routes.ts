/**
 * GET /v1/hotspots/:address/flags: the fraud analytics flags raised on a hotspot, per epoch, with
 * their evidence and what the rewarder did about them. A flagged hotspot's PoC pages show valid
 * beacons and witnesses while its rewards show none (FRAUD_POLICY=exclude); without this view the
 * only place that said why was the whole epoch manifest.
 */
import { Type, type Static } from 'typebox';
import type postgres from 'postgres';
import type { Clock } from '@cov/shared/clock';
import type { Db } from '@cov/shared/db/client';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import { requireKnownHotspot } from '../http/address-params';
import { epochsStartingIn, parseTimeRange } from '../http/time-range';
import { asFraudAction, FraudAction } from './fraud-action';

const DAY_MS = 86_400_000;
const LIMITS = { defaultSpanMs: 30 * DAY_MS, maxSpanMs: 366 * DAY_MS };
const ErrorRef = Type.Ref('ErrorResponse');

const HotspotFlag = Type.Object({
  epoch: Type.Integer(),
  start: Type.String({ format: 'date-time' }),
  end: Type.String({ format: 'date-time', description: 'Exclusive.' }),
  kind: Type.String({ description: 'Fraud analytics check that raised it (location_spoofer, gaming_ring, fabricated_rssi, replayer, clock_skew, beacon_spammer, ...).' }),
  score: Type.Number({ description: 'How strongly the evidence points at the kind, 0..1.' }),
  evidence: Type.Record(Type.String(), Type.Unknown(), { description: 'The numbers behind the flag.' }),
  action: FraudAction,
});


export interface FlagRow {
  epoch: number;
  kind: string;
  score: number;
  evidence: Record<string, unknown>;
  /** The paid epoch's fraud policy as its parameter set names it; null when the epoch is not paid. */
  policy: string | null;
}

/** Flags of one hotspot in epochs [fromEpoch, toEpoch], newest first, with the policy each paid epoch applied. */
export async function hotspotFlags(sql: postgres.ISql, address: string, fromEpoch: number, toEpoch: number): Promise<FlagRow[]> {
  return sql<FlagRow[]>`
    select f.epoch, f.kind, f.score::float8 as score, f.evidence, ps.params->>'fraudPolicy' as policy
    from fraud_flags f
    left join reward_epochs e on e.epoch = f.epoch
    left join reward_parameter_sets ps on ps.id = e.parameter_set_id
    where f.hotspot_address = ${address} and f.epoch between ${fromEpoch} and ${toEpoch}
    order by f.epoch desc, f.kind`;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function toFlagView(r: FlagRow, epochLengthMs: number): Static<typeof HotspotFlag> {
  return {
    epoch: r.epoch,
    start: iso(r.epoch * epochLengthMs),
    end: iso((r.epoch + 1) * epochLengthMs),
    kind: r.kind,
    score: r.score,
    evidence: r.evidence,
    action: asFraudAction(r.policy),
  };
}

export async function registerFraudFlagRoutes(app: HttpServer, deps: { db: Db; sql: postgres.ISql; clock: Clock; epochLengthMs: number }): Promise<void> {
  app.get(
    '/v1/hotspots/:address/flags',
    {
      schema: {
        tags: ['hotspots', 'rewards'],
        summary: "Fraud analytics flags raised on a hotspot per epoch, with their evidence and what the epoch's payment did about them",
        description:
          'Why a hotspot with valid PoCs earned no (or reduced) beacon and witness rewards in an epoch. Epochs that start in [min_time, max_time); default the last 30 days, at most 366. An empty list: no flag in the range.',
        params: Type.Object({ address: Type.String({ maxLength: 128 }) }),
        querystring: Type.Object({
          min_time: Type.Optional(Type.String({ description: 'ISO 8601 or relative (-30 day); default max_time - 30 days; up to 366 days' })),
          max_time: Type.Optional(Type.String({ description: 'ISO 8601, relative or now (default)' })),
        }),
        response: { 200: Type.Object({ data: Type.Array(HotspotFlag) }), 400: ErrorRef, 404: ErrorRef },
      },
    },
    async (request) => {
      const range = parseTimeRange(request.query, deps.clock.nowMs(), LIMITS);
      await requireKnownHotspot(deps.db, request.params.address);
      const { fromEpoch, toEpoch } = epochsStartingIn(range, deps.epochLengthMs);
      const rows = await hotspotFlags(deps.sql, request.params.address, fromEpoch, toEpoch);
      return { data: rows.map((r) => toFlagView(r, deps.epochLengthMs)) };
    },
  );
}
