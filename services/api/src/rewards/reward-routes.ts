/**
 * Rewards API: an epoch's manifest summary, its signed manifest file, its paid hotspots, a
 * hotspot's per-epoch rewards, and the Merkle proof of a hotspot's lifetime amount in an epoch.
 * Amounts are token base units as decimal strings (they pass 2^53). Handlers only translate HTTP
 * to reads; every number comes from the rows the rewarder wrote with the manifest.
 */
import { gunzipSync } from 'node:zlib';
import { Type } from 'typebox';
import { AppError } from '@cov/shared/errors';
import type { Db } from '@cov/shared/db/client';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import { findHotspot } from '@cov/shared/registry/hotspots-repository';
import { hotspotName } from '@cov/shared/registry/hotspot-name';
import { requireKnownHotspot, requireValidAddress } from '../http/address-params';
import { decodeCursor, encodeCursor } from '../http/cursor';
import { csvFormatParam, sendCsv, toCsv } from '../http/csv';
import { isTotalCursor } from './leaderboard-cursor';
import { LifetimeProofs } from './lifetime-proofs';
import { findEpochDocumentGz, findRewardEpoch, epochLeaderboardQuery, listEpochHotspots, listHotspotEpochRewards, listRewardEpochs } from './rewards-read-repository';
import { EpochSummary, HotspotEpochReward, toEpochSummary, toHotspotEpochReward } from './reward-views';

const ErrorRef = Type.Ref('ErrorResponse');
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, ErrorRef]));
const EpochParam = Type.Integer({ minimum: 0, maximum: 2_147_483_647, description: 'Epoch number: epoch N covers [N × EPOCH_LENGTH_MS, (N + 1) × EPOCH_LENGTH_MS).' });
const AddressParam = Type.String({ minLength: 1, maxLength: 128 });
const Page = (limitDefault: number, limitMax: number) =>
  Type.Object({ cursor: Type.Optional(Type.String({ maxLength: 512 })), limit: Type.Integer({ minimum: 1, maximum: limitMax, default: limitDefault }) });

const isEpochCursor = (v: unknown): v is { e: number } => Number.isSafeInteger((v as { e?: unknown })?.e);
const isAddressCursor = (v: unknown): v is { a: string } => typeof (v as { a?: unknown })?.a === 'string';
/** An address-order position; a leaderboard cursor (it has a total) is refused rather than read as one. */
const isAddressOrderCursor = (v: unknown): v is { a: string } => isAddressCursor(v) && !('t' in (v as object));
const totalPosition = (c: { t: string; a: string } | undefined) => (c === undefined ? undefined : { totalAmount: BigInt(c.t), address: c.a });

const ProofResponse = Type.Object({
  epoch: Type.Integer(),
  root: Type.String(),
  leaf: Type.Object({ address: Type.String(), amount: Type.String({ description: 'Cumulative lifetime base units after the epoch.' }) }),
  proof: Type.Array(Type.Object({ side: Type.Union([Type.Literal('left'), Type.Literal('right')]), hash: Type.String() })),
});

/** Shared response schemas, added once at the root (routes refer to them by $id). */
export const rewardSchemas = [EpochSummary, HotspotEpochReward];

