/**
 * Use case: the owner asserts a hotspot's location, antenna gain and elevation with a request
 * signed by the owner's key. The location is stored as its H3 res-12 cell (what the network
 * reasons with) and the LoRaWAN region is derived from it. Every accepted assertion is kept.
 *
 * Checks, cheapest first and each with its own error code: coordinate ranges (geo.out_of_range),
 * hotspot exists (hotspots.not_found), signer is the owner (hotspots.not_owner), timestamp is
 * fresh (auth.stale_request), signature (auth.bad_signature), location is on land in a known
 * region (geo.no_region), nonce beats the last one (auth.replayed_nonce; checked under a row lock
 * so two concurrent assertions cannot both pass).
 */
import { cellToParent, latLngToCell } from 'h3-js';
import { AppError } from '@cov/shared/errors';
import type { Clock } from '@cov/shared/clock';
import type { Db } from '@cov/shared/db/client';
import { verify } from '@cov/shared/helium/keys';
import { locationAssertionBytes, type LocationAssertionFields } from '@cov/shared/registry/location-assertion';
import { findHotspot, findHotspotForUpdate, recordLocationAssertion, type HotspotRow } from '@cov/shared/registry/hotspots-repository';
import type { RegionLookup } from '@cov/shared/location-region/region-lookup';

/** Asserted locations are H3 res-12 cells (~300 m² each), as on Helium. */
export const ASSERTED_LOCATION_RES = 12;
/** Public, coarse location shown on maps. */
export const PUBLIC_LOCATION_RES = 8;
/** 0 to 30 dBi in tenths: beyond that an "antenna gain" is a typo or an attempt to loosen RSSI checks. */
export const MAX_GAIN_DBI_X10 = 300;
export const MIN_ELEVATION_M = -500;
export const MAX_ELEVATION_M = 9000;

export interface AssertLocationDeps {
  db: Db;
  clock: Clock;
  regions: RegionLookup;
  maxSkewMs: number;
}

export function checkAssertionRanges(input: Pick<LocationAssertionFields, 'lat' | 'lng' | 'gainDbiX10' | 'elevationM'>): void {
  const bad = (field: string, message: string) => new AppError('geo.out_of_range', message, { field });
  if (!Number.isFinite(input.lat) || input.lat < -90 || input.lat > 90) throw bad('lat', `lat ${input.lat} is outside -90..90`);
  if (!Number.isFinite(input.lng) || input.lng < -180 || input.lng > 180) throw bad('lng', `lng ${input.lng} is outside -180..180`);
  if (!Number.isInteger(input.gainDbiX10) || input.gainDbiX10 < 0 || input.gainDbiX10 > MAX_GAIN_DBI_X10) throw bad('gainDbiX10', `gainDbiX10 ${input.gainDbiX10} is outside 0..${MAX_GAIN_DBI_X10}`);
  if (!Number.isInteger(input.elevationM) || input.elevationM < MIN_ELEVATION_M || input.elevationM > MAX_ELEVATION_M)
    throw bad('elevationM', `elevationM ${input.elevationM} is outside ${MIN_ELEVATION_M}..${MAX_ELEVATION_M}`);
}

export async function assertLocation(deps: AssertLocationDeps, input: LocationAssertionFields, signature: Uint8Array): Promise<HotspotRow> {
  checkAssertionRanges(input);
  const hotspot = await findHotspot(deps.db, input.hotspot);
  if (!hotspot) throw new AppError('hotspots.not_found', `no hotspot ${input.hotspot}`);
  if (hotspot.ownerAddress !== input.owner) throw new AppError('hotspots.not_owner', `${input.owner} does not own hotspot ${input.hotspot}`);
  const nowMs = deps.clock.nowMs();
  if (Math.abs(nowMs - input.timestampMs) > deps.maxSkewMs) {
    throw new AppError('auth.stale_request', `timestampMs is ${nowMs - input.timestampMs} ms from server time (limit ${deps.maxSkewMs})`, { serverTimeMs: nowMs });
  }
  if (!verify(locationAssertionBytes(input), signature, input.owner)) {
    throw new AppError('auth.bad_signature', 'signature does not verify against the owner key over the canonical assertion bytes');
  }
  const region = deps.regions.regionAt(input.lat, input.lng);
  if (!region) throw new AppError('geo.no_region', `no LoRaWAN region at ${input.lat},${input.lng} (not on land in a known country)`);

  const cell = latLngToCell(input.lat, input.lng, ASSERTED_LOCATION_RES);
  return deps.db.transaction(async (tx) => {
    const locked = await findHotspotForUpdate(tx, input.hotspot);
    if (!locked) throw new AppError('hotspots.not_found', `no hotspot ${input.hotspot}`);
    if (BigInt(input.nonce) <= locked.assertNonce) {
      throw new AppError('auth.replayed_nonce', `nonce ${input.nonce} must be greater than the last accepted nonce ${locked.assertNonce}`, {
        lastNonce: locked.assertNonce.toString(),
      });
    }
    const assertedAt = new Date(nowMs);
    await recordLocationAssertion(
      tx,
      input.hotspot,
      {
        locationCell: cell,
        locationCellRes8: cellToParent(cell, PUBLIC_LOCATION_RES),
        gainDbiX10: input.gainDbiX10,
        elevationM: input.elevationM,
        region: region.region,
        countryCode: region.countryCode,
        assertNonce: BigInt(input.nonce),
        locationAssertedAt: assertedAt,
      },
      {
        nonce: BigInt(input.nonce),
        ownerAddress: input.owner,
        locationCell: cell,
        gainDbiX10: input.gainDbiX10,
        elevationM: input.elevationM,
        region: region.region,
        signature,
        assertedAt,
      },
    );
    const updated = await findHotspot(tx, input.hotspot);
    if (!updated) throw new Error('hotspot vanished inside its own transaction');
    return updated;
  });
}
