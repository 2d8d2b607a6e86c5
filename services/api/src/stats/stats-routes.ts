/**
 * GET /v1/stats (the network now: hotspots, interactive, PoCs and invalid reasons over the last
 * 24 h, data transfer, the latest reward epoch) and GET /v1/stats/history (one row per epoch).
 * Paid epochs never change, so a history over paid epochs, named by instants, is cached long.
 */
import { Type } from 'typebox';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import type { Clock } from '@cov/shared/clock';
import type { Database } from '@cov/shared/db/client';
import type { CoverageSnapshots, Snapshot } from '../coverage/coverage-snapshot';
import { UNKNOWN_COUNTRY } from '@cov/shared/location-region/country-codes';
import { epochsStartingIn, isFixedTimeRange, parseTimeRange } from '../http/time-range';
import { csvFormatParam, sendCsv, toCsv } from '../http/csv';
import { dataTransfer, hotspotCounts, invalidReasons, latestRewardEpoch, pocCounts, pocsByEpoch, rewardEpochRows, rewardsPaidUntilMs, type EpochRewardSummary } from './stats-repository';

const DAY_MS = 86_400_000;
/** Countries with located hotspots; ZZ groups areas without a country code and is not one. */
const countryCount = (snapshot: Snapshot): number => [...snapshot.countries().keys()].filter((code) => code !== UNKNOWN_COUNTRY).length;
const ErrorRef = Type.Ref('ErrorResponse');
const Counts = Type.Record(Type.String(), Type.Integer());

const RewardEpoch = Type.Object({
  epoch: Type.Integer(),
  start: Type.String({ format: 'date-time', description: 'As every other view gives an epoch (UTC).' }),
  end: Type.String({ format: 'date-time', description: 'Exclusive.' }),
  startMs: Type.Number({ description: 'start in ms since 1970 (kept for existing clients).' }),
  endMs: Type.Number({ description: 'end in ms since 1970 (kept for existing clients).' }),
  emission: Type.String({ description: 'token base units' }),
  hotspotsRewarded: Type.Integer(),
  beaconAmount: Type.String(),
  witnessAmount: Type.String(),
  dataAmount: Type.String(),
  dcBurned: Type.String(),
  dcBurnedUsd: Type.String(),
  emittedUsd: Type.String(),
  manifestHash: Type.String(),
});

/** An epoch's reward summary with its bounds as ISO instants, as the rewards and earnings views give them. */
const withDates = (r: EpochRewardSummary) => ({ ...r, start: new Date(r.startMs).toISOString(), end: new Date(r.endMs).toISOString() });

export interface StatsDeps {
  database: Database;
  clock: Clock;
  coverage: CoverageSnapshots;
  epochLengthMs: number;
}

