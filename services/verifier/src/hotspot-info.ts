/**
 * What the checks need to know about a hotspot, from its registry row. Unset gain defaults to
 * Helium's 1.2 dBi; a region outside our plans counts as no region (not_asserted).
 */
import type { HotspotInfo } from '@cov/shared/poc/context';
import { DEFAULT_ANTENNA_GAIN_DBI_X10, isRegion } from '@cov/shared/regions/region-plan';
import type { DenylistSnapshot } from './denylist-snapshot';

export interface RegistryHotspot {
  address: string;
  capability: 'full' | 'data_only';
  locationCell: string | null;
  gainDbiX10: number | null;
  elevationM: number | null;
  region: string | null;
}

export function toHotspotInfo(row: RegistryHotspot, denylist: DenylistSnapshot): HotspotInfo {
  return {
    pubKey: row.address,
    location: row.locationCell,
    gainDbiX10: row.gainDbiX10 ?? DEFAULT_ANTENNA_GAIN_DBI_X10,
    elevationM: row.elevationM ?? 0,
    region: isRegion(row.region) ? row.region : null,
    capability: row.capability,
    denied: denylist.deniedKeys.has(row.address),
  };
}
