/**
 * Provisional rewards: what the epochs not paid yet would pay so far, network-wide, per hotspot,
 * per owner's fleet and per country, from the rows the rewarder recomputes every
 * PROVISIONAL_REWARDS_INTERVAL_MS. Owners read it as "earned today so far"; none of it is final
 * until the epoch is paid (then `/rewards/epochs` has the signed amounts and these rows are gone).
 */
import { Type } from 'typebox';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import { AppError } from '@cov/shared/errors';
import { hotspotName } from '@cov/shared/registry/hotspot-name';
import { decodeCursor, encodeCursor } from '../http/cursor';
import { isTotalCursor } from './leaderboard-cursor';
import { csvFormatParam, sendCsv, toCsv } from '../http/csv';
import type { ApiDeps } from '../api-deps';
import { requireKnownHotspot, requireValidAddress } from '../http/address-params';
import { countryCodeParam, requireCountryCode } from '../countries/country-code-param';
import { groupSize, type HotspotGroup } from '../earnings/earnings-repository';
import { Amount } from './reward-views';
import { groupProvisional, hotspotProvisional, openProvisionalEpochs, provisionalLeaderboard, type ProvisionalAmountsRow, type ProvisionalWindow } from './provisional-rewards-read-repository';

const ErrorRef = Type.Ref('ErrorResponse');
const PROVISIONAL_RULE =
  'The rewarder computes each epoch not paid yet (the current one, and the previous one until it is paid) exactly as it will pay it, from the inputs recorded up to `asOf`, splitting the part of the emission for the elapsed share of the epoch. ' +
  'Not final: beacons verified later, fraud flags written after the epoch and the hotspots interactive at its end can still change the amounts. Once paid, an epoch leaves this list for `/rewards/epochs`.';

const EpochWindowFields = {
  epoch: Type.Integer(),
  start: Type.String({ format: 'date-time' }),
  end: Type.String({ format: 'date-time', description: 'Exclusive.' }),
  asOf: Type.String({ format: 'date-time', description: 'Inputs recorded before this instant are counted.' }),
  status: Type.Union([Type.Literal('in_progress'), Type.Literal('awaiting_payment')], {
    description: 'in_progress: the epoch has not ended at asOf; awaiting_payment: it has, and the rewarder pays it once its inputs are complete.',
  }),
  elapsedShare: Type.Number({ minimum: 0, maximum: 1, description: "The share of the epoch before asOf, and so of the epoch's emission split so far." }),
};
const Split = {
  beaconAmount: Amount(),
  witnessAmount: Amount(),
  dataAmount: Amount(),
  totalAmount: Amount(),
  dataDc: Type.String({ pattern: '^[0-9]+$', description: 'Data credits of the packets carried so far.' }),
};

const ProvisionalEpoch = Type.Object({
  ...EpochWindowFields,
  computedAt: Type.String({ format: 'date-time' }),
  parameterSetId: Type.Integer(),
  emission: Amount("The epoch's emission times elapsedShare."),
  hotspotsRewarded: Type.Integer({ description: 'Hotspots with a total above zero so far.' }),
  totals: Type.Object({ beacon: Amount(), witness: Amount(), data: Amount(), total: Amount() }),
  dataDc: Type.String({ pattern: '^[0-9]+$' }),
  inputs: Type.Record(Type.String(), Type.Unknown(), {
    description: 'Counts so far (hotspotsWithInputs, interactiveHotspots, rewardedBeacons, rewardedWitnesses, flaggedHotspots) and what is not final: unverifiedBeacons, fraudAnalysed.',
  }),
});
const HotspotProvisional = Type.Object({
  ...EpochWindowFields,
  ...Split,
  beacons: Type.Integer({ description: 'Its rewarded beacons counted so far.' }),
  witnesses: Type.Integer({ description: 'Its valid, selected witnesses counted so far.' }),
});
const LeaderboardRow = Type.Object({
  address: Type.String(),
  name: Type.String({ description: 'Helium\'s three-word name of the hotspot.' }),
  ...Split,
  beacons: Type.Integer(),
  witnesses: Type.Integer(),
});
const GroupProvisional = Type.Object({
  ...EpochWindowFields,
  ...Split,
  hotspotsEarning: Type.Integer({ description: 'Hotspots of the group with a total above zero so far.' }),
});

