// The public shape of a hotspot, shared by every route that returns one.
import { Type, type Static } from 'typebox';
import { cellToLatLng } from 'h3-js';
import type { HotspotRow } from '@cov/shared/registry/hotspots-repository';
import { hotspotName } from '@cov/shared/registry/hotspot-name';
import { HotspotStatus } from './hotspot-status';
import { CountryRef, countryRef } from '../countries/country-views';

export const HotspotLocation = Type.Object({
  cell: Type.String({ description: 'Asserted location, H3 res-12 cell (hex).' }),
  cellRes8: Type.String({ description: 'Public coarse location, H3 res-8 parent cell.' }),
  lat: Type.Number({ description: 'Centre of the res-12 cell.' }),
  lng: Type.Number(),
  gainDbiX10: Type.Integer({ description: 'Antenna gain in tenths of dBi.' }),
  elevationM: Type.Integer(),
  region: Type.String({ description: 'LoRaWAN regional plan derived from the location.' }),
  country: Type.Union([CountryRef, Type.Null()], {
    description: 'The country the location is in (GET /v1/countries/{code}); null for a few minutes after an upgrade, until the API has filled in locations asserted before countries were kept.',
  }),
  nonce: Type.String({ description: 'Nonce of the assertion in force.' }),
  assertedAt: Type.String({ format: 'date-time' }),
});

/** A hotspot's name as the views that list other hotspots give it beside the address. */
export const HotspotNameField = () => Type.String({ description: 'Helium\'s three-word name of the hotspot ("feisty-glass-dalmatian"), as owners and explorers know it; not unique.' });

export const HotspotView = Type.Object(
  {
    address: Type.String({ description: 'Helium base58check address of the hotspot key.' }),
    name: Type.String({
      description: 'Helium\'s three-word name of the address ("feisty-glass-dalmatian"), as owners and explorers know the hotspot. Not unique: look one up with GET /v1/hotspots/name/{name}.',
    }),
    ownerAddress: Type.String(),
    transferNonce: Type.String({ description: 'Nonce of the last ownership transfer ("0" if never transferred); the next must exceed it.' }),
    makerId: Type.String(),
    capability: Type.Union([Type.Literal('full'), Type.Literal('data_only')]),
    gatewayEui: Type.String({ description: 'Gateway EUI reported by its packet forwarder (GWMP).' }),
    location: Type.Union([HotspotLocation, Type.Null()], { description: 'null until the owner asserts a location.' }),
    onboardedAt: Type.String({ format: 'date-time' }),
    status: Type.Optional(HotspotStatus),
  },
  { $id: 'Hotspot' },
);
export type HotspotView = Static<typeof HotspotView>;

export function toHotspotView(row: HotspotRow, status?: HotspotStatus): HotspotView {
  let location: HotspotView['location'] = null;
  if (row.locationCell && row.locationCellRes8 && row.region && row.locationAssertedAt && row.gainDbiX10 !== null && row.elevationM !== null) {
    const [lat, lng] = cellToLatLng(row.locationCell);
    location = {
      cell: row.locationCell,
      cellRes8: row.locationCellRes8,
      lat,
      lng,
      gainDbiX10: row.gainDbiX10,
      elevationM: row.elevationM,
      region: row.region,
      country: row.countryCode === null ? null : countryRef(row.countryCode),
      nonce: row.assertNonce.toString(),
      assertedAt: row.locationAssertedAt.toISOString(),
    };
  }
  return {
    address: row.address,
    // From the address itself when the row is not named yet (the API names old rows at start).
    name: row.name ?? hotspotName(row.address),
    ownerAddress: row.ownerAddress,
    transferNonce: row.transferNonce.toString(),
    makerId: row.makerId,
    capability: row.capability,
    gatewayEui: row.gatewayEui,
    location,
    onboardedAt: row.onboardedAt.toISOString(),
    ...(status ? { status } : {}),
  };
}
