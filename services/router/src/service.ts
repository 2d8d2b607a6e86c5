/**
 * The router service: GWMP v2 server for hotspots, uplink dedup and routing to device makers'
 * endpoints, data-credit burns, downlinks (README.md). Wiring only; the parts live in router.ts
 * and the files it names.
 */
import { ApiKeyUse } from '@cov/shared/routing/api-key-use';
import type { ServiceFactory, ServiceModule } from '@cov/shared/runtime/service';
import { registerDownlinkRoutes } from './downlinks/downlink-routes';
import { registerRouteTestRoutes } from './forwarding/route-test-routes';
import { Router, type RouterHandle } from './router';

/** The router's module, with a handle on the running router (tests find the bound GWMP port here). */
export interface RouterServiceModule extends ServiceModule {
  router: RouterHandle;
}

export const createRouterService: ServiceFactory = async (ctx) => {
  const router = new Router(ctx);
  const module: RouterServiceModule = {
    name: 'router',
    router,
    tasks: router.tasks(),
    async registerRoutes(app) {
      const keyUse = new ApiKeyUse(ctx.database.db, ctx.clock, ctx.logger.child({ service: 'router' }));
      await registerDownlinkRoutes(app, { db: ctx.database.db, downlinks: router.downlinks, keyUse });
      await registerRouteTestRoutes(app, { db: ctx.database.db, tester: router.endpointTests, keyUse });
      app.addHook('onListen', async () => {
        const address = app.server.address();
        if (address !== null && typeof address === 'object') router.httpListening(address.address, address.port);
      });
    },
    describe: () => [`GWMP (router)  udp://${router.gwmpHost}:${router.gwmpPort}`],
  };
  return module;
};
