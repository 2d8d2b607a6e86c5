/**
 * Analysts' country rankings (the old API's cities and countries, by country only: the bundled
 * outlines name countries, not cities): GET /v1/countries lists every country with located
 * hotspots, ordered by a figure, and GET /v1/countries/:code one country. Both are read from the
 * coverage snapshot, so a country's figures equal the sums over its hexes; a country's hotspots are
 * listed by GET /v1/hotspots?country=, and what they earned over time by
 * GET /v1/countries/:code/rewards/history (earnings-routes.ts, with an owner's fleet history).
 */
import { Type } from 'typebox';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import type { CoverageSnapshots } from '../coverage/coverage-snapshot';
import { csvFormatParam, sendCsv, toCsv } from '../http/csv';
import { countryCodeParam, requireCountryCode } from './country-code-param';
import { emptyCountry, sortCountries } from './country-aggregates';
import { COUNTRY_CSV_HEADER, countryCsvRow, CountryView, toCountryView } from './country-views';

const ErrorRef = Type.Ref('ErrorResponse');
const CACHE = 'public, max-age=30';
const SnapshotFields = {
  snapshotAt: Type.String({ format: 'date-time', description: 'The coverage snapshot the figures come from (the hexes and the map read the same one).' }),
  rewardsEpoch: Type.Union([Type.Integer(), Type.Null()], { description: 'The latest paid epoch, whose rewards the figures show; null while none is.' }),
};

export async function registerCountryRoutes(app: HttpServer, snapshots: CoverageSnapshots): Promise<void> {
  app.get(
    '/v1/countries',
    {
      schema: {
        tags: ['coverage'],
        summary: 'Every country with located hotspots: hotspots, interactive, hexes, transmit scale, what the latest epoch paid',
        querystring: Type.Object({
          order: Type.Union([Type.Literal('hotspots'), Type.Literal('interactive'), Type.Literal('rewarded'), Type.Literal('rewards'), Type.Literal('code')], {
            default: 'hotspots',
            description: 'Largest first by hotspotCount, interactiveCount, rewardedCount or totalRewards, ties by code; code: A to Z.',
          }),
          region: Type.Optional(Type.String({ maxLength: 16, description: 'Only countries with hotspots on this LoRaWAN regional plan (e.g. EU868).' })),
          format: csvFormatParam('whole', 'one row per country (regions space-separated; the bbox as west, south, east, north)'),
        }),
        response: { 200: Type.Object({ ...SnapshotFields, data: Type.Array(Type.Ref('Country')) }), 400: ErrorRef },
      },
    },
    async (request, reply) => {
      const { order, region, format } = request.query;
      const snapshot = await snapshots.get();
      const all = snapshot.countries().values();
      const data = sortCountries(region === undefined ? all : [...all].filter((c) => c.regions.includes(region)), order).map(toCountryView);
      void reply.header('cache-control', CACHE);
      if (format === 'csv') return sendCsv(reply, toCsv(COUNTRY_CSV_HEADER, data.map(countryCsvRow)));
      return { snapshotAt: new Date(snapshot.builtAtMs).toISOString(), rewardsEpoch: snapshot.rewardsEpoch, data };
    },
  );

  app.get(
    '/v1/countries/:code',
    {
      schema: {
        tags: ['coverage'],
        summary: "One country's figures (all zero for a country without located hotspots); its hotspots: GET /v1/hotspots?country={code}",
        params: Type.Object({ code: countryCodeParam('The country:') }),
        response: { 200: Type.Object({ ...SnapshotFields, country: Type.Ref('Country') }), 400: ErrorRef, 404: ErrorRef },
      },
    },
    async (request, reply) => {
      const code = requireCountryCode(request.params.code);
      const snapshot = await snapshots.get();
      const country = snapshot.countries().get(code) ?? emptyCountry(code, snapshot.rewardsEpoch !== null);
      void reply.header('cache-control', CACHE);
      return { snapshotAt: new Date(snapshot.builtAtMs).toISOString(), rewardsEpoch: snapshot.rewardsEpoch, country: toCountryView(country) };
    },
  );
}

export const countrySchemas = [CountryView];
