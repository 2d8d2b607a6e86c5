/**
 * The api service: the REST API for hotspot owners, makers and analysts (read-mostly), OpenAPI at
 * /docs. This file only wires dependencies and routes; features live in their folders.
 */
import type { ServiceFactory } from '@cov/shared/runtime/service';
import { RegionLookup } from '@cov/shared/location-region/region-lookup';
import type { ApiDeps } from './api-deps';
import { HotspotView } from './registry/hotspot-view';
import { registerRegistryRoutes } from './registry/registry-routes';

export const createApiService: ServiceFactory = async (ctx) => {
  const deps: ApiDeps = {
    db: ctx.database.db,
    clock: ctx.clock,
    regions: new RegionLookup(ctx.config.REGION_CACHE_H3_RES),
    adminApiKey: ctx.adminApiKey,
    maxSkewMs: ctx.config.SIGNED_REQUEST_MAX_SKEW_MS,
  };
  return {
    name: 'api',
    async registerRoutes(app) {
      app.addSchema(HotspotView);
      await registerRegistryRoutes(app, deps);
    },
  };
};
