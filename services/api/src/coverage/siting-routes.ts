/**
 * GET /v1/coverage/siting: before placing a hotspot, what it would get there and what it would do
 * to the hotspots around it (siting-estimate.ts), from the coverage snapshot the map and the hex
 * lists read, with the location checks an assertion there would meet.
 */
import { Type } from 'typebox';
import { cellToParent, latLngToCell } from 'h3-js';
import { AppError } from '@cov/shared/errors';
import type { HttpServer } from '@cov/shared/http/create-http-server';
import type { RegionLookup } from '@cov/shared/location-region/region-lookup';
import { hotspotName } from '@cov/shared/registry/hotspot-name';
import { HotspotNameField } from '../registry/hotspot-view';
import { CountryRef, countryRef } from '../countries/country-views';
import type { CoverageSnapshots, Snapshot } from './coverage-snapshot';
import { requireLatLng } from './geo-input';
import { DensityInputsByCell, estimateSiting } from './siting-estimate';

const ErrorRef = Type.Ref('ErrorResponse');
/** Changed neighbours listed (the largest drops); `changedCount` says how many there are. */
const MAX_CHANGES_LISTED = 100;
const ASSERTED_RES = 12;
const HEX_RES = 8;

const SitingAnswer = Type.Object({
  snapshotAt: Type.String({ format: 'date-time', description: 'The coverage snapshot the estimate counts from.' }),
  location: Type.Object({
    lat: Type.Number(),
    lng: Type.Number(),
    cell: Type.String({ description: 'The res-12 cell a location asserted here would take.' }),
    hex: Type.String({ description: 'Its res-8 hex, as the coverage views show it.' }),
    region: Type.String({ description: 'The LoRaWAN regional plan a hotspot here would use.' }),
    country: CountryRef,
  }),
  transmitScale: Type.Number({
    description:
      'The HIP-17 transmit scale a hotspot asserted here would get once interactive (a valid beacon with a valid witness), everything else as it is now; until then it has the default 0.2.',
  }),
  density: Type.Array(
    Type.Object({
      res: Type.Integer(),
      cell: Type.String(),
      hotspots: Type.Integer({ description: 'Interactive hotspots the cell would hold with the new one (HIP-17 unclipped count).' }),
      allowed: Type.Integer({ description: 'What the density rule lets the cell count (clipped count); the scale is the product of allowed / hotspots from res 11 up to res 4.' }),
    }),
    { description: 'The counts behind the scale, from res 11 up to res 4.' },
  ),
  changedCount: Type.Integer({ description: 'Interactive hotspots whose transmit scale the new one would change.' }),
  changed: Type.Array(
    Type.Object({
      address: Type.String(),
      name: HotspotNameField(),
      hex: Type.String({ description: 'Its res-8 hex.' }),
      transmitScale: Type.Number({ description: 'Its scale now.' }),
      transmitScaleAfter: Type.Number({ description: 'Its scale with the new hotspot interactive.' }),
    }),
    { description: `The largest drops first, then by address; at most ${MAX_CHANGES_LISTED}.` },
  ),
});

/** Each snapshot's inputs by cell, built on the first estimate against it. */
const inputsOf = new WeakMap<Snapshot, DensityInputsByCell>();

export async function registerSitingRoutes(app: HttpServer, deps: { coverage: CoverageSnapshots; regions: RegionLookup }): Promise<void> {
  app.get(
    '/v1/coverage/siting',
    {
      schema: {
        tags: ['coverage'],
        summary: 'Before placing a hotspot: the transmit scale it would get here, why, and whose scale it would lower',
        description:
          'The HIP-17 density rule the rewarder pays with, over the interactive hotspots of the coverage snapshot plus one at this point (exactly what recomputing the whole network would give). ' +
          'A point no hotspot could be asserted at (no LoRaWAN region: at sea, or outside the known countries) is a 422 `geo.no_region`, as the assertion would be.',
        querystring: Type.Object({ lat: Type.Number(), lng: Type.Number() }),
        response: { 200: SitingAnswer, 400: ErrorRef, 422: ErrorRef },
      },
    },
    async (request, reply) => {
      const { lat, lng } = request.query;
      requireLatLng(lat, lng);
      const region = deps.regions.regionAt(lat, lng);
      if (!region) throw new AppError('geo.no_region', `no LoRaWAN region at ${lat},${lng} (not on land in a known country): no hotspot could be asserted here`);
      const cell = latLngToCell(lat, lng, ASSERTED_RES);
      const snapshot = await deps.coverage.get();
      let inputs = inputsOf.get(snapshot);
      if (!inputs) inputsOf.set(snapshot, (inputs = new DensityInputsByCell(snapshot.densityInputs)));
      const estimate = estimateSiting(snapshot.density, inputs, cell);
      void reply.header('cache-control', 'public, max-age=30');
      return {
        snapshotAt: new Date(snapshot.builtAtMs).toISOString(),
        location: { lat, lng, cell, hex: cellToParent(cell, HEX_RES), region: region.region, country: countryRef(region.countryCode) },
        transmitScale: estimate.scale.scale,
        density: estimate.levels.map((l) => ({ res: l.res, cell: l.cell, hotspots: l.unclipped, allowed: l.clipped })),
        changedCount: estimate.changes.length,
        changed: estimate.changes.slice(0, MAX_CHANGES_LISTED).map((c) => ({
          address: c.address,
          name: hotspotName(c.address),
          hex: cellToParent(c.cell, HEX_RES),
          transmitScale: c.scaleBefore.scale,
          transmitScaleAfter: c.scaleAfter.scale,
        })),
      };
    },
  );
}