export async function registerRewardRoutes(app: HttpServer, deps: { db: Db }): Promise<void> {
  const proofs = new LifetimeProofs(deps.db);

  app.get(
    '/v1/rewards/epochs',
    {
      schema: {
        tags: ['rewards'],
        summary: 'Paid epochs, newest first',
        querystring: Page(30, 365),
        response: { 200: Type.Object({ data: Type.Array(Type.Ref('EpochSummary')), cursor: Type.Union([Type.String(), Type.Null()]) }), ...errors(400) },
      },
    },
    async (request) => {
      const before = decodeCursor(request.query.cursor, isEpochCursor);
      const rows = await listRewardEpochs(deps.db, before?.e, request.query.limit + 1);
      const page = rows.slice(0, request.query.limit);
      const last = page[page.length - 1];
      return { data: page.map(toEpochSummary), cursor: rows.length > page.length && last ? encodeCursor({ e: last.epoch }) : null };
    },
  );

  app.get(
    '/v1/rewards/epochs/:epoch',
    {
      schema: {
        tags: ['rewards'],
        summary: "An epoch's manifest summary: hash, signature, Merkle root, parameters, rates, totals, burn-and-mint accounting",
        params: Type.Object({ epoch: EpochParam }),
        response: { 200: Type.Ref('EpochSummary'), ...errors(400, 404) },
      },
    },
    async (request) => {
      const row = await findRewardEpoch(deps.db, request.params.epoch);
      if (!row) throw new AppError('rewards.epoch_not_found', `epoch ${request.params.epoch} has no published manifest`);
      return toEpochSummary(row);
    },
  );

  app.get(
    '/v1/rewards/epochs/:epoch/manifest',
    {
      schema: {
        tags: ['rewards'],
        summary: "The epoch's signed manifest, byte for byte as published (check it with `npm run cli -- verify-manifest`)",
        params: Type.Object({ epoch: EpochParam }),
        response: { 200: Type.Unknown(), ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const gz = await findEpochDocumentGz(deps.db, request.params.epoch);
      if (!gz) throw new AppError('rewards.epoch_not_found', `epoch ${request.params.epoch} has no published manifest`);
      return reply.header('content-type', 'application/json; charset=utf-8').serializer((p: unknown) => p as string).send(gunzipSync(gz).toString('utf8'));
    },
  );

  app.get(
    '/v1/rewards/epochs/:epoch/hotspots',
    {
      schema: {
        tags: ['rewards'],
        summary: "An epoch's paid hotspots in address order, or best paid first (keyset paginated; CSV with format=csv)",
        description:
          '`order=total` walks the epoch\'s leaderboard: best paid first (beacon + witness + data), ties by address. A cursor belongs to the order it was given in: ' +
          'following it under the other order is a 400 `request.invalid`.',
        params: Type.Object({ epoch: EpochParam }),
        querystring: Type.Object({
          ...Page(500, 5000).properties,
          order: Type.Union([Type.Literal('address'), Type.Literal('total')], { default: 'address', description: 'address (default) or total: best paid first' }),
          format: csvFormatParam(
            'paged',
            'one row per paid hotspot of the page (address, beacon/witness/data/total amounts, lifetime, shares, data credits, standing, name): the epoch\'s rewards for analysis or tax tools, page by page',
          ),
        }),
        response: { 200: Type.Object({ data: Type.Array(Type.Ref('HotspotEpochReward')), cursor: Type.Union([Type.String(), Type.Null()]) }), ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const byTotal = request.query.order === 'total';
      const rows = byTotal
        ? await epochLeaderboardQuery(deps.db, request.params.epoch, totalPosition(decodeCursor(request.query.cursor, isTotalCursor)), request.query.limit + 1)
        : await listEpochHotspots(deps.db, request.params.epoch, decodeCursor(request.query.cursor, isAddressOrderCursor)?.a, request.query.limit + 1);
      if (rows.length === 0 && !(await findRewardEpoch(deps.db, request.params.epoch))) {
        throw new AppError('rewards.epoch_not_found', `epoch ${request.params.epoch} has no published manifest`);
      }
      const page = rows.slice(0, request.query.limit);
      const last = page[page.length - 1];
      const data = page.map((r) => toHotspotEpochReward(r));
      const cursor =
        rows.length > page.length && last
          ? encodeCursor(byTotal ? { t: last.totalAmount.toString(), a: last.hotspotAddress } : { a: last.hotspotAddress })
          : null;
      if (request.query.format === 'csv') {
        const csvRows = data.map((h) => [h.address, h.epoch, h.beaconAmount, h.witnessAmount, h.dataAmount, h.totalAmount, h.lifetimeAmount, h.beaconShares, h.witnessShares, h.dataDc, h.standing, hotspotName(h.address)]);
        const header = ['address', 'epoch', 'beacon_amount', 'witness_amount', 'data_amount', 'total_amount', 'lifetime_amount', 'beacon_shares', 'witness_shares', 'data_dc', 'standing', 'name'];
        return sendCsv(reply, toCsv(header, csvRows), cursor);
      }
      return { data, cursor };
    },
  );

  app.get(
    '/v1/rewards/epochs/:epoch/proofs/:address',
    {
      schema: {
        tags: ['rewards'],
        summary: "Merkle proof of a hotspot's cumulative lifetime amount against the epoch's signed root",
        description:
          'leaf = sha256(0x00 ‖ u16be len(address) ‖ address ‖ u64be amount); node = sha256(0x01 ‖ left ‖ right); side "left" means hash(sibling ‖ running). Leaves sorted by address bytes; an unpaired node moves up unchanged.',
        params: Type.Object({ epoch: EpochParam, address: AddressParam }),
        response: { 200: ProofResponse, ...errors(400, 404) },
      },
    },
    async (request) => {
      requireValidAddress(request.params.address);
      return proofs.proofOf(request.params.epoch, request.params.address);
    },
  );

  app.get(
    '/v1/hotspots/:address/rewards/proof',
    {
      schema: {
        tags: ['hotspots', 'rewards'],
        summary: "Merkle proof of this hotspot's lifetime amount against an epoch's signed manifest root",
        params: Type.Object({ address: AddressParam }),
        querystring: Type.Object({ epoch: EpochParam }),
        response: { 200: ProofResponse, ...errors(400, 404) },
      },
    },
    async (request) => {
      await requireKnownHotspot(deps.db, request.params.address);
      return proofs.proofOf(request.query.epoch, request.params.address);
    },
  );

  app.get(
    '/v1/hotspots/:address/rewards/epochs',
    {
      schema: {
        tags: ['hotspots', 'rewards'],
        summary: "A hotspot's rewards per epoch with the shares behind them and the lifetime total after each, newest first (cursor-paginated; time-bucketed views are at /v1/hotspots/:address/rewards)",
        params: Type.Object({ address: AddressParam }),
        querystring: Page(30, 365),
        response: { 200: Type.Object({ data: Type.Array(Type.Ref('HotspotEpochReward')), cursor: Type.Union([Type.String(), Type.Null()]) }), ...errors(400, 404) },
      },
    },
    async (request) => {
      requireValidAddress(request.params.address);
      const before = decodeCursor(request.query.cursor, isEpochCursor);
      const rows = await listHotspotEpochRewards(deps.db, request.params.address, before?.e, request.query.limit + 1);
      if (rows.length === 0 && !(await findHotspot(deps.db, request.params.address))) {
        throw new AppError('hotspots.not_found', `no hotspot ${request.params.address}`);
      }
      const page = rows.slice(0, request.query.limit);
      const last = page[page.length - 1];
      return { data: page.map((r) => toHotspotEpochReward(r, true)), cursor: rows.length > page.length && last ? encodeCursor({ e: last.epoch }) : null };
    },
  );
}