export async function registerStatsRoutes(app: HttpServer, deps: StatsDeps): Promise<void> {
  const { sql } = deps.database;
  app.get(
    '/v1/stats',
    {
      schema: {
        tags: ['network'],
        summary: 'Network statistics now (PoC figures over the last 24 h)',
        response: {
          200: Type.Object({
            at: Type.String({ format: 'date-time' }),
            hotspots: Type.Object({ total: Type.Integer(), full: Type.Integer(), dataOnly: Type.Integer(), asserted: Type.Integer({ description: 'asserted locations in the registry now' }), interactive: Type.Integer() }),
            coverage: Type.Object(
              {
                snapshotAt: Type.String({ format: 'date-time' }),
                asserted: Type.Integer(),
                interactive: Type.Integer(),
                countries: Type.Integer({ description: 'Countries with located hotspots (GET /v1/countries lists them)' }),
              },
              { description: 'The coverage snapshot hex lists, hex details and the map read (the same snapshotAt): its counts equal the sums of hotspotCount and interactiveCount over its hexes at any resolution' },
            ),
            last24h: Type.Object({
              beacons: Type.Integer(),
              validBeacons: Type.Integer(),
              witnesses: Type.Integer(),
              validWitnesses: Type.Integer(),
              selectedWitnesses: Type.Integer(),
              invalidReasons: Type.Object({ beacon: Counts, witness: Counts }),
              packetCopies: Type.Integer(),
              dcBurned: Type.Integer(),
            }),
            latestRewardEpoch: Type.Union([RewardEpoch, Type.Null()]),
          }),
          // It takes no query parameter (a misspelt filter is refused, not ignored).
          400: ErrorRef,
        },
      },
    },
    async (_request, reply) => {
      const nowMs = deps.clock.nowMs();
      const fromMs = nowMs - DAY_MS;
      const [counts, pocs, reasons, data, epoch, snapshot] = await Promise.all([
        hotspotCounts(sql),
        pocCounts(sql, fromMs, nowMs),
        invalidReasons(sql, fromMs, nowMs),
        dataTransfer(sql, fromMs, nowMs),
        latestRewardEpoch(sql),
        deps.coverage.get(),
      ]);
      void reply.header('cache-control', 'public, max-age=30');
      const interactive = snapshot.hotspots.filter((h) => h.interactive).length;
      return {
        at: new Date(nowMs).toISOString(),
        hotspots: { total: counts.hotspots, full: counts.full, dataOnly: counts.dataOnly, asserted: counts.asserted, interactive },
        // The registry's asserted count is live; hex lists count the snapshot, up to COVERAGE_SNAPSHOT_TTL_MS older.
        coverage: { snapshotAt: new Date(snapshot.builtAtMs).toISOString(), asserted: snapshot.hotspots.length, interactive, countries: countryCount(snapshot) },
        last24h: { ...pocs, invalidReasons: reasons, packetCopies: data.copies, dcBurned: data.dcBurned },
        latestRewardEpoch: epoch ? withDates(epoch) : null,
      };
    },
  );

  app.get(
    '/v1/stats/history',
    {
      schema: {
        tags: ['network'],
        summary: 'Network statistics per epoch: PoCs, rewards, data credits burned',
        querystring: Type.Object({
          min_time: Type.Optional(Type.String({ description: 'ISO 8601 or relative; default max_time - 30 days; up to 366 days; epochs starting in [min_time, max_time), as the earnings views count them' })),
          max_time: Type.Optional(Type.String({ description: 'ISO 8601, relative or now (default)' })),
          format: csvFormatParam('whole', 'one row per epoch (PoC counts, then the reward figures, empty for an epoch not paid yet)'),
        }),
        response: {
          200: Type.Object({
            data: Type.Array(
              Type.Object({
                epoch: Type.Integer(),
                start: Type.String({ format: 'date-time' }),
                beacons: Type.Integer(),
                validBeacons: Type.Integer(),
                witnesses: Type.Integer(),
                validWitnesses: Type.Integer(),
                selectedWitnesses: Type.Integer(),
                rewards: Type.Union([RewardEpoch, Type.Null()]),
              }),
            ),
          }),
          400: ErrorRef,
        },
      },
    },
    async (request, reply) => {
      const nowMs = deps.clock.nowMs();
      const range = parseTimeRange(request.query, nowMs, { defaultSpanMs: 30 * DAY_MS, maxSpanMs: 366 * DAY_MS });
      const { fromEpoch, toEpoch } = epochsStartingIn(range, deps.epochLengthMs);
      const [pocs, rewards, paidUntilMs] = await Promise.all([pocsByEpoch(sql, fromEpoch, toEpoch), rewardEpochRows(sql, fromEpoch, toEpoch, toEpoch - fromEpoch + 1), rewardsPaidUntilMs(sql)]);
      const rewardBy = new Map(rewards.map((r) => [r.epoch, r]));
      const epochs = [...new Set([...pocs.map((p) => p.epoch), ...rewards.map((r) => r.epoch)])].sort((a, b) => a - b);
      const pocBy = new Map(pocs.map((p) => [p.epoch, p]));
      // Final only once every epoch in the range is paid (an ended epoch is paid about 45 min later,
      // after its last beacons are verified: until then its PoC counts grow and its rewards are
      // null) and the URL names the range by instants (`max_time=-1 day` names another one tomorrow).
      const final = isFixedTimeRange(request.query) && (toEpoch + 1) * deps.epochLengthMs <= paidUntilMs;
      void reply.header('cache-control', final ? 'public, max-age=86400, immutable' : 'public, max-age=60');
      const data = epochs.map((epoch) => {
        const p = pocBy.get(epoch);
        return {
          epoch,
          start: new Date(epoch * deps.epochLengthMs).toISOString(),
          beacons: p?.beacons ?? 0,
          validBeacons: p?.validBeacons ?? 0,
          witnesses: p?.witnesses ?? 0,
          validWitnesses: p?.validWitnesses ?? 0,
          selectedWitnesses: p?.selectedWitnesses ?? 0,
          rewards: rewardBy.has(epoch) ? withDates(rewardBy.get(epoch)!) : null,
        };
      });
      if (request.query.format === 'csv') return sendCsv(reply, historyCsv(data));
      return { data };
    },
  );
}

/** The history as an analyst's spreadsheet takes it: one row per epoch, the reward figures empty until it is paid. */
function historyCsv(
  data: { epoch: number; start: string; beacons: number; validBeacons: number; witnesses: number; validWitnesses: number; selectedWitnesses: number; rewards: ReturnType<typeof withDates> | null }[],
): string {
  const header = ['epoch', 'start', 'beacons', 'valid_beacons', 'witnesses', 'valid_witnesses', 'selected_witnesses', 'hotspots_rewarded', 'emission', 'beacon_amount', 'witness_amount', 'data_amount', 'dc_burned', 'dc_burned_usd', 'emitted_usd', 'manifest_hash'];
  const rows = data.map((d) => {
    const r = d.rewards;
    return [d.epoch, d.start, d.beacons, d.validBeacons, d.witnesses, d.validWitnesses, d.selectedWitnesses, r?.hotspotsRewarded, r?.emission, r?.beaconAmount, r?.witnessAmount, r?.dataAmount, r?.dcBurned, r?.dcBurnedUsd, r?.emittedUsd, r?.manifestHash];
  });
  return toCsv(header, rows);
}
