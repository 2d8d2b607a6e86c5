/**
 * Tasks that fill in registry fields rows from before the field was kept lack: at start and then
 * every `intervalMs`, in batches, without holding up start or readiness (an upgraded deployment's
 * whole registry may need them). Each is idempotent and safe on several API processes at once: the
 * field follows from the row alone.
 *
 * - Names: until a hotspot is named, its views still show its name (computed from the address), but
 *   a lookup by name misses it. Rows written by any path other than onboarding are named too.
 * - Countries: until a located hotspot has its country, the country filter and the country pages
 *   miss it. The country follows from the asserted cell.
 */
import type { Db } from '@cov/shared/db/client';
import type { Logger } from '@cov/shared/logger';
import { cellToLatLng } from 'h3-js';
import type { RegionLookup } from '@cov/shared/location-region/region-lookup';
import { UNKNOWN_COUNTRY } from '@cov/shared/location-region/country-codes';
import { fillMissingCountries, nameUnnamedHotspots } from '@cov/shared/registry/hotspots-repository';
import { periodicTask, type Task } from '@cov/shared/runtime/task-runner';

export const REGISTRY_BACKFILL_INTERVAL_MS = 60_000;

export function hotspotNamingTask(db: Db, logger: Logger, intervalMs = REGISTRY_BACKFILL_INTERVAL_MS): Task {
  return backfillTask('api-hotspot-names', intervalMs, logger, async (shouldStop) => {
    const named = await nameUnnamedHotspots(db, { shouldStop });
    if (named > 0) logger.info({ named }, 'named hotspots that had no name yet');
  });
}

export function hotspotCountryTask(db: Db, regions: RegionLookup, logger: Logger, intervalMs = REGISTRY_BACKFILL_INTERVAL_MS): Task {
  const countryOfCell = (cell: string): string => {
    const [lat, lng] = cellToLatLng(cell);
    return regions.regionAt(lat, lng)?.countryCode ?? UNKNOWN_COUNTRY;
  };
  return backfillTask('api-hotspot-countries', intervalMs, logger, async (shouldStop) => {
    const filled = await fillMissingCountries(db, countryOfCell, { shouldStop });
    if (filled > 0) logger.info({ filled }, 'filled in the country of located hotspots that had none yet');
  });
}

function backfillTask(name: string, intervalMs: number, logger: Logger, run: (shouldStop: () => boolean) => Promise<void>): Task {
  let stopped = false;
  // Between batches the run looks whether the process is stopping, so a long first run never delays shutdown.
  const periodic = periodicTask(name, intervalMs, () => run(() => stopped), logger);
  return {
    name: periodic.name,
    start: async () => {
      stopped = false;
      await periodic.start();
    },
    stop: async () => {
      stopped = true;
      await periodic.stop();
    },
  };
}
