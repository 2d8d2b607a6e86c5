/**
 * Names the hotspots that have no name yet, at start and then every `intervalMs`: rows from before
 * names were kept (an upgraded deployment's whole registry, named in batches without holding up
 * start or readiness), and rows written by any path other than onboarding. Until a hotspot is
 * named, its views still show its name (computed from the address), but a lookup by name misses it.
 * Idempotent and safe on several API processes at once: a name follows from the address alone.
 */
import type { Db } from '@cov/shared/db/client';
import type { Logger } from '@cov/shared/logger';
import { nameUnnamedHotspots } from '@cov/shared/registry/hotspots-repository';
import { periodicTask, type Task } from '@cov/shared/runtime/task-runner';

export const HOTSPOT_NAMING_INTERVAL_MS = 60_000;

export function hotspotNamingTask(db: Db, logger: Logger, intervalMs = HOTSPOT_NAMING_INTERVAL_MS): Task {
  let stopped = false;
  const periodic = periodicTask(
    'api-hotspot-names',
    intervalMs,
    async () => {
      // Between batches it looks whether the process is stopping, so a long first run never delays shutdown.
      const named = await nameUnnamedHotspots(db, { shouldStop: () => stopped });
      if (named > 0) logger.info({ named }, 'named hotspots that had no name yet');
    },
    logger,
  );
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