const iso = (ms: number) => new Date(ms).toISOString();

function windowOf(e: ProvisionalWindow) {
  return {
    epoch: e.epoch,
    start: iso(e.startMs),
    end: iso(e.endMs),
    asOf: iso(e.asOfMs),
    status: e.asOfMs >= e.endMs ? ('awaiting_payment' as const) : ('in_progress' as const),
    elapsedShare: Math.min(1, Math.max(0, (e.asOfMs - e.startMs) / (e.endMs - e.startMs))),
  };
}

function splitOf(row: ProvisionalAmountsRow | null | undefined) {
  return {
    beaconAmount: row?.beacon ?? '0',
    witnessAmount: row?.witness ?? '0',
    dataAmount: row?.data ?? '0',
    totalAmount: row?.total ?? '0',
    dataDc: row?.dataDc ?? '0',
  };
}

export async function registerProvisionalRewardRoutes(app: HttpServer, deps: ApiDeps): Promise<void> {
  const sql = deps.database.sql;

  app.get(
    '/v1/rewards/pending',
    {
      schema: {
        tags: ['rewards'],
        summary: 'The epochs not paid yet: what they would pay so far, network-wide (newest first)',
        description: `${PROVISIONAL_RULE} Empty until the rewarder's first run (it runs at start, then every PROVISIONAL_REWARDS_INTERVAL_MS).`,
        response: { 200: Type.Object({ data: Type.Array(ProvisionalEpoch) }), 400: ErrorRef },
      },
    },
    async () => {
      const epochs = await openProvisionalEpochs(sql);
      return {
        data: epochs.map((e) => {
          const total = BigInt(e.beacon) + BigInt(e.witness) + BigInt(e.data);
          return {
            ...windowOf(e),
            computedAt: iso(e.computedAtMs),
            parameterSetId: e.parameterSetId,
            emission: e.emission,
            hotspotsRewarded: e.hotspotsRewarded,
            totals: { beacon: e.beacon, witness: e.witness, data: e.data, total: total.toString() },
            dataDc: e.dataDc,
            inputs: e.summary,
          };
        }),
      };
    },
  );

  app.get(
    '/v1/hotspots/:address/rewards/pending',
    {
      schema: {
        tags: ['hotspots', 'rewards'],
        summary: "What a hotspot has earned so far in the epochs not paid yet (today's earnings), newest first",
        description: `${PROVISIONAL_RULE} One row per open epoch, zero where the hotspot has no rewarded input in it yet.`,
        params: Type.Object({ address: Type.String({ minLength: 1, maxLength: 128 }) }),
        response: { 200: Type.Object({ data: Type.Array(HotspotProvisional) }), 400: ErrorRef, 404: ErrorRef },
      },
    },
    async (request) => {
      const { address } = request.params;
      requireValidAddress(address);
      const rows = await hotspotProvisional(sql, address);
      // Most hotspots have a row: the registry is read only to tell an unknown hotspot from one without input yet.
      if (rows.every((r) => r.amounts === null)) await requireKnownHotspot(deps.db, address);
      return { data: rows.map(({ window, amounts }) => ({ ...windowOf(window), ...splitOf(amounts), beacons: amounts?.beacons ?? 0, witnesses: amounts?.witnesses ?? 0 })) };
    },
  );

  app.get(
    '/v1/rewards/pending/:epoch/hotspots',
    {
      schema: {
        tags: ['rewards'],
        summary: "An open epoch's hotspots, best earning so far first: today's leaderboard (keyset paginated; CSV with format=csv)",
        description: `${PROVISIONAL_RULE} Every hotspot with an input in the epoch so far (those earning nothing last, by address). 404 rewards.epoch_not_found for an epoch that is not open: a paid one is at /v1/rewards/epochs/{epoch}/hotspots?order=total.`,
        params: Type.Object({ epoch: Type.Integer({ minimum: 0, maximum: 2_147_483_647 }) }),
        querystring: Type.Object({
          cursor: Type.Optional(Type.String({ maxLength: 512 })),
          limit: Type.Integer({ minimum: 1, maximum: 5000, default: 100 }),
          format: csvFormatParam('paged', 'one row per hotspot of the page (address, name, beacon/witness/data/total so far, beacons, witnesses, data credits)'),
        }),
        response: { 200: Type.Object({ asOf: Type.String({ format: 'date-time' }), data: Type.Array(LeaderboardRow), cursor: Type.Union([Type.String(), Type.Null()]) }), 400: ErrorRef, 404: ErrorRef },
      },
    },
    async (request, reply) => {
      const run = (await openProvisionalEpochs(sql)).find((e) => e.epoch === request.params.epoch);
      if (!run) throw new AppError('rewards.epoch_not_found', `epoch ${request.params.epoch} is not open (not computed yet, or paid): open epochs are at /v1/rewards/pending`);
      const after = decodeCursor(request.query.cursor, isTotalCursor);
      const rows = await provisionalLeaderboard(sql, run.epoch, after && { total: BigInt(after.t), address: after.a }, request.query.limit + 1);
      const page = rows.slice(0, request.query.limit);
      const last = page.at(-1);
      const cursor = rows.length > page.length && last ? encodeCursor({ t: last.total, a: last.address }) : null;
      const data = page.map((r) => ({ address: r.address, name: hotspotName(r.address), ...splitOf(r), beacons: r.beacons, witnesses: r.witnesses }));
      if (request.query.format === 'csv') {
        const header = ['address', 'name', 'epoch', 'beacon_amount', 'witness_amount', 'data_amount', 'total_amount', 'beacons', 'witnesses', 'data_dc', 'as_of'];
        const asOf = iso(run.asOfMs);
        return sendCsv(reply, toCsv(header, data.map((h) => [h.address, h.name, run.epoch, h.beaconAmount, h.witnessAmount, h.dataAmount, h.totalAmount, h.beacons, h.witnesses, h.dataDc, asOf])), cursor);
      }
      return { asOf: iso(run.asOfMs), data, cursor };
    },
  );

  const groupAnswer = async (group: HotspotGroup) => {
    const [rows, hotspots] = await Promise.all([groupProvisional(sql, group), groupSize(sql, group)]);
    return { hotspots, data: rows.map(({ window, amounts }) => ({ ...windowOf(window), ...splitOf(amounts), hotspotsEarning: amounts.hotspotsEarning })) };
  };
  const GroupAnswer = (hotspotsDescription: string) => Type.Object({ hotspots: Type.Integer({ description: hotspotsDescription }), data: Type.Array(GroupProvisional) });

  app.get(
    '/v1/owners/:owner/rewards/pending',
    {
      schema: {
        tags: ['rewards'],
        summary: "What an owner's fleet has earned so far in the epochs not paid yet, newest first",
        description: `${PROVISIONAL_RULE} The fleet is the hotspots the owner has now.`,
        params: Type.Object({ owner: Type.String({ maxLength: 128 }) }),
        response: { 200: GroupAnswer('How many hotspots the owner has now.'), 400: ErrorRef },
      },
    },
    async (request) => {
      requireValidAddress(request.params.owner, 'owner');
      return groupAnswer({ owner: request.params.owner });
    },
  );

  app.get(
    '/v1/countries/:code/rewards/pending',
    {
      schema: {
        tags: ['rewards', 'coverage'],
        summary: "What a country's hotspots have earned so far in the epochs not paid yet, newest first",
        description: `${PROVISIONAL_RULE} The country's hotspots are those located in it now.`,
        params: Type.Object({ code: countryCodeParam('The country:') }),
        response: { 200: GroupAnswer('How many hotspots are located in the country now.'), 400: ErrorRef, 404: ErrorRef },
      },
    },
    async (request) => groupAnswer({ country: requireCountryCode(request.params.code) }),
  );
}
